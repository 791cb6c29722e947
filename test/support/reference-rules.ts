// A second, deliberately plain reading of DESIGN.md's OpenAQ → TOAR table, used by the integration
// tests to derive expected counts independently of the program's own code. Slow and simple on
// purpose; it must never import from actions/.

export interface ReferenceRow {
  key: string; // "lat,lng" station key
  variable: string;
  minutes: number;
  time: number;
  value: number;
  flags: number;
  location: string;
}

export type ReferenceOutcome = { ok: true; row: ReferenceRow } | { ok: false; reason: string };

const VARIABLES: Record<string, string> = {
  o3: 'o3',
  no2: 'no2',
  so2: 'so2',
  co: 'co',
  pm25: 'pm2p5',
  pm10: 'pm10',
  bc: 'bc',
};
const MOLAR: Record<string, number> = { o3: 48.0, no2: 46.01, so2: 64.07, co: 28.01 };

/** Rounds half away from zero to 4 decimals on the number's shortest decimal text, with BigInt. */
function referenceKey(x: number): string {
  let text = String(Math.abs(x));
  if (text.includes('e')) {
    const [mantissa, exp] = text.split('e') as [string, string];
    const [i, f = ''] = mantissa.split('.') as [string, string?];
    const digits = i + f;
    const point = i.length + Number(exp);
    text =
      point <= 0
        ? `0.${'0'.repeat(-point)}${digits}`
        : point >= digits.length
          ? digits + '0'.repeat(point - digits.length)
          : `${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  const [intPart, frac = ''] = text.split('.') as [string, string?];
  const padded = `${frac}00000`;
  let scaled = BigInt(intPart + padded.slice(0, 4));
  if (Number(padded[4]) >= 5) scaled += 1n;
  const sign = x < 0 && scaled !== 0n ? '-' : '';
  const whole = scaled / 10000n;
  const rest = (scaled % 10000n).toString().padStart(4, '0').replace(/0+$/, '');
  return `${sign}${whole}${rest ? `.${rest}` : ''}`;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/;

function referenceDate(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const probe = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d)
    return undefined;
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const ms = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const offset = m[9] ? (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) : 0;
  return probe.getTime() + ms - offset * 60_000;
}

function referenceEvaluate(line: string, fetchedAt: number): ReferenceOutcome {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'bad-json' };
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record))
    return { ok: false, reason: 'bad-json' };
  const r = record as Record<string, unknown>;
  const field = (outer: string, inner: string): unknown => {
    const o = r[outer];
    return typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[inner] : undefined;
  };
  const time = referenceDate(field('date', 'utc'));
  if (time === undefined) return { ok: false, reason: 'bad-date' };
  if (time > fetchedAt + 86_400_000) return { ok: false, reason: 'future-date' };
  const variable = typeof r.parameter === 'string' ? VARIABLES[r.parameter] : undefined;
  if (!variable) return { ok: false, reason: 'unsupported-parameter' };
  const lat = field('coordinates', 'latitude');
  const lng = field('coordinates', 'longitude');
  if (
    typeof lat !== 'number' ||
    typeof lng !== 'number' ||
    Math.abs(lat) > 90 ||
    Math.abs(lng) > 180 ||
    (lat === 0 && lng === 0)
  ) {
    return { ok: false, reason: 'no-coordinates' };
  }
  let unit = r.unit;
  if (unit === 'µg/m3' || unit === 'ug/m3' || unit === 'μg/m³') unit = 'µg/m³';
  let factor: number | undefined;
  const molar = MOLAR[variable];
  if (molar !== undefined)
    factor =
      unit === 'ppm' ? 1000 : unit === 'ppb' ? 1 : unit === 'µg/m³' ? 24.45 / molar : undefined;
  else factor = unit === 'µg/m³' ? 1 : unit === 'mg/m³' ? 1000 : undefined;
  if (factor === undefined) return { ok: false, reason: 'unsupported-unit' };
  if (typeof r.value !== 'number' || !Number.isFinite(r.value))
    return { ok: false, reason: 'bad-value' };
  const value = r.value;
  if (value <= -999) return { ok: false, reason: 'sentinel-value' };
  let minutes = 60;
  if (r.averagingPeriod !== undefined && r.averagingPeriod !== null) {
    const units: Record<string, number> = { minutes: 1, hours: 60, days: 1440 };
    const unitName = field('averagingPeriod', 'unit');
    const per =
      typeof unitName === 'string' && Object.hasOwn(units, unitName) ? units[unitName] : undefined;
    const v = field('averagingPeriod', 'value');
    if (typeof v !== 'number' || !(v > 0) || per === undefined || Math.round(v * per) < 1) {
      return { ok: false, reason: 'bad-averaging-period' };
    }
    minutes = Math.round(v * per);
  }
  return {
    ok: true,
    row: {
      key: `${referenceKey(lat)},${referenceKey(lng)}`,
      variable,
      minutes,
      time,
      value: value * factor,
      flags: value < 0 ? 1 : 0,
      // Names are cut to 200 characters (code points).
      location: typeof r.location === 'string' ? Array.from(r.location).slice(0, 200).join('') : '',
    },
  };
}

/** Expected table counts for objects given in load order (fetch time, then key). */
export function referenceCounts(objects: { lines: string[]; fetchedAt: number }[]) {
  const rejected: Record<string, number> = {};
  const stations = new Set<string>();
  const series = new Set<string>();
  const rows = new Map<string, ReferenceRow>();
  let lines = 0;
  let accepted = 0;
  for (const object of objects) {
    for (const line of object.lines) {
      if (line.trim() === '') continue;
      lines++;
      const outcome = referenceEvaluate(line, object.fetchedAt);
      if (!outcome.ok) {
        rejected[outcome.reason] = (rejected[outcome.reason] ?? 0) + 1;
        continue;
      }
      accepted++;
      const row = outcome.row;
      stations.add(row.key);
      const s = `${row.key}|${row.variable}|${row.minutes}`;
      series.add(s);
      rows.set(`${s}|${row.time}`, row); // later objects and lines win
    }
  }
  return { lines, accepted, rejected, stations: stations.size, series: series.size, rows };
}
