// What to select for training — station, variable, window — from a project's `data` defaults and
// whatever a person or a workflow gave. Pure: parsing and checking only; selection.ts queries.
import { collectProblems, UsageError } from '../../errors.ts';
import { parseIsoDuration } from '../../interval/duration.ts';
import { parseInstant } from '../../interval/instant.ts';
import { showValue, variableNameProblem } from '../project/validation.ts';
import { formatHour, HOUR_MS, isWholeHour } from './hours.ts';

/**
 * A station, by its id or by coordinates. Coordinates match the station whose key (each coordinate
 * rounded half away from zero to 4 decimals, as ingest keys them) equals theirs.
 */
export type StationRef =
  | { readonly kind: 'id'; readonly id: number }
  | { readonly kind: 'coordinates'; readonly lat: number; readonly lng: number };

/**
 * The hours to select, `[from, to)` in epoch ms, whole UTC hours:
 * - `range`: exactly these bounds;
 * - `last`: `durationMs` ending at `to`, or — without `to` — at the end of the newest hour with
 *   data of the selected series (what a scheduled run wants: "the last 365 days").
 */
export type TrainingWindow =
  | { readonly kind: 'range'; readonly from: number; readonly to: number }
  | { readonly kind: 'last'; readonly durationMs: number; readonly to?: number };

/** A complete selection: which station, which variable, which hours. */
export interface SelectionRequest {
  readonly station: StationRef;
  readonly variable: string;
  readonly window: TrainingWindow;
}

/** A project's `data` section, checked: each part may be left to the caller. */
export interface DataDefaults {
  readonly variable?: string;
  readonly station?: StationRef;
  /** The ISO 8601 duration as written (e.g. `P365D`), already known to be whole hours. */
  readonly window?: string;
}

/** What a person or workflow gave, as text; each overrides the project's default. */
export interface SelectionOverrides {
  readonly station?: string | undefined;
  readonly variable?: string | undefined;
  /** An ISO 8601 duration (`P30D`). */
  readonly window?: string | undefined;
  /** ISO 8601 instants, whole hours; `from` needs `to`. */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

const STATION_HELP = 'use a station id such as 12, or LAT,LNG such as 34.8378,-118.1234';
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/**
 * Reads a station as an id (`12`, or the number 12 from YAML) or as `LAT,LNG` decimal degrees.
 *
 * @param label where it came from, named in the error (e.g. `data.station`)
 * @throws UsageError when it is neither, or a coordinate is out of range
 * @example parseStationRef('34.83775,-118.1234', 'data.station')
 * // { kind: 'coordinates', lat: 34.83775, lng: -118.1234 }
 */
export function parseStationRef(value: unknown, label: string): StationRef {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) {
    return { kind: 'id', id: value };
  }
  if (typeof value !== 'string') {
    throw new UsageError(`${label} ${showValue(value)} is not a station: ${STATION_HELP}`);
  }
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const id = Number(text);
    if (Number.isSafeInteger(id) && id > 0) return { kind: 'id', id };
  }
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length !== 2 || !parts.every((p) => DECIMAL.test(p))) {
    throw new UsageError(`${label} ${showValue(value)} is not a station: ${STATION_HELP}`);
  }
  const lat = Number(parts[0]);
  const lng = Number(parts[1]);
  const problems: string[] = [];
  if (Math.abs(lat) > 90) problems.push(`${label} latitude ${parts[0]} is outside -90..90`);
  if (Math.abs(lng) > 180) problems.push(`${label} longitude ${parts[1]} is outside -180..180`);
  if (problems.length > 0) throw new UsageError(problems);
  return { kind: 'coordinates', lat, lng };
}

/** A station reference as a person would write it again (`12`, `34.83775,-118.1234`). */
export function formatStationRef(ref: StationRef): string {
  return ref.kind === 'id' ? String(ref.id) : `${ref.lat},${ref.lng}`;
}

/**
 * Reads a training window's length: an ISO 8601 duration of whole hours (`P365D`, `PT48H`).
 *
 * @throws UsageError as `parseIsoDuration`, or when it is not a whole number of hours
 * @example parseWindowDuration('P2D', 'data.window') === 48 * 3_600_000
 */
export function parseWindowDuration(text: string, label: string): number {
  const ms = parseIsoDuration(text, label);
  if (ms % HOUR_MS !== 0) {
    throw new UsageError(
      `${label} ${text.trim()} is not a whole number of hours: training data is hourly, use e.g. PT${Math.max(1, Math.round(ms / HOUR_MS))}H`,
    );
  }
  return ms;
}

/** Reads a window bound: an ISO 8601 instant at a whole UTC hour. */
function parseHourBound(text: string, label: string): number {
  const ms = parseInstant(text, label);
  if (!isWholeHour(ms)) {
    const before = Math.floor(ms / HOUR_MS) * HOUR_MS;
    throw new UsageError(
      `${label} ${text.trim()} is not a whole hour: training data is hourly, use ${formatHour(before)} or ${formatHour(before + HOUR_MS)}`,
    );
  }
  return ms;
}

/** Names for the parts of {@link SelectionOverrides} in messages (flags, inputs). */
export type OverrideLabels = Partial<Record<keyof SelectionOverrides, string>>;

/**
 * Combines a project's `data` defaults with what was given (which wins) into one complete
 * request, collecting every problem. The window is `from`+`to` (a range), or a duration (given,
 * else the project's) ending at `to` when given, else at the newest data.
 *
 * @param labels how to name each override in messages (default: its key, e.g. `from`)
 * @throws UsageError listing everything missing or malformed
 * @example
 * resolveSelectionRequest({ variable: 'o3', station: { kind: 'id', id: 3 }, window: 'P365D' }, {})
 * // { variable: 'o3', station: { kind: 'id', id: 3 }, window: { kind: 'last', durationMs: 31_536_000_000 } }
 */
export function resolveSelectionRequest(
  defaults: DataDefaults | undefined,
  given: SelectionOverrides,
  labels: OverrideLabels = {},
): SelectionRequest {
  const { problems, request } = readSelection({ known: true, defaults }, given, labels);
  if (request === undefined) throw new UsageError(problems);
  return request;
}

/**
 * The problems of the overrides on their own, before any project is read: a malformed station,
 * variable, window or bound, `from` without `to`, a window and a range together. What only the
 * project can settle (a part neither given nor in its `data`) is not a problem here;
 * {@link resolveSelectionRequest} checks that once the project is known. Pure.
 *
 * @example selectionOverrideProblems({ from: '2026-01-01T00:00:00Z' }, { from: "input 'from'", to: "input 'to'" })
 * // ["input 'from' needs input 'to': the window is [from, to)"]
 */
export function selectionOverrideProblems(
  given: SelectionOverrides,
  labels: OverrideLabels = {},
): string[] {
  return readSelection({ known: false }, given, labels).problems;
}

/** The project's `data`, or — while the inputs are checked alone — the fact that it is not known yet. */
type ProjectData =
  | { readonly known: true; readonly defaults: DataDefaults | undefined }
  | { readonly known: false };

/** Reads the overrides over the project's defaults, collecting every problem; the request when none. */
function readSelection(
  project: ProjectData,
  given: SelectionOverrides,
  labels: OverrideLabels,
): { readonly problems: string[]; readonly request?: SelectionRequest } {
  const name = (key: keyof SelectionOverrides) => labels[key] ?? key;
  const defaults = project.known ? project.defaults : undefined;
  const problems: string[] = [];
  const attempt = <T>(parse: () => T): T | undefined => collectProblems(problems, parse);

  let variable = defaults?.variable;
  if (given.variable !== undefined) {
    const problem = variableNameProblem(given.variable.trim(), name('variable'));
    if (problem === undefined) variable = given.variable.trim();
    else problems.push(problem);
  } else if (variable === undefined && project.known) {
    problems.push(`no variable to select: give ${name('variable')} (e.g. o3) or set data.variable`);
  }

  let station = defaults?.station;
  if (given.station !== undefined)
    station = attempt(() => parseStationRef(given.station, name('station')));
  else if (station === undefined && project.known) {
    problems.push(
      `no station to select: give ${name('station')} (an id or LAT,LNG) or set data.station`,
    );
  }

  const { from: fromText, to: toText } = given;
  const from =
    fromText === undefined ? undefined : attempt(() => parseHourBound(fromText, name('from')));
  const to = toText === undefined ? undefined : attempt(() => parseHourBound(toText, name('to')));
  let window: TrainingWindow | undefined;
  if (fromText !== undefined) {
    if (toText === undefined) {
      problems.push(`${name('from')} needs ${name('to')}: the window is [from, to)`);
    } else if (given.window !== undefined) {
      problems.push(`give either ${name('window')} or ${name('from')} and ${name('to')}, not both`);
    } else if (from !== undefined && to !== undefined) {
      if (from < to) window = { kind: 'range', from, to };
      else {
        problems.push(
          `${name('from')} ${formatHour(from)} is not before ${name('to')} ${formatHour(to)}: the window is [from, to)`,
        );
      }
    }
  } else {
    const text = given.window ?? defaults?.window;
    const label = given.window !== undefined ? name('window') : 'data.window';
    if (text === undefined) {
      if (project.known) {
        problems.push(
          `no window to select: give ${name('window')} (e.g. P365D), or ${name('from')} and ${name('to')}, or set data.window`,
        );
      }
    } else {
      const durationMs = attempt(() => parseWindowDuration(text, label));
      if (durationMs !== undefined && (toText === undefined || to !== undefined)) {
        window = { kind: 'last', durationMs, ...(to !== undefined ? { to } : {}) };
      }
    }
  }
  if (problems.length > 0 || variable === undefined || station === undefined || !window) {
    return { problems };
  }
  return { problems, request: { variable, station, window } };
}
