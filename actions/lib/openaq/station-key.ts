/**
 * Station keys: a coordinate rounded half away from zero to 4 decimals (about 11 m), computed on
 * the number's shortest decimal form (`String(x)`), as DESIGN.md prescribes.
 *
 * Why text and not arithmetic: `34.83775` is stored in binary as 34.837749999…, so
 * `Math.round(x * 1e4)` and `toFixed(4)` give `34.8377`, while a person reading the record (and
 * any other implementation reading the same JSON text) expects `34.8378`. Rounding the shortest
 * decimal form makes the key a function of the text OpenAQ wrote, independent of binary accidents.
 */

const DIGIT_5 = 53;
const DIGIT_9 = 57;
const DECIMALS = 4;

/**
 * Expands JavaScript's exponent notation (`1e-7`, `1.5e+21`) into a plain decimal (without the
 * sign); `String(x)` uses it below 1e-6 and from 1e21.
 */
function expandExponent(digitsAndExponent: string): string {
  const e = digitsAndExponent.indexOf('e');
  const mantissa = digitsAndExponent.slice(0, e);
  const exponent = Number(digitsAndExponent.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  // Position of the decimal point within `digits` after applying the exponent.
  const point = (dot < 0 ? mantissa.length : dot) + exponent;
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Adds one unit in the last place to a string of decimal digits ("1299" → "1300", "99" → "100"). */
function incrementDigits(digits: string): string {
  let i = digits.length - 1;
  while (i >= 0 && digits.charCodeAt(i) === DIGIT_9) i--;
  const zeros = '0'.repeat(digits.length - 1 - i);
  if (i < 0) return `1${zeros}`;
  return digits.slice(0, i) + String.fromCharCode(digits.charCodeAt(i) + 1) + zeros;
}

/** Joins integer and fraction digits, dropping the fraction's trailing zeros (and the dot if none remain). */
function canonical(negative: boolean, integer: string, fraction: string): string {
  let end = fraction.length;
  while (end > 0 && fraction.charCodeAt(end - 1) === 48) end--;
  const text = end === 0 ? integer : `${integer}.${fraction.slice(0, end)}`;
  // A value that rounds to zero has no sign: "-0" would be a second key for the same place.
  return negative && text !== '0' ? `-${text}` : text;
}

/**
 * Rounds a finite number half away from zero to 4 decimals, on its shortest decimal form, and
 * returns canonical decimal text: no exponent, no trailing zeros, no negative zero.
 *
 * @throws RangeError for NaN or ±Infinity (callers validate coordinates first).
 * @example
 * roundHalfAwayFromZero4(34.83775);   // "34.8378"
 * roundHalfAwayFromZero4(-34.83775);  // "-34.8378"
 * roundHalfAwayFromZero4(1.00005);    // "1.0001" (the binary value is just below, the text is not)
 * roundHalfAwayFromZero4(179.99995);  // "180"
 * roundHalfAwayFromZero4(-3);         // "-3"
 * roundHalfAwayFromZero4(1e-7);       // "0"
 */
export function roundHalfAwayFromZero4(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`cannot round ${x} to a station key`);
  // String(-0) is "0", so negative zero needs no special case here.
  let text = String(x);
  const negative = text.charCodeAt(0) === 45;
  if (negative) text = text.slice(1);
  if (text.indexOf('e') >= 0) text = expandExponent(text);

  const dot = text.indexOf('.');
  if (dot < 0) return negative ? `-${text}` : text;
  const integer = text.slice(0, dot);
  const fractionLength = text.length - dot - 1;
  if (fractionLength <= DECIMALS) {
    // Shortest forms never end in 0 after the dot, but an expanded exponent form may.
    return canonical(negative, integer, text.slice(dot + 1));
  }
  const kept = text.slice(dot + 1, dot + 1 + DECIMALS);
  // Only the fifth decimal decides: 5 or more (followed by anything) is at least half a unit.
  if (text.charCodeAt(dot + 1 + DECIMALS) < DIGIT_5) return canonical(negative, integer, kept);
  const bumped = incrementDigits(integer + kept);
  const split = bumped.length - DECIMALS;
  return canonical(negative, bumped.slice(0, split), bumped.slice(split));
}

/** Coordinates seen lately and their keys: a fetch repeats a few thousand stations' coordinates. */
const recentKeys = new Map<number, string>();
const MAX_RECENT_KEYS = 1 << 16;

/**
 * {@link roundHalfAwayFromZero4}, remembering the keys of recent coordinates: the same value always
 * gives the same key, so a record of a station already seen costs one map lookup, not a rounding.
 *
 * @example
 * stationKey4(34.83775); // "34.8378", computed once, then remembered
 */
export function stationKey4(x: number): string {
  let key = recentKeys.get(x);
  if (key === undefined) {
    key = roundHalfAwayFromZero4(x);
    // Bounded: a run over many stations forgets them all at once rather than growing without end.
    if (recentKeys.size >= MAX_RECENT_KEYS) recentKeys.clear();
    recentKeys.set(x, key);
  }
  return key;
}
