import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  distinctRawLines,
  GroupTextBuilder,
  groupTexts,
  rejectionTexts,
} from '../../../actions/lib/toar/group-texts.ts';
import { ObjectBatch } from '../../../actions/lib/toar/object-batch.ts';
import { sampleRecord } from '../../support/sample-records.ts';

const rowsOf = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t'));

describe('groupTexts', () => {
  it('stages each measurement once, from its latest record by object and line', () => {
    const first = new ObjectBatch('2018-06-07/1.ndjson', 1000, 0);
    first.addRecord(sampleRecord({ value: 1, line: 1 }));
    first.addRecord(sampleRecord({ value: 2, line: 5 })); // the same measurement again, later in the object
    first.addRecord(sampleRecord({ value: 9, line: 6, time: Date.UTC(2018, 5, 7, 1) }));
    const second = new ObjectBatch('2018-06-07/2.ndjson', 2000, 0);
    second.addRecord(sampleRecord({ value: 3, line: 1, location: 'Also here' }));
    second.addRecord(sampleRecord({ value: 4, line: 2, variable: 'no2' }));

    const texts = groupTexts([first, second]);
    // ord, g, variable_id, minutes, epoch ms, value, flags
    expect(rowsOf(texts.data).sort()).toEqual(
      [
        ['0', '0', '1', '60', String(Date.UTC(2018, 5, 7, 1)), '9', '0'],
        ['1', '0', '1', '60', String(Date.UTC(2018, 5, 7)), '3', '0'],
        ['1', '0', '2', '60', String(Date.UTC(2018, 5, 7)), '4', '0'],
      ].sort(),
    );
    expect(rowsOf(texts.keys)).toEqual([['0', '10.5', '-3']]);
    // The station's first sighting in the group (the earliest object's), which names it.
    expect(rowsOf(texts.stations)).toEqual([
      ['0', '0', '1', '10.50001', '-3', 'Here', 'Town', 'XX'],
    ]);
    // Every location name of the station in the group, once.
    expect(rowsOf(texts.codes)).toEqual([
      ['0', 'Here'],
      ['0', 'Also here'],
    ]);
  });

  it('numbers stations across the group and keeps rejections per object', () => {
    const a = new ObjectBatch('a', 1, 0);
    a.addRecord(sampleRecord({ latKey: '1', lngKey: '2' }));
    a.addRejection({ line: 2, reason: 'bad-json', message: 'not JSON', raw: 'x\ty\\z' });
    const b = new ObjectBatch('b', 2, 0);
    b.addRecord(sampleRecord({ latKey: '3', lngKey: '4' }));
    b.addRecord(sampleRecord({ latKey: '1', lngKey: '2', line: 2 }));
    const texts = groupTexts([a, b]);
    expect(rowsOf(texts.keys)).toEqual([
      ['0', '1', '2'],
      ['1', '3', '4'],
    ]);
    expect(decoded(rejectionTexts([a, b], new Set([0, 1])).staged)).toEqual([
      `0\t2\tbad-json\tnot JSON\t${hashField('x\ty\\z')}\n`,
    ]);
    expect(decoded(distinctRawLines([a, b]))).toEqual([`${hashField('x\ty\\z')}\tx\\ty\\\\z\n`]);
    expect(a.rejectedByReason).toEqual({ 'bad-json': 1 });
    expect([a.lines, a.accepted, a.rejected]).toEqual([2, 1, 1]);
  });

  it('are the same made object by object as the objects come (GroupTextBuilder)', () => {
    const a = new ObjectBatch('a', 1, 0);
    a.addRecord(sampleRecord({ latKey: '1', lngKey: '2', value: 1, location: 'A' }));
    a.addRecord(sampleRecord({ latKey: '3', lngKey: '4', value: 2, city: 'tab\there' }));
    const b = new ObjectBatch('b', 2, 0);
    b.addRecord(sampleRecord({ latKey: '1', lngKey: '2', value: 5, location: 'B' }));
    b.addRecord(
      sampleRecord({ latKey: '5', lngKey: '6', value: 6, time: Date.UTC(2018, 5, 7, 2) }),
    );
    const builder = new GroupTextBuilder();
    builder.add(a);
    expect(builder.batches).toEqual([a]);
    builder.add(b);
    expect(builder.batches).toEqual([a, b]);
    const texts = builder.texts();
    expect(texts).toEqual(groupTexts([a, b]));
    // The latest record of the measurement both objects have is b's: ord 1, value 5.
    expect(rowsOf(texts.data).map((r) => [r[0], r[1], r[5]])).toEqual([
      ['1', '0', '5'],
      ['0', '1', '2'],
      ['1', '2', '6'],
    ]);
    expect(rowsOf(texts.codes)).toEqual([
      ['0', 'A'],
      ['1', 'Here'],
      ['0', 'B'],
      ['2', 'Here'],
    ]);
  });

  it('refuses a variable the TOAR schema does not have', () => {
    expect(() => new ObjectBatch('k', 1, 0).addRecord(sampleRecord({ variable: 'pm1' }))).toThrow(
      /k line 1: no TOAR variable pm1/,
    );
  });
});

describe('ObjectBatch messages', () => {
  it('come back as the batch they were made of, columns and all', () => {
    const batch = new ObjectBatch('2018-06-07/1.ndjson', 1000, 0);
    for (let line = 1; line <= 3000; line++) {
      batch.addRecord(
        sampleRecord({
          line,
          latKey: String(line % 7),
          value: line / 3,
          time: Date.UTC(2018, 5, 7) - line * 60_000,
          location: line % 2 ? 'Odd' : 'Even',
          flags: line % 2,
        }),
      );
    }
    batch.addRejection({ line: 3001, reason: 'bad-json', message: 'x', raw: 'y' });
    const expected = groupTexts([batch]);
    const { message, transfer } = batch.toMessage();
    // Only the used rows travel: the columns are trimmed to them.
    expect(transfer.map((b) => b.byteLength)).toEqual([
      3000 * 4,
      3000,
      3000 * 8,
      3000 * 8,
      3000 * 8,
      3000,
      // The rejected line's COPY text, and its raw text's, as UTF-8.
      `3001\tbad-json\tx\t${hashField('y')}\n`.length,
      `${hashField('y')}\ty\n`.length,
    ]);
    const copy = ObjectBatch.fromMessage(structuredClone(message, { transfer }));
    expect(groupTexts([copy])).toEqual(expected);
    expect(copy.rejections.text()).toBe(`3001\tbad-json\tx\t${hashField('y')}\n`);
    expect(copy.rejectedLines.text()).toBe(`${hashField('y')}\ty\n`);
    expect([copy.lines, copy.accepted, copy.rejected, copy.rows]).toEqual([3001, 3000, 1, 3000]);
    expect(copy.stations[0]?.locations).toEqual(['Odd', 'Even']);
    // A record added afterwards finds its station among those that came with the message.
    copy.addRecord(sampleRecord({ latKey: '1', line: 3002 }));
    expect(copy.stations).toHaveLength(7);
  });
});

describe('rejectionTexts', () => {
  it('stages the rejections of the objects named, and gives the others as ops.rejected_records rows', () => {
    const a = new ObjectBatch('a\tkey', 1, Date.UTC(2018, 5, 7));
    a.addRejection({ line: 2, reason: 'bad-json', message: 'm', raw: 'x' });
    a.addRejection({ line: 5, reason: 'bad-date', message: 'n', raw: 'y' });
    const b = new ObjectBatch('b', 2, Date.UTC(2018, 5, 7, 0, 10));
    b.addRejection({ line: 1, reason: 'bad-json', message: 'o', raw: 'z' });
    const empty = new ObjectBatch('c', 3, 0);
    const texts = rejectionTexts([a, b, empty], new Set([1, 2]));
    const [x, y, z] = [hashField('x'), hashField('y'), hashField('z')];
    expect({ staged: decoded(texts.staged), direct: decoded(texts.direct) }).toEqual({
      staged: [`1\t1\tbad-json\to\t${z}\n`],
      direct: [
        `a\\tkey\t2018-06-07T00:00:00.000Z\t2\tbad-json\tm\t${x}\n` +
          `a\\tkey\t2018-06-07T00:00:00.000Z\t5\tbad-date\tn\t${y}\n`,
      ],
    });
    // Staging every object numbers each one's rows with its position.
    expect(decoded(rejectionTexts([a, b, empty], new Set([0, 1, 2])).staged)).toEqual([
      `0\t2\tbad-json\tm\t${x}\n0\t5\tbad-date\tn\t${y}\n`,
      `1\t1\tbad-json\to\t${z}\n`,
    ]);
    // One object of a group staged object by object: its position in the group.
    const alone = rejectionTexts([b], new Set([3]), 3);
    expect({ staged: decoded(alone.staged), direct: decoded(alone.direct) }).toEqual({
      staged: [`3\t1\tbad-json\to\t${z}\n`],
      direct: [],
    });
    expect(decoded(rejectionTexts([b], new Set([0]), 3).direct)).toEqual([
      `b\t2018-06-07T00:10:00.000Z\t1\tbad-json\to\t${z}\n`,
    ]);
  });
});

describe('distinctRawLines', () => {
  it('gives each distinct raw text of a group once, in the first object that has it', () => {
    const a = new ObjectBatch('a', 1, 0);
    a.addRejection({ line: 1, reason: 'no-coordinates', message: 'm', raw: 'same' });
    a.addRejection({ line: 2, reason: 'no-coordinates', message: 'm', raw: 'same' });
    a.addRejection({ line: 3, reason: 'bad-json', message: 'm', raw: 'a\u0000b' });
    const b = new ObjectBatch('b', 2, 0);
    b.addRejection({ line: 1, reason: 'no-coordinates', message: 'm', raw: 'same' });
    b.addRejection({ line: 2, reason: 'bad-json', message: 'm', raw: 'new' });
    // A text COPY must escape is hashed as it is, and written escaped; multi-byte characters too.
    b.addRejection({ line: 3, reason: 'bad-json', message: 'm', raw: 'µg\tm³\\' });
    b.addRejection({ line: 4, reason: 'bad-json', message: 'm', raw: 'µg/m³ ✓ 𝛼' });
    const only = new ObjectBatch('c', 3, 0);
    only.addRejection({ line: 1, reason: 'bad-json', message: 'm', raw: 'same' });
    // NUL is stored as U+FFFD, and hashed as stored.
    expect(decoded(distinctRawLines([a, b, only]))).toEqual([
      `${hashField('same')}\tsame\n${hashField('a\uFFFDb')}\ta\uFFFDb\n`,
      `${hashField('new')}\tnew\n${hashField('µg\tm³\\')}\tµg\\tm³\\\\\n${hashField('µg/m³ ✓ 𝛼')}\tµg/m³ ✓ 𝛼\n`,
    ]);
    expect(b.rejections.text().split('\n').slice(2, 4)).toEqual([
      `3\tbad-json\tm\t${hashField('µg\tm³\\')}`,
      `4\tbad-json\tm\t${hashField('µg/m³ ✓ 𝛼')}`,
    ]);
    // Given the texts already copied for the group (its objects staged one by one), the others.
    const seen = new Set<string>();
    expect(decoded(distinctRawLines([a], seen))).toHaveLength(1);
    expect(decoded(distinctRawLines([only], seen))).toEqual([]);
    expect(decoded(distinctRawLines([b], seen))).toEqual([
      `${hashField('new')}\tnew\n${hashField('µg\tm³\\')}\tµg\\tm³\\\\\n${hashField('µg/m³ ✓ 𝛼')}\tµg/m³ ✓ 𝛼\n`,
    ]);
    // Every rejection still names its text.
    expect(a.rejections.text().split('\n').slice(0, 2)).toEqual([
      `1\tno-coordinates\tm\t${hashField('same')}`,
      `2\tno-coordinates\tm\t${hashField('same')}`,
    ]);
    expect(decoded(distinctRawLines([new ObjectBatch('d', 4, 0)]))).toEqual([]);
  });
});

/** A raw text's SHA-256 as a bytea field of COPY text (`\\x` and 64 hex digits). */
function hashField(raw: string): string {
  return `\\\\x${createHash('sha256').update(raw, 'utf8').digest('hex')}`;
}

/** COPY texts made as bytes, as strings. */
function decoded(parts: Iterable<Uint8Array>): string[] {
  return [...parts].map((part) => new TextDecoder().decode(part));
}
