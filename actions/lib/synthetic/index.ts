/**
 * Realistic synthetic OpenAQ real-time fetches, deterministic per seed: the public face of
 * the modules of synthetic/, for the demo, benchmarks and tests.
 *
 * - fetch.ts: the pure core (spec, fetch times, object keys, each fetch's lines, volume);
 * - stations.ts / sources.ts: who reports what, where, with which quirks;
 * - values.ts: what they measure (ozone's diurnal and seasonal cycles, …);
 * - write.ts: the I/O edge, gzipped objects in the bucket's layout;
 * - archive.ts: the same stations and values as objects of OpenAQ's archive layout (location-days).
 *
 * Every quirk rate is a named constant exported here; each is documented where it is defined.
 *
 * @example
 * const spec = { start: Date.UTC(2014, 0, 1), days: 10, stations: 50, seed: 1 };
 * for (const fetchAt of fetchTimes(spec)) {
 *   objectKey(fetchAt);          // "realtime-gzipped/2014-01-01/1388534494.ndjson.gz"
 *   fetchLines(spec, fetchAt);   // ≈ 1,500 NDJSON records
 *   break;
 * }
 * await generateFetches({ ...spec, outDir: '/tmp/demo' });
 */

export {
  type ArchiveObject,
  archiveLocationId,
  archiveObjects,
} from './archive.ts';
export {
  BAD_DATE_RATE,
  BAD_VALUE_RATE,
  BLANK_LINE_OBJECT_RATE,
  DUPLICATE_LINE_RATE,
  estimateRecords,
  FETCH_INTERVAL_MS,
  FETCH_JITTER_SECONDS,
  FETCHES_PER_DAY,
  FINAL_NEWLINE_OBJECT_RATE,
  fetchCount,
  fetchLines,
  fetchObjectText,
  fetchTimes,
  GAP_RATE,
  MALFORMED_LINE_RATE,
  MEAN_RECORDS_PER_STATION_PER_FETCH,
  measurement,
  NEGATIVE_VALUE_RATE,
  objectKey,
  objectText,
  REVISION_RATE,
  recordsPerFetch,
  SENTINEL_VALUE_RATE,
  type SyntheticSpec,
  stationsForRecords,
  validateSpec,
} from './fetch.ts';
export {
  ASCII_MICRO_STATION_SHARE,
  BAD_AVERAGING_STATION_SHARE,
  EMPTY_LOCATION_STATION_SHARE,
  GREEK_MU_STATION_SHARE,
  HOSTILE_NAME_STATION_SHARE,
  HOSTILE_NAMES,
  NO_COORDINATES_STATION_SHARE,
  ROUNDING_BOUNDARY_STATION_SHARE,
  type StationFeature,
  type SyntheticSeries,
  type SyntheticStation,
  stationCatalogue,
  TWIN_STATION_SHARE,
  UNSUPPORTED_PARAMETER_STATION_SHARE,
  UNSUPPORTED_UNIT_STATION_SHARE,
} from './stations.ts';
export {
  type GenerateOptions,
  type GenerationProgress,
  type GenerationResult,
  generateFetches,
} from './write.ts';
