import { gaussian, hashKey, mulberry32, type Random } from './random.ts';
import type { DaylightRule } from './sources.ts';
import type { StationModel, SyntheticSeries, SyntheticStation } from './stations.ts';

/**
 * What the synthetic stations measure: plausible concentrations in natural units (ppb for gases,
 * µg/m³ for particles, particles/cm³ for counts), and the local time strings of the records.
 *
 * Ozone follows the sun: a diurnal cycle peaking at 15:00 local solar time (from the longitude)
 * and a seasonal cycle peaking at the summer solstice of the station's hemisphere, damped towards
 * the tropics; a smooth day-to-day "weather" anomaly and hourly noise ride on top. NO2 and CO
 * follow traffic (morning and evening peaks), particles the season (higher in winter) and
 * multi-day episodes, SO2 a skewed background.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const YEAR_DAYS = 365.2422;
/** June 21 as days after January 1; day 0 of the epoch is a January 1. */
const SOLSTICE_DAY = 171.5;
const PURPOSE_WEATHER = 21;

/** +1 at the local summer solstice, -1 at the winter one, scaled down towards the equator. */
function summerness(lat: number, time: number): number {
  const phase = (2 * Math.PI * (time / DAY_MS - SOLSTICE_DAY)) / YEAR_DAYS;
  const hemisphere = lat >= 0 ? 1 : -1;
  return hemisphere * Math.cos(phase) * Math.min(1, Math.abs(lat) / 35);
}

/** Local mean solar time in hours [0, 24) at a longitude. */
function solarHour(lng: number, time: number): number {
  const hours = (time / HOUR_MS + lng / 15) % 24;
  return hours < 0 ? hours + 24 : hours;
}

/** Rush hours: about 1 on average, peaks near 08:00 and 19:00. */
function traffic(hour: number): number {
  const morning = hour - 8;
  const evening = hour - 19;
  return 0.55 + 0.8 * Math.exp((-morning * morning) / 5) + 0.7 * Math.exp((-evening * evening) / 8);
}

/** A standard normal value per (station, day, stream), smoothly interpolated between days. */
function weather(seed: number, index: number, time: number, stream: number): number {
  const days = time / DAY_MS;
  const day = Math.floor(days);
  const f = days - day;
  const s = f * f * (3 - 2 * f);
  const a = gaussian(mulberry32(hashKey(seed, PURPOSE_WEATHER, index, day, stream)));
  const b = gaussian(mulberry32(hashKey(seed, PURPOSE_WEATHER, index, day + 1, stream)));
  return a + (b - a) * s;
}

function particles(
  seed: number,
  model: StationModel,
  lat: number,
  time: number,
  hour: number,
): number {
  const episode = weather(seed, model.weatherIndex, time, 2);
  return (
    model.pm25Base *
    (1 - 0.35 * summerness(lat, time)) *
    Math.exp(0.45 * episode) *
    (0.8 + 0.2 * traffic(hour))
  );
}

/**
 * The true value of a series at a measurement's start time, in natural units, before rounding.
 * `random` is the measurement's own stream (noise); everything else is a function of the key.
 */
export function naturalValue(
  seed: number,
  station: SyntheticStation,
  series: SyntheticSeries,
  time: number,
  random: Random,
): number {
  const { model, lat } = station;
  // A 24-hour rolling mean sees neither the hour of day nor much noise.
  const hour = series.rolling24h ? 12 : solarHour(station.lng, time);
  const noise = gaussian(random) * (series.rolling24h ? 0.2 : 1);
  const rush = series.rolling24h ? 1 : traffic(hour);
  switch (series.parameter) {
    case 'o3': {
      const summer = summerness(lat, time);
      const diurnal = Math.cos((2 * Math.PI * (hour - 15)) / 24);
      const value =
        model.o3Base +
        8 * summer +
        model.o3Amplitude * (0.75 + 0.25 * summer) * diurnal +
        5 * weather(seed, model.weatherIndex, time, 1) +
        2.5 * noise;
      return Math.max(0.5, value);
    }
    case 'no2':
    case 'no':
    case 'nox': {
      const share = series.parameter === 'no' ? 0.4 : series.parameter === 'nox' ? 1.5 : 1;
      const summer = summerness(lat, time);
      return (
        share *
        model.urban *
        14 *
        (1 - 0.25 * summer) *
        rush *
        Math.exp(0.2 * weather(seed, model.weatherIndex, time, 2) + 0.25 * noise)
      );
    }
    case 'co':
      return (
        model.urban *
        300 *
        (1 - 0.2 * summerness(lat, time)) *
        rush *
        Math.exp(0.2 * weather(seed, model.weatherIndex, time, 2) + 0.25 * noise)
      );
    case 'so2':
      return (
        model.so2Base * Math.exp(0.3 * weather(seed, model.weatherIndex, time, 2) + 0.5 * noise)
      );
    case 'pm25':
      return particles(seed, model, lat, time, hour) * Math.exp(0.2 * noise);
    case 'pm10':
      return particles(seed, model, lat, time, hour) * model.pm10Ratio * Math.exp(0.2 * noise);
    case 'pm1':
      return particles(seed, model, lat, time, hour) * 0.7 * Math.exp(0.1 * noise);
    case 'bc':
      return particles(seed, model, lat, time, hour) * 0.07 * Math.exp(0.25 * noise);
    case 'um003':
      return particles(seed, model, lat, time, hour) * 55 * Math.exp(0.2 * noise);
  }
}

/** Rounds to `decimals` places; dividing an integer by a power of ten prints as the short decimal. */
export function roundTo(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  const rounded = Math.round(value * scale) / scale;
  return rounded === 0 ? 0 : rounded; // never -0
}

/** Start of the `n`-th Sunday (1-based) of a month, or its last Sunday when `n` is 0, epoch ms UTC. */
function sundayOf(year: number, month: number, n: number): number {
  if (n === 0) {
    const last = Date.UTC(year, month + 1, 0);
    return last - new Date(last).getUTCDay() * DAY_MS;
  }
  const first = Date.UTC(year, month, 1);
  const toSunday = (7 - new Date(first).getUTCDay()) % 7;
  return first + (toSunday + 7 * (n - 1)) * DAY_MS;
}

/** The UTC year of an instant, remembering the last year's bounds (times come in runs). */
let yearStart = 0;
let yearEnd = 0;
let lastYear = 1970;
function yearOf(time: number): number {
  if (time < yearStart || time >= yearEnd) {
    lastYear = new Date(time).getUTCFullYear();
    yearStart = Date.UTC(lastYear, 0, 1);
    yearEnd = Date.UTC(lastYear + 1, 0, 1);
  }
  return lastYear;
}

const daylightCache = new Map<number, readonly [number, number]>();

/** [start, end) of daylight saving time in a year, epoch ms UTC, for a rule and standard offset. */
function daylightPeriod(
  rule: DaylightRule,
  utcOffset: number,
  year: number,
): readonly [number, number] {
  const key = (rule === 'eu' ? 0 : utcOffset + 10_000) * 10_000 + year;
  const cached = daylightCache.get(key);
  if (cached !== undefined) return cached;
  let period: readonly [number, number];
  if (rule === 'eu') {
    // Last Sunday of March to last Sunday of October, 01:00 UTC everywhere.
    period = [sundayOf(year, 2, 0) + HOUR_MS, sundayOf(year, 9, 0) + HOUR_MS];
  } else {
    // Second Sunday of March, 02:00 standard time, to first Sunday of November, 02:00 daylight time.
    const offsetMs = utcOffset * 60_000;
    period = [
      sundayOf(year, 2, 2) + 2 * HOUR_MS - offsetMs,
      sundayOf(year, 10, 1) + HOUR_MS - offsetMs,
    ];
  }
  daylightCache.set(key, period);
  return period;
}

/** The station's offset from UTC at an instant, in minutes. */
function utcOffsetAt(rule: DaylightRule, utcOffset: number, time: number): number {
  if (rule === 'none') return utcOffset;
  const [start, end] = daylightPeriod(rule, utcOffset, yearOf(time));
  return time >= start && time < end ? utcOffset + 60 : utcOffset;
}

function twoDigits(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `+05:45`, `-04:00`. */
function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${twoDigits(Math.floor(abs / 60))}:${twoDigits(abs % 60)}`;
}

// Each measurement time recurs in dozens of fetches and across stations (hourly slots line up), so
// its texts are cached: formatting dates was the largest cost of generating a record.
const CACHE_LIMIT = 100_000;
const utcTexts = new Map<number, string>();
const localTexts = new Map<number, Map<number, string>>();

/**
 * `date.utc` as OpenAQ wrote it: `toISOString()`, milliseconds and `Z`.
 *
 * @example
 * utcTimeText(Date.UTC(2018, 5, 7)); // "2018-06-07T00:00:00.000Z"
 */
export function utcTimeText(time: number): string {
  let text = utcTexts.get(time);
  if (text === undefined) {
    if (utcTexts.size >= CACHE_LIMIT) utcTexts.clear();
    text = new Date(time).toISOString();
    utcTexts.set(time, text);
  }
  return text;
}

/**
 * `date.local` as OpenAQ wrote it: local wall time without milliseconds, with the offset.
 *
 * @example
 * localTimeText('eu', 60, Date.UTC(2018, 5, 7)); // "2018-06-07T02:00:00+02:00"
 */
export function localTimeText(rule: DaylightRule, utcOffset: number, time: number): string {
  const offset = utcOffsetAt(rule, utcOffset, time);
  let byTime = localTexts.get(offset);
  if (byTime === undefined) {
    byTime = new Map();
    localTexts.set(offset, byTime);
  }
  let text = byTime.get(time);
  if (text === undefined) {
    if (byTime.size >= CACHE_LIMIT) byTime.clear();
    text = new Date(time + offset * 60_000).toISOString().slice(0, 19) + offsetText(offset);
    byTime.set(time, text);
  }
  return text;
}
