// A model version's manifest.json as the registry writes it (DESIGN.md, Registry and promotion), read
// for the site: checked field by field so that one broken version is named and left out, not a
// failed build. Pure and Web-standard.
import { UsageError } from '../errors.ts';
import { isRecord, showValue } from '../training/project/validation.ts';

/** One asset of a release. */
export interface ManifestAsset {
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
  readonly content_type: string;
}

/** What manifest.json (schema 1) says of a model version. */
export interface Manifest {
  readonly schema: 1;
  readonly name: string;
  readonly version: number;
  readonly created_at: string;
  readonly run_id: string;
  readonly assets: readonly ManifestAsset[];
  readonly metrics: Readonly<Record<string, number>>;
  readonly params: Readonly<Record<string, unknown>>;
  readonly signature: { readonly inputs: readonly string[]; readonly output: string };
  readonly data: {
    readonly variable: string;
    readonly station: string;
    readonly start: string;
    readonly end: string;
    readonly rows: number;
    readonly sha256: string;
  };
  readonly project: {
    readonly name: string;
    readonly path: string;
    readonly commit: string | null;
    readonly entry_point: string;
  };
  readonly workflow_run_url: string | null;
}

/** Checks one field, pushing a problem naming `where` when it is not what `test` wants. */
function field<T>(
  record: Record<string, unknown>,
  key: string,
  test: (value: unknown) => value is T,
  want: string,
  where: string,
  problems: string[],
): T | undefined {
  const value = record[key];
  if (test(value)) return value;
  problems.push(`${where}: ${key} must be ${want}, got ${showValue(value)}`);
  return undefined;
}

const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isTextOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isInstant = (v: unknown): v is string =>
  typeof v === 'string' && !Number.isNaN(Date.parse(v));
const isObject = (v: unknown): v is Record<string, unknown> => isRecord(v);

function metricsOf(value: unknown, where: string, problems: string[]): Record<string, number> {
  if (!isRecord(value)) {
    problems.push(
      `${where}: metrics must be an object of names to numbers, got ${showValue(value)}`,
    );
    return {};
  }
  const metrics: Record<string, number> = {};
  for (const [name, metric] of Object.entries(value)) {
    if (typeof metric === 'number' && Number.isFinite(metric)) metrics[name] = metric;
    else
      problems.push(`${where}: metric ${name} must be a finite number, got ${showValue(metric)}`);
  }
  return metrics;
}

function assetsOf(value: unknown, where: string, problems: string[]): ManifestAsset[] {
  if (!Array.isArray(value)) {
    problems.push(`${where}: assets must be a list, got ${showValue(value)}`);
    return [];
  }
  return value.flatMap((asset, i): ManifestAsset[] => {
    const at = `${where} assets[${i}]`;
    if (!isRecord(asset)) {
      problems.push(`${at} must be an object, got ${showValue(asset)}`);
      return [];
    }
    const name = field(asset, 'name', isText, 'a file name', at, problems);
    const size = field(asset, 'size', isCount, 'a byte count', at, problems);
    const sha256 = field(asset, 'sha256', isText, 'a sha256', at, problems);
    const type = field(asset, 'content_type', isText, 'a media type', at, problems);
    if (name === undefined || size === undefined || sha256 === undefined || type === undefined) {
      return [];
    }
    return [{ name, size, sha256, content_type: type }];
  });
}

/**
 * Parses and checks manifest.json.
 *
 * @throws UsageError listing every problem, each naming `where` (e.g. `ozone/3/manifest.json`)
 * @example const manifest = parseManifest(text, 'ozone-forest/3/manifest.json');
 */
export function parseManifest(text: string, where: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isRecord(value)) throw new UsageError(`${where} must be a JSON object`);
  const problems: string[] = [];
  if (value.schema !== 1) {
    problems.push(`${where}: schema must be 1, got ${showValue(value.schema)}`);
  }
  const name = field(value, 'name', isText, 'the model name', where, problems);
  const version = field(value, 'version', isCount, 'a whole number', where, problems);
  const created = field(value, 'created_at', isInstant, 'an ISO 8601 instant', where, problems);
  const runId = field(value, 'run_id', isText, 'the training run id', where, problems);
  const assets = assetsOf(value.assets, where, problems);
  const metrics = metricsOf(value.metrics, where, problems);
  const params = isRecord(value.params) ? value.params : {};
  const signature = field(value, 'signature', isObject, 'an object', where, problems);
  const inputs = signature?.inputs;
  if (signature && !(Array.isArray(inputs) && inputs.every((i) => typeof i === 'string'))) {
    problems.push(`${where}: signature.inputs must be a list of feature names`);
  }
  const data = field(value, 'data', isObject, 'an object', where, problems);
  const project = field(value, 'project', isObject, 'an object', where, problems);
  const runUrl = field(value, 'workflow_run_url', isTextOrNull, 'a URL or null', where, problems);
  const dataAt = `${where} data`;
  const dataFields = data && {
    variable: field(data, 'variable', isText, 'a variable', dataAt, problems),
    station: field(data, 'station', isText, 'a station', dataAt, problems),
    start: field(data, 'start', isInstant, 'an ISO 8601 instant', dataAt, problems),
    end: field(data, 'end', isInstant, 'an ISO 8601 instant', dataAt, problems),
    rows: field(data, 'rows', isCount, 'a row count', dataAt, problems),
    sha256: field(data, 'sha256', isText, 'a sha256', dataAt, problems),
  };
  const projectAt = `${where} project`;
  const projectFields = project && {
    name: field(project, 'name', isText, 'a name', projectAt, problems),
    path: field(project, 'path', isText, 'a path', projectAt, problems),
    commit: field(project, 'commit', isTextOrNull, 'a commit or null', projectAt, problems),
    entry_point: field(project, 'entry_point', isText, 'an entry point', projectAt, problems),
  };
  if (problems.length > 0) throw new UsageError(problems);
  // Every field was checked above (problems would be non-empty otherwise).
  return {
    schema: 1,
    name: name as string,
    version: version as number,
    created_at: created as string,
    run_id: runId as string,
    assets,
    metrics,
    params,
    signature: { inputs: inputs as string[], output: String(signature?.output ?? '') },
    data: dataFields as Manifest['data'],
    project: projectFields as Manifest['project'],
    workflow_run_url: runUrl ?? null,
  };
}
