import { describe, expect, it } from 'vitest';
import { ProtoWriter } from '../../../../actions/lib/training/forest/protobuf-writer.ts';

describe('ProtoWriter', () => {
  it('writes varints, strings and nested messages in the wire format', () => {
    // The protocol buffers documentation's examples: field 1 = 150 is 08 96 01.
    expect([...new ProtoWriter().int64(1, 150).finish()]).toEqual([0x08, 0x96, 0x01]);
    expect([...new ProtoWriter().string(2, 'testing').finish()]).toEqual([
      0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67,
    ]);
    expect([...new ProtoWriter().message(3, (m) => m.int64(1, 150)).finish()]).toEqual([
      0x1a, 0x03, 0x08, 0x96, 0x01,
    ]);
  });

  it('writes negative int64 as ten bytes, large ones beyond 32 bits, floats as fixed32', () => {
    expect([...new ProtoWriter().int64(1, -1).finish()]).toEqual([
      0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ]);
    expect([...new ProtoWriter().int64(1, 2 ** 35).finish()]).toEqual([
      0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01,
    ]);
    expect([...new ProtoWriter().float(2, 1.5).finish()]).toEqual([0x15, 0x00, 0x00, 0xc0, 0x3f]);
  });

  it('packs repeated numbers into one length-delimited field', () => {
    expect([...new ProtoWriter().packedInt64(4, [3, 270, 86942]).finish()]).toEqual([
      0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05,
    ]);
    expect([...new ProtoWriter().packedFloat(7, [1, -2]).finish()]).toEqual([
      0x3a, 0x08, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0,
    ]);
  });
});
