import { describe, expect, it } from 'vitest';
import { distinctRawLines } from '../../../actions/lib/toar/group-texts.ts';
import { ObjectBatch } from '../../../actions/lib/toar/object-batch.ts';
import { RawLineRegistry } from '../../../actions/lib/toar/raw-line-registry.ts';

function rejecting(key: string, raws: readonly string[]): ObjectBatch {
  const batch = new ObjectBatch(key, 0, 0);
  raws.forEach((raw, line) => {
    batch.addRejection({ line, reason: 'no-coordinates', message: 'm', raw });
  });
  return batch;
}

const decoded = (parts: Iterable<Uint8Array>) =>
  [...parts].map((p) => new TextDecoder().decode(p).replace(/\\\\x[0-9a-f]{64}\t/g, ''));

describe('RawLineRegistry', () => {
  it('holds each text once for the batches adopted, until the last one that has it is released', () => {
    const registry = new RawLineRegistry();
    const first = rejecting('f/1', ['a', 'b', 'a']);
    const second = rejecting('f/2', ['b', 'c']);
    const before = decoded(distinctRawLines([first, second]));
    registry.adopt(first);
    registry.adopt(second);
    expect([registry.size, registry.bytes]).toEqual([3, 3 * (67 + 1 + 1 + 1)]);
    // The batches hold no text of their own any more, and give the same COPY text as before.
    expect([first.rejectedLines.length, second.rejectedLines.length]).toEqual([0, 0]);
    expect(decoded(distinctRawLines([first, second]))).toEqual(before);
    expect(before).toEqual(['a\nb\n', 'c\n']);
    expect(decoded(distinctRawLines([second]))).toEqual(['b\nc\n']);
    registry.release(first);
    expect(registry.size).toBe(2);
    expect(decoded(distinctRawLines([second]))).toEqual(['b\nc\n']);
    registry.release(second);
    expect([registry.size, registry.bytes]).toEqual([0, 0]);
    // Releasing a batch again changes nothing.
    registry.release(second);
    expect(registry.size).toBe(0);
  });

  it('refuses to adopt a batch twice, and says which text is missing when it was released under it', () => {
    const registry = new RawLineRegistry();
    const batch = rejecting('f/1', ['a']);
    registry.adopt(batch);
    expect(() => registry.adopt(batch)).toThrow(/f\/1 is adopted already/);
    const other = new RawLineRegistry();
    const copy = rejecting('f/2', ['a']);
    other.adopt(copy);
    const shared = copy.sharedLines;
    other.release(copy);
    copy.sharedLines = shared;
    expect(() => [...distinctRawLines([copy])]).toThrow(
      /f\/2: the raw text of rejected line hash [0-9a-f]{64} was released/,
    );
  });
});
