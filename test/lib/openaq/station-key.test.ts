import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundHalfAwayFromZero4, stationKey4 } from '../../../actions/lib/openaq/station-key.ts';

/** Canonical decimal text: no exponent, no trailing zeros, no "-0". */
const CANONICAL = /^-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$/;

/**
 * An independent oracle: rounds a plain decimal text half away from zero with BigInt arithmetic
 * on its digits (the implementation works on strings instead).
 */
function roundDecimalText(text: string): string {
  const negative = text.startsWith('-');
  const [integer, fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const scale = Math.max(fraction.length, 4);
  const scaled = BigInt(integer + fraction.padEnd(scale, '0'));
  const unit = 10n ** BigInt(scale - 4);
  const rounded = (scaled + unit / 2n) / unit; // half up on the magnitude = half away from zero
  const digits = rounded.toString().padStart(5, '0');
  const fourDecimals = `${digits.slice(0, -4)}.${digits.slice(-4)}`.replace(/\.?0+$/, '');
  const magnitude = fourDecimals === '' ? '0' : fourDecimals;
  return negative && magnitude !== '0' ? `-${magnitude}` : magnitude;
}

describe('roundHalfAwayFromZero4', () => {
  it.each([
    [34.83775, '34.8378'],
    [-34.83775, '-34.8378'],
    [1.00005, '1.0001'], // 1.00005 is 1.0000499999… in binary: the decimal text decides
    [-1.00005, '-1.0001'],
    [179.99995, '180'],
    [-179.99995, '-180'],
    [89.99994, '89.9999'],
    [23.796373, '23.7964'],
    [90.424614, '90.4246'],
    [-33.422301, '-33.4223'],
    [40.01, '40.01'],
    [116.333, '116.333'],
    [0.5, '0.5'],
    [-3, '-3'],
    [3, '3'],
    [0, '0'],
    [-0, '0'],
    [0.00004, '0'],
    [-0.00004, '0'], // rounds to zero: no "-0" key
    [0.00005, '0.0001'],
    [-0.00005, '-0.0001'],
    [0.00015, '0.0002'],
    [9.99995, '10'],
    [99.99999, '100'],
    [12.34, '12.34'],
    [12.30001, '12.3'],
    [1e-7, '0'], // String(1e-7) is "1e-7"
    [-5e-7, '0'],
    [1.5e-5, '0'], // "0.000015"
    [5e-5, '0.0001'],
    [1e21, '1000000000000000000000'], // String(1e21) is "1e+21"
    [1.23456789e21, '1234567890000000000000'],
  ])('rounds %s to "%s"', (x, expected) => {
    expect(roundHalfAwayFromZero4(x)).toBe(expected);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('refuses %s', (x) => {
    expect(() => roundHalfAwayFromZero4(x)).toThrow(RangeError);
  });

  it('matches BigInt rounding of the decimal text for decimals with up to 8 places', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 0, max: 180 }),
        fc.stringMatching(/^[0-9]{0,8}$/),
        (negative, integer, fraction) => {
          const text = `${negative ? '-' : ''}${integer}${fraction ? `.${fraction}` : ''}`;
          const x = Number(text);
          expect(roundHalfAwayFromZero4(x)).toBe(roundDecimalText(String(x)));
        },
      ),
    );
  });

  it('gives canonical text within half a unit of the fourth decimal for any double in range', () => {
    fc.assert(
      fc.property(fc.double({ min: -180, max: 180, noNaN: true }), (x) => {
        const key = roundHalfAwayFromZero4(x);
        expect(key).toMatch(CANONICAL);
        expect(key).not.toBe('-0');
        expect(Math.abs(Number(key) - x)).toBeLessThanOrEqual(0.00005 + 1e-12);
      }),
    );
  });

  it('gives canonical text for any finite double, exponent forms included', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(roundHalfAwayFromZero4(x)).toMatch(CANONICAL);
      }),
    );
  });
});

describe('stationKey4', () => {
  it('gives the key roundHalfAwayFromZero4 gives, first time and remembered, over many values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -180, max: 180, noNaN: true }), { maxLength: 50 }),
        (xs) => {
          for (const x of [...xs, ...xs]) expect(stationKey4(x)).toBe(roundHalfAwayFromZero4(x));
        },
      ),
    );
  });

  it('keeps giving right keys after it forgets (more values than it remembers)', () => {
    for (let i = 0; i < 70_000; i++) {
      const x = -90 + i * 0.00123;
      if (i % 997 === 0) expect(stationKey4(x)).toBe(roundHalfAwayFromZero4(x));
      else stationKey4(x);
    }
    expect(stationKey4(34.83775)).toBe('34.8378');
    expect(stationKey4(-0)).toBe('0');
  });
});
