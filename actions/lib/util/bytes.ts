// Joining byte pieces. Pure.

/**
 * `pieces` one after another in one buffer of `length` bytes (their total); a single piece is
 * returned as it is, not copied.
 *
 * @example concatBytes([Uint8Array.of(1), Uint8Array.of(2, 3)], 3) // Uint8Array [1, 2, 3]
 */
export function concatBytes(pieces: readonly Uint8Array[], length: number): Uint8Array {
  const [only] = pieces;
  if (pieces.length === 1 && only !== undefined) return only;
  const joined = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    joined.set(piece, at);
    at += piece.length;
  }
  return joined;
}
