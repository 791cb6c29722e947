import { roundHalfAwayFromZero4 } from '../openaq/station-key.ts';
import { MOLAR_MASS, MOLAR_VOLUME_LITRES } from '../openaq/units.ts';
import {
  gaussian,
  hashKey,
  mulberry32,
  permutation,
  pick,
  pickWeighted,
  type Random,
} from './random.ts';
import {
  type Anchor,
  AVERAGING_JSON,
  type DaylightRule,
  type ParameterOffer,
  SOURCES,
  type SourceProfile,
  type SyntheticParameter,
} from './sources.ts';

/**
 * The station catalogue of a synthetic data set: who reports what, where, under which name.
 *
 * Station-level quirks are not drawn independently per station but planned over the whole
 * catalogue: each affects exactly `round(share × stations)` stations (chosen by a seeded
 * permutation), so that even a 50-station demo shows each quirk at its documented share, and
 * quirks that would spoil each other (a twin pair losing its coordinates) never meet.
 */

/** Share of stations whose records have no usable coordinates (missing, null, (0, 0), or strings). */
export const NO_COORDINATES_STATION_SHARE = 0.03;
/**
 * Share of stations that are the twin of the station before them: another location name at the
 * same place, with identical coordinates or coordinates that differ beyond the 4th decimal (like
 * "E4/E20 Lilla Essingen" and "Lilla Essingen (E4/E20)" in the 2018-06-07 sample).
 */
export const TWIN_STATION_SHARE = 0.04;
/** Share of stations whose coordinates have exactly 5 decimals ending in 5 (half-way for the 4-decimal key). */
export const ROUNDING_BOUNDARY_STATION_SHARE = 0.04;
/** Share of stations that also report one unsupported parameter (`pm1`, `um003`, `no`, `nox`). */
export const UNSUPPORTED_PARAMETER_STATION_SHARE = 0.05;
/** Share of stations reporting one of their series in an unsupported unit (`pphm`, `mg/m³` for a gas, `ng/m³`). */
export const UNSUPPORTED_UNIT_STATION_SHARE = 0.02;
/** Share of stations whose `averagingPeriod` is malformed (`"hr"`, zero, a string value, not an object). */
export const BAD_AVERAGING_STATION_SHARE = 0.01;
/** Share of stations whose `location` is the empty string. */
export const EMPTY_LOCATION_STATION_SHARE = 0.01;
/** Share of stations named with quotes, commas, backslashes, control characters, SQL, scripts ({@link HOSTILE_NAMES}). */
export const HOSTILE_NAME_STATION_SHARE = 0.08;
/** Share of stations spelling µg/m³ as `ug/m3`. */
export const ASCII_MICRO_STATION_SHARE = 0.12;
/** Share of stations spelling µg/m³ with a Greek mu, `μg/m³`. */
export const GREEK_MU_STATION_SHARE = 0.03;

/**
 * Names that break naive SQL, CSV, COPY or shell handling, in the order they are handed out (the
 * first hostile station gets the first): a demo with a few hostile stations shows the nastiest.
 */
export const HOSTILE_NAMES: readonly string[] = [
  "O'Brien; DROP TABLE x;--",
  'Station "Nord", Gate 2',
  '北京市 海淀区 万柳, "西"站',
  'Tab\tand\nnewline \\N',
  'C:\\data\\station\\new',
  "Robert'); DELETE FROM toar.data;--",
  '100% "pure" air_\\%',
  'Ελληνικό, Αθήνα',
  '😀 Smiley Park ⛲',
  'Rue de l’Église, Bâtiment «B»',
  '$(rm -rf /) `whoami`',
  '<script>alert(1)</script>',
  `Very long name ${'and more '.repeat(40)}end`,
];

/** The station-level quirks (see the `*_STATION_SHARE` constants). */
export type StationFeature =
  | 'no-coordinates'
  | 'twin'
  | 'twin-partner'
  | 'rounding-boundary'
  | 'unsupported-parameter'
  | 'unsupported-unit'
  | 'bad-averaging'
  | 'empty-location'
  | 'hostile-name'
  | 'ascii-micro'
  | 'greek-mu';

/** The concentration model's per-station parameters (natural units: ppb for gases, µg/m³ for particles). */
export interface StationModel {
  /** Index whose weather the station shares (its partner's, for a twin). */
  weatherIndex: number;
  o3Base: number;
  o3Amplitude: number;
  /** Traffic intensity, scales NO2 and CO. */
  urban: number;
  pm25Base: number;
  pm10Ratio: number;
  so2Base: number;
}

/** One series: a station's parameter in one unit and averaging period. */
export interface SyntheticSeries {
  /** Position in the station's series, part of every random key of its measurements. */
  code: number;
  parameter: SyntheticParameter;
  unit: string;
  decimals: number;
  /** Natural unit (ppb, µg/m³, particles/cm³) → reported unit. */
  factor: number;
  /** A 24-hour rolling mean: smoother values. */
  rolling24h: boolean;
  slotMs: number;
  /** Slot k covers `[k × slotMs + offsetMs, … + slotMs)`: measurements start on the local hour. */
  offsetMs: number;
  /** How many of the latest slots each fetch lists. */
  windowSlots: number;
  /** Record text from after `"date":{…}` up to and including `"value":`. */
  head: string;
  /** Record text after the value, closing brace included. */
  tail: string;
}

/** One location as the feed names it. */
export interface SyntheticStation {
  index: number;
  sourceId: string;
  location: string;
  city: string;
  country: string;
  /** Where the station is (the model uses it even when its records carry no coordinates). */
  lat: number;
  lng: number;
  /** JSON text of `coordinates` in its records, or undefined when the key is left out. */
  coordinatesJson: string | undefined;
  utcOffset: number;
  daylight: DaylightRule;
  lagMs: number;
  features: readonly StationFeature[];
  /** For a twin, the index of the station it shares a place with. */
  twinOf: number | undefined;
  model: StationModel;
  series: readonly SyntheticSeries[];
}

// Purposes: the first number of a random key, so that two decisions never share a stream.
const PURPOSE_PLAN = 11;
const PURPOSE_SITE = 12;
const PURPOSE_STATION = 13;

const MINUTE_MS = 60_000;
const MICRO = 'µg/m³';

/** Molar masses (g/mol) for µg/m³ ↔ ppb: the rules' own, plus NO and NOx (counted as NO2). */
const MOLAR_MASSES: Readonly<Record<string, number>> = { ...MOLAR_MASS, no: 30.01, nox: 46.01 };

/** Natural value (ppb for gases, µg/m³ for particles) → the value in `unit`. */
function unitFactor(parameter: SyntheticParameter, unit: string): number {
  const molarMass = MOLAR_MASSES[parameter];
  const micro = unit === MICRO || unit === 'ug/m3' || unit === 'μg/m³';
  if (molarMass !== undefined) {
    if (unit === 'ppm') return 1 / 1000;
    if (unit === 'pphm') return 1 / 10;
    if (micro) return molarMass / MOLAR_VOLUME_LITRES;
    if (unit === 'mg/m³') return molarMass / MOLAR_VOLUME_LITRES / 1000;
    return 1; // ppb
  }
  if (unit === 'ng/m³') return 1000;
  if (unit === 'mg/m³') return 1 / 1000;
  return 1; // µg/m³, particles/cm³
}

interface Site {
  source: SourceProfile;
  anchor: Anchor;
  lat: number;
  lng: number;
}

/** Where station `index` would be on its own (twins borrow their partner's). */
function siteOf(seed: number, index: number): Site {
  const random = mulberry32(hashKey(seed, PURPOSE_SITE, index));
  const source = pickWeighted(random, SOURCES, (s) => s.weight);
  const anchor = pick(random, source.anchors);
  const [minDecimals, maxDecimals] = source.coordinateDecimals;
  const decimals = minDecimals + Math.floor(random() * (maxDecimals - minDecimals + 1));
  const lat = anchor.lat + (random() * 2 - 1) * source.spreadDegrees;
  const lng = anchor.lng + (random() * 2 - 1) * source.spreadDegrees;
  return { source, anchor, lat: Number(lat.toFixed(decimals)), lng: Number(lng.toFixed(decimals)) };
}

type CoordinatePlan = 'no-coordinates' | 'twin' | 'twin-partner' | 'rounding-boundary';

interface StationPlan {
  coordinates: (CoordinatePlan | undefined)[];
  features: StationFeature[][];
  /** For hostile-name stations: which of HOSTILE_NAMES. */
  hostileRank: Map<number, number>;
}

function countFor(share: number, stations: number): number {
  return Math.round(share * stations);
}

/** Decides which stations get which quirk, without collisions between coordinate quirks. */
function planStations(seed: number, stations: number): StationPlan {
  const coordinates: (CoordinatePlan | undefined)[] = new Array(stations).fill(undefined);
  const order = permutation(mulberry32(hashKey(seed, PURPOSE_PLAN, 0)), stations);

  let twins = countFor(TWIN_STATION_SHARE, stations);
  for (const i of order) {
    if (twins === 0) break;
    if (i > 0 && coordinates[i] === undefined && coordinates[i - 1] === undefined) {
      coordinates[i] = 'twin';
      coordinates[i - 1] = 'twin-partner';
      twins--;
    }
  }
  const assign = (plan: CoordinatePlan, share: number): void => {
    let left = countFor(share, stations);
    for (const i of order) {
      if (left === 0) break;
      if (coordinates[i] === undefined) {
        coordinates[i] = plan;
        left--;
      }
    }
  };
  assign('no-coordinates', NO_COORDINATES_STATION_SHARE);
  assign('rounding-boundary', ROUNDING_BOUNDARY_STATION_SHARE);
  const features: StationFeature[][] = coordinates.map((plan) =>
    plan === undefined ? [] : [plan],
  );

  const hostileRank = new Map<number, number>();
  const independent: [StationFeature, number][] = [
    ['unsupported-parameter', UNSUPPORTED_PARAMETER_STATION_SHARE],
    ['unsupported-unit', UNSUPPORTED_UNIT_STATION_SHARE],
    ['bad-averaging', BAD_AVERAGING_STATION_SHARE],
    ['empty-location', EMPTY_LOCATION_STATION_SHARE],
    ['hostile-name', HOSTILE_NAME_STATION_SHARE],
    ['ascii-micro', ASCII_MICRO_STATION_SHARE],
    ['greek-mu', GREEK_MU_STATION_SHARE],
  ];
  const spelled = new Set<number>();
  const named = new Set<number>();
  independent.forEach(([feature, share], f) => {
    const featureOrder = permutation(mulberry32(hashKey(seed, PURPOSE_PLAN, f + 1)), stations);
    let left = countFor(share, stations);
    for (const i of featureOrder) {
      if (left === 0) break;
      // A twin's name derives from its partner's; a station has one name and one µ spelling.
      const namesItself = feature === 'empty-location' || feature === 'hostile-name';
      if (namesItself && (coordinates[i] === 'twin' || named.has(i))) continue;
      const spells = feature === 'ascii-micro' || feature === 'greek-mu';
      if (spells && spelled.has(i)) continue;
      // Coordinates are checked before units and averaging: keep these rejections observable.
      const rejects = feature === 'unsupported-unit' || feature === 'bad-averaging';
      if (rejects && coordinates[i] === 'no-coordinates') continue;
      if (namesItself) named.add(i);
      if (spells) spelled.add(i);
      if (feature === 'hostile-name') hostileRank.set(i, hostileRank.size);
      featuresOf({ features }, i).push(feature);
      left--;
    }
  });
  return { coordinates, features, hostileRank };
}

function coordinatesText(lat: number, lng: number, longitudeFirst: boolean): string {
  return longitudeFirst
    ? `{"longitude":${lng},"latitude":${lat}}`
    : `{"latitude":${lat},"longitude":${lng}}`;
}

/** The ways real records lacked usable coordinates; undefined leaves the key out. */
function missingCoordinatesText(random: Random, lat: number, lng: number): string | undefined {
  const r = random();
  if (r < 0.55) return undefined;
  if (r < 0.7) return 'null';
  if (r < 0.9) return '{"latitude":0,"longitude":0}';
  return `{"latitude":"${lat.toFixed(3)}","longitude":"${lng.toFixed(3)}"}`;
}

/** A coordinate within the same 4-decimal key as `x`, differing from it beyond the 4th decimal. */
function sameKeyCoordinate(random: Random, x: number): number {
  const key = Number(roundHalfAwayFromZero4(x));
  // |offset| ≤ 0.00004 stays inside the key's half-unit (0.00005) on either side.
  const offset = (random() < 0.5 ? -1 : 1) * (0.000005 + random() * 0.000035);
  return Number((key + offset).toFixed(7));
}

/** x with exactly 5 decimals, the last a 5: half-way between two 4-decimal keys. */
function halfWay(x: number): number {
  return Number(`${x.toFixed(4)}5`);
}

const BAD_AVERAGING_JSON: readonly string[] = [
  '{"value":1,"unit":"hr"}',
  '{"value":0,"unit":"hours"}',
  '{"value":"1","unit":"hours"}',
  '"1 hour"',
];

const TWIN_SUFFIXES: readonly string[] = ['(annex)', '(old inlet)', '2', '(mobile lab)', '- B'];

function respell(unit: string, features: readonly StationFeature[]): string {
  if (unit !== MICRO) return unit;
  if (features.includes('ascii-micro')) return 'ug/m3';
  if (features.includes('greek-mu')) return 'μg/m³';
  return unit;
}

function unsupportedUnitFor(parameter: SyntheticParameter): [string, number] {
  if (parameter === 'co') return ['mg/m³', 3];
  if (parameter === 'o3' || parameter === 'no2' || parameter === 'so2') return ['pphm', 2];
  return ['ng/m³', 0];
}

interface SeriesDraft {
  parameter: SyntheticParameter;
  unit: string;
  decimals: number;
  averagingJson: string | undefined;
  rolling24h: boolean;
}

function chooseSeries(
  random: Random,
  site: Site,
  features: readonly StationFeature[],
): SeriesDraft[] {
  const offers: ParameterOffer[] = site.source.parameters.filter((o) => random() < o.share);
  if (offers.length === 0) offers.push(site.source.parameters[0]);
  const drafts: SeriesDraft[] = offers.map((offer) => {
    const averaging = offer.averaging ?? site.source.averaging;
    return {
      parameter: offer.parameter,
      unit: offer.unit,
      decimals: offer.decimals,
      averagingJson: AVERAGING_JSON[averaging],
      rolling24h: averaging === 'day',
    };
  });
  if (features.includes('unsupported-unit')) {
    const draft = pick(random, drafts);
    [draft.unit, draft.decimals] = unsupportedUnitFor(draft.parameter);
  }
  if (features.includes('unsupported-parameter')) {
    const particles = drafts.some((d) => d.parameter === 'pm25' || d.parameter === 'pm10');
    const parameter = pick(
      random,
      particles ? (['pm1', 'um003'] as const) : (['no', 'nox'] as const),
    );
    const gasUnit = site.source.parameters.find((o) => o.parameter === 'no2')?.unit ?? 'ppb';
    drafts.push({
      parameter,
      unit: parameter === 'um003' ? 'particles/cm³' : parameter === 'pm1' ? MICRO : gasUnit,
      decimals: parameter === 'um003' ? 0 : gasUnit === 'ppm' && parameter !== 'pm1' ? 4 : 1,
      averagingJson: AVERAGING_JSON[site.source.averaging],
      rolling24h: false,
    });
  }
  if (features.includes('bad-averaging')) {
    const bad = pick(random, BAD_AVERAGING_JSON);
    for (const draft of drafts) draft.averagingJson = bad;
  }
  for (const draft of drafts) draft.unit = respell(draft.unit, features);
  return drafts;
}

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/** The features planned for station `index`. */
function featuresOf(plan: Pick<StationPlan, 'features'>, index: number): StationFeature[] {
  const features = plan.features[index];
  if (features === undefined) {
    throw new RangeError(`station ${index} is not one of the ${plan.features.length} planned`);
  }
  return features;
}

function buildStation(seed: number, index: number, plan: StationPlan): SyntheticStation {
  const coordinatePlan = plan.coordinates[index];
  const features = featuresOf(plan, index);
  const random = mulberry32(hashKey(seed, PURPOSE_STATION, index));
  const twinOf = coordinatePlan === 'twin' ? index - 1 : undefined;
  const site = siteOf(seed, twinOf ?? index);
  const { source, anchor } = site;
  const longitudeFirst = source.longitudeFirst;

  let location: string;
  if (twinOf !== undefined) {
    const partner = buildStationName(seed, twinOf, plan, siteOf(seed, twinOf));
    location = `${partner} ${pick(random, TWIN_SUFFIXES)}`;
  } else {
    location = buildStationName(seed, index, plan, site);
  }

  let lat = site.lat;
  let lng = site.lng;
  let coordinatesJson: string | undefined;
  if (coordinatePlan === 'no-coordinates') {
    coordinatesJson = missingCoordinatesText(random, lat, lng);
  } else {
    if (coordinatePlan === 'twin' && random() < 0.5) {
      lat = sameKeyCoordinate(random, lat);
      lng = sameKeyCoordinate(random, lng);
    } else if (coordinatePlan === 'rounding-boundary') {
      lat = halfWay(lat);
      lng = halfWay(lng);
    }
    coordinatesJson = coordinatesText(lat, lng, longitudeFirst);
  }

  const [minLag, maxLag] = source.lagMinutes;
  const lagMs = (minLag + Math.floor(random() * (maxLag - minLag + 1))) * MINUTE_MS;
  const model: StationModel = {
    weatherIndex: twinOf ?? index,
    o3Base: 20 + 15 * random(),
    o3Amplitude: 8 + 10 * random(),
    urban: 0.5 + random(),
    pm25Base: source.pm25Typical * Math.exp(0.3 * gaussian(random)),
    pm10Ratio: 1.5 + 0.8 * random(),
    so2Base: source.so2Typical * Math.exp(0.4 * gaussian(random)),
  };

  const sourceName = anchor.sourceName ?? source.sourceName;
  const attribution = anchor.attribution ?? source.attribution;
  const series = chooseSeries(random, site, features).map((draft, code): SyntheticSeries => {
    const slotMinutes = source.slotMinutes;
    const offsetMinutes = mod(-anchor.utcOffset + source.slotShiftMinutes, slotMinutes);
    const head =
      `,"parameter":${JSON.stringify(draft.parameter)},"location":${JSON.stringify(location)}` +
      ',"value":';
    const tail =
      `,"unit":${JSON.stringify(draft.unit)},"city":${JSON.stringify(anchor.city)}` +
      `,"attribution":${attribution}` +
      (draft.averagingJson === undefined ? '' : `,"averagingPeriod":${draft.averagingJson}`) +
      (coordinatesJson === undefined ? '' : `,"coordinates":${coordinatesJson}`) +
      `,"country":${JSON.stringify(anchor.country)},"sourceName":${JSON.stringify(sourceName)}` +
      `,"sourceType":"${source.sourceType}","mobile":false}`;
    return {
      code,
      parameter: draft.parameter,
      unit: draft.unit,
      decimals: draft.decimals,
      factor: unitFactor(draft.parameter, draft.unit),
      rolling24h: draft.rolling24h,
      slotMs: slotMinutes * MINUTE_MS,
      offsetMs: offsetMinutes * MINUTE_MS,
      windowSlots: (source.windowHours * 60) / slotMinutes,
      head,
      tail,
    };
  });

  return {
    index,
    sourceId: source.id,
    location,
    city: anchor.city,
    country: anchor.country,
    lat,
    lng,
    coordinatesJson,
    utcOffset: anchor.utcOffset,
    daylight: anchor.daylight,
    lagMs,
    features,
    twinOf,
    model,
    series,
  };
}

/** A station's own name (twins derive theirs from it). */
function buildStationName(seed: number, index: number, plan: StationPlan, site: Site): string {
  const features = featuresOf(plan, index);
  if (features.includes('empty-location')) return '';
  const rank = plan.hostileRank.get(index);
  // The list is not empty, so rank % length is one of its indices.
  if (rank !== undefined) return HOSTILE_NAMES[rank % HOSTILE_NAMES.length]!;
  const random = mulberry32(hashKey(seed, PURPOSE_SITE, index, 1));
  return site.source.nameOf(pick(random, site.anchor.names ?? site.source.names), site.anchor);
}

const catalogues = new Map<string, readonly SyntheticStation[]>();
const CATALOGUES_KEPT = 8;

/**
 * The stations of a data set: a pure function of (seed, count), memoised because every fetch of
 * a data set needs it.
 *
 * @example
 * const stations = stationCatalogue(42, 50);
 * stations[0].series.map((s) => s.parameter); // e.g. ['o3', 'pm25']
 */
export function stationCatalogue(seed: number, stations: number): readonly SyntheticStation[] {
  const key = `${seed}/${stations}`;
  const cached = catalogues.get(key);
  if (cached !== undefined) return cached;
  const plan = planStations(seed, stations);
  const catalogue = Object.freeze(
    Array.from({ length: stations }, (_, i) => buildStation(seed, i, plan)),
  );
  if (catalogues.size >= CATALOGUES_KEPT) {
    // Maps iterate in insertion order: the first key is the oldest catalogue.
    const oldest = catalogues.keys().next();
    if (!oldest.done) catalogues.delete(oldest.value);
  }
  catalogues.set(key, catalogue);
  return catalogue;
}
