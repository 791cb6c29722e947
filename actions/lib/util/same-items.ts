// Comparing lists by their items' identity. Pure.

/**
 * Whether `a` and `b` hold the very same items (`===`), in the same order.
 *
 * @example sameItems([x, y], [x, y]) // true; sameItems([x, y], [y, x]) // false
 */
export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
