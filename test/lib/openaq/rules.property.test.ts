import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateLine } from '../../../actions/lib/openaq/rules.ts';
import type { LineOutcome, SourceLine } from '../../../actions/lib/openaq/types.ts';
import { REJECT_REASONS, TOAR_VARIABLES } from '../../../actions/lib/openaq/types.ts';
import { openaqSampleText } from '../../support/openaq-fixtures.ts';

const CANONICAL_KEY = /^-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$/;

/** The fetch time of every line's object: later than the real lines, earlier than some generated. */
const FETCHED_AT = Date.parse('2018-06-07T00:10:00Z');
const DAY_MS = 86_400_000;

/** Counts outcomes across a property's runs, to check the generators reach both sides. */
interface Tally {
  accepted: number;
  rejected: number;
}

/** What every outcome must satisfy, whatever the line. Returns the outcome for further checks. */
function checkOutcome(line: SourceLine, tally: Tally): LineOutcome {
  let outcome: LineOutcome | undefined;
  expect(() => {
    outcome = evaluateLine(line, FETCHED_AT);
  }).not.toThrow();
  if (outcome === undefined) throw new Error('no outcome');
  if (outcome.kind === 'rejected') {
    tally.rejected++;
    expect(REJECT_REASONS).toContain(outcome.reason);
    expect(typeof outcome.message).toBe('string');
    expect(outcome.message.length).toBeGreaterThan(0);
    expect(outcome.message.length).toBeLessThan(200);
    return outcome;
  }
  expect(outcome.kind).toBe('accepted');
  tally.accepted++;
  const m = outcome.measurement;
  expect(line.validUtf8).toBe(true);
  expect(TOAR_VARIABLES).toContain(m.variable);
  expect(Number.isFinite(m.value)).toBe(true);
  expect([0, 1]).toContain(m.flags);
  expect(Number.isInteger(m.averagingMinutes)).toBe(true);
  expect(m.averagingMinutes).toBeGreaterThanOrEqual(1);
  expect(Number.isInteger(m.time)).toBe(true);
  expect(m.time - FETCHED_AT).toBeLessThanOrEqual(DAY_MS);
  expect(Math.abs(m.lat)).toBeLessThanOrEqual(90);
  expect(Math.abs(m.lng)).toBeLessThanOrEqual(180);
  expect(m.lat === 0 && m.lng === 0).toBe(false);
  for (const [key, coordinate] of [
    [m.latKey, m.lat],
    [m.lngKey, m.lng],
  ] as const) {
    expect(key).toMatch(CANONICAL_KEY);
    expect(key).not.toBe('-0');
    expect(Math.abs(Number(key) - coordinate)).toBeLessThanOrEqual(0.00005 + 1e-12);
  }
  for (const text of [m.location, m.city, m.country]) expect(typeof text).toBe('string');
  // The flag follows the sign of the raw value in the record.
  const raw = (JSON.parse(line.text) as { value: number }).value;
  expect(m.flags).toBe(raw < 0 ? 1 : 0);
  return outcome;
}

describe('evaluateLine on arbitrary input', () => {
  it('never throws on arbitrary strings, and rejects them with a known reason', () => {
    const tally: Tally = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.boolean(), (text, validUtf8) => {
        checkOutcome({ number: 1, text, validUtf8 }, tally);
      }),
      { numRuns: 500 },
    );
    expect(tally.rejected).toBe(500);
  });

  it('never throws on arbitrary JSON values', () => {
    const tally: Tally = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        checkOutcome({ number: 1, text: JSON.stringify(value) ?? 'null', validUtf8: true }, tally);
      }),
      { numRuns: 1000 },
    );
    expect(tally.rejected).toBeGreaterThan(0);
  });

  it('keeps its invariants on record-shaped objects built from plausible and odd field values', () => {
    const anything = fc.oneof(fc.jsonValue(), fc.constant(undefined));
    /** Mostly a plausible value (so that some records pass every rule), sometimes anything. */
    const mostly = <T>(plausible: fc.Arbitrary<T>) =>
      fc.oneof({ arbitrary: plausible, weight: 6 }, { arbitrary: anything, weight: 1 });
    const instant = fc
      .date({ min: new Date(-62167219200000), max: new Date(253402300799999), noInvalidDate: true })
      .map((d) => d.toISOString());
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
    const record = fc.record(
      {
        date: mostly(
          fc.record({
            utc: mostly(
              fc.oneof(
                { arbitrary: instant, weight: 4 },
                fc.constantFrom('2018-02-30T00:00:00Z', '2018-06-07T05:00:00+05:00', '2018-06-07'),
              ),
            ),
          }),
        ),
        parameter: mostly(
          fc.constantFrom('o3', 'no2', 'so2', 'co', 'pm25', 'pm10', 'bc', 'pm1', 'O3'),
        ),
        coordinates: mostly(
          fc.record({
            latitude: mostly(
              fc.oneof(fc.double({ min: -100, max: 100, noNaN: true }), fc.constant(0)),
            ),
            longitude: mostly(
              fc.oneof(fc.double({ min: -200, max: 200, noNaN: true }), fc.constant(0)),
            ),
          }),
        ),
        unit: mostly(
          fc.constantFrom('ppm', 'ppb', 'µg/m³', 'ug/m3', 'μg/m³', 'µg/m3', 'mg/m³', 'ppt'),
        ),
        value: mostly(fc.oneof(finite, fc.constantFrom(-999, -0.5, 0, 1e308))),
        averagingPeriod: fc.oneof(
          fc.constant(undefined),
          fc.record({
            value: mostly(fc.oneof(finite, fc.constantFrom(0.25, 1, 24, 0.001))),
            unit: mostly(fc.constantFrom('minutes', 'hours', 'days', 'seconds')),
          }),
          anything,
        ),
        location: anything,
        city: anything,
        country: anything,
      },
      { requiredKeys: ['date', 'parameter', 'coordinates', 'unit', 'value'] },
    );
    const tally: Tally = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(record, (value) => {
        checkOutcome({ number: 1, text: JSON.stringify(value), validUtf8: true }, tally);
      }),
      { numRuns: 3000 },
    );
    expect(tally.accepted).toBeGreaterThan(0);
    expect(tally.rejected).toBeGreaterThan(0);
  });
});

describe('evaluateLine on mutated real lines (fetches/2018-06-07.ndjson)', () => {
  const realLines = openaqSampleText('fetches/2018-06-07.ndjson')
    .split('\n')
    .filter((l) => l !== '');
  const realLine = fc
    .integer({ min: 0, max: Math.max(0, realLines.length - 1) })
    .map((i) => realLines[i]!);

  const PATHS = [
    'date',
    'date.utc',
    'parameter',
    'coordinates',
    'coordinates.latitude',
    'coordinates.longitude',
    'unit',
    'value',
    'averagingPeriod',
    'averagingPeriod.value',
    'averagingPeriod.unit',
    'location',
    'city',
    'country',
  ] as const;
  const replacement = fc.oneof(
    fc.jsonValue(),
    fc.constantFrom(
      '2018-02-30T00:00:00Z',
      '2018-06-07T00:00:00+05:30',
      '2016-12-31T23:59:60Z',
      'ug/m3',
      'mg/m³',
      'ppb',
      'hours',
      'days',
      -999,
      -1,
      0,
      90.00001,
      180,
      1e308,
      34.83775,
      '12.5',
    ),
  );
  const mutation = fc.record({
    path: fc.constantFrom(...PATHS),
    remove: fc.boolean(),
    value: replacement,
  });

  type Mutable = Record<string, unknown>;
  function mutate(
    text: string,
    mutations: readonly { path: string; remove: boolean; value: unknown }[],
  ): string {
    const record = JSON.parse(text) as Mutable;
    for (const { path, remove, value } of mutations) {
      const [head, tail] = path.split('.') as [string, string | undefined];
      let target: Mutable = record;
      let field = head;
      if (tail !== undefined) {
        const parent = record[head];
        if (typeof parent !== 'object' || parent === null || Array.isArray(parent))
          record[head] = {};
        target = record[head] as Mutable;
        field = tail;
      }
      if (remove) delete target[field];
      else target[field] = value;
    }
    return JSON.stringify(record);
  }

  it('keeps its invariants when fields are removed or replaced', () => {
    const tally: Tally = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(
        realLine,
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (text, mutations) => {
          checkOutcome({ number: 1, text: mutate(text, mutations), validUtf8: true }, tally);
        },
      ),
      { numRuns: 3000 },
    );
    expect(tally.accepted).toBeGreaterThan(0);
    expect(tally.rejected).toBeGreaterThan(0);
  });

  it('keeps its invariants when the text is edited character by character', () => {
    const edit = fc.record({
      at: fc.nat(),
      remove: fc.integer({ min: 0, max: 3 }),
      insert: fc.oneof(
        fc.string({ maxLength: 3 }),
        fc.constantFrom('"', '{', '}', ',', '-', '9', 'e9', 'null'),
      ),
    });
    const tally: Tally = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(realLine, fc.array(edit, { minLength: 1, maxLength: 4 }), (text, edits) => {
        let edited = text;
        for (const { at, remove, insert } of edits) {
          const i = at % (edited.length + 1);
          edited = edited.slice(0, i) + insert + edited.slice(i + remove);
        }
        checkOutcome({ number: 1, text: edited, validUtf8: true }, tally);
      }),
      { numRuns: 3000 },
    );
    expect(tally.accepted).toBeGreaterThan(0);
    expect(tally.rejected).toBeGreaterThan(0);
  });

  it('keeps its invariants when bytes are flipped, and rejects every line that became invalid UTF-8', () => {
    const encoder = new TextEncoder();
    const fatal = new TextDecoder('utf-8', { fatal: true });
    const lenient = new TextDecoder('utf-8');
    const tally: Tally = { accepted: 0, rejected: 0 };
    fc.assert(
      fc.property(
        realLine,
        fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), {
          minLength: 1,
          maxLength: 3,
        }),
        (text, flips) => {
          const bytes = encoder.encode(text);
          for (const { at, byte } of flips) bytes[at % bytes.length] = byte;
          let line: SourceLine;
          try {
            line = { number: 1, text: fatal.decode(bytes), validUtf8: true };
          } catch {
            line = { number: 1, text: lenient.decode(bytes), validUtf8: false };
          }
          const outcome = checkOutcome(line, tally);
          if (!line.validUtf8)
            expect(outcome).toMatchObject({ kind: 'rejected', reason: 'bad-json' });
        },
      ),
      { numRuns: 3000 },
    );
    expect(tally.accepted).toBeGreaterThan(0);
    expect(tally.rejected).toBeGreaterThan(0);
  });
});
