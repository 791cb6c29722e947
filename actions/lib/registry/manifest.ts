// manifest.json: what a model version is, as data — every asset with its size and sha256, and
// everything the model card shows (metrics, parameters, data window, station, rows, the training
// project at its commit, the workflow run). Node-free: the Worker and the site parse it too.
//
// Readers accept fields they do not know (later versions of schema 1 may add some); they never
// rename or drop one.
import type { JsonValue } from '../training/forest/model-format.ts';
import { InvalidDocumentError } from './errors.ts';
import { modelNameProblem, versionProblem } from './names.ts';

/** The manifest format this code writes and reads. */
export const MANIFEST_SCHEMA = 1;

/** The manifest's own file name; it is a release asset but not listed among the assets. */
export const MANIFEST_ASSET = 'manifest.json';

/** An asset name: flat (release assets have no folders), safe in a URL and a file name. */
export const ASSET_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,254}$/;

/** One asset of a version. */
export interface ManifestAsset {
  readonly name: string;
  readonly size: number;
  /** 64 lower-case hex digits. */
  readonly sha256: string;
  readonly content_type: string;
  /** The run artifact it was published from, when that path differs (`plots/residuals.png`). */
  readonly path?: string;
}

/** The training data of a version. */
export interface ManifestData {
  /** The variable, e.g. `o3`. */
  readonly variable: string;
  /** The station's key, `lat,lng` to 4 decimals (or its id when the key is unknown). */
  readonly station: string;
  /** The window `[start, end)`, ISO 8601 instants. */
  readonly start: string;
  readonly end: string;
  /** Hourly rows of the training table. */
  readonly rows: number;
  /** sha256 of the training table's rows (DESIGN.md, Training projects). */
  readonly sha256: string;
  /** Added: the station's name and id in the database it was trained from, when known. */
  readonly station_name?: string | null;
  readonly station_id?: number | null;
}

/** The training project a version was made by. */
export interface ManifestProject {
  /** The experiment name (the project's `name`). */
  readonly name: string;
  /** `training/ozone-forest`, or `owner/repo/path@sha` for another repository's project. */
  readonly path: string;
  /** The commit its code was at (null for a folder outside git). */
  readonly commit: string | null;
  readonly entry_point: string;
}

/** manifest.json. */
export interface Manifest {
  readonly schema: typeof MANIFEST_SCHEMA;
  readonly name: string;
  /** A JSON integer from 1. */
  readonly version: number;
  readonly created_at: string;
  /** The training run it was published from (`runs:/<run_id>/…`). */
  readonly run_id: string;
  /** Every asset but manifest.json itself, sorted by name. */
  readonly assets: readonly ManifestAsset[];
  readonly metrics: { readonly [name: string]: number };
  readonly params: { readonly [name: string]: JsonValue };
  /** model.json's signature: the ordered feature names and the predicted variable. */
  readonly signature: { readonly inputs: readonly string[]; readonly output: string };
  readonly data: ManifestData;
  readonly project: ManifestProject;
  readonly workflow_run_url: string | null;
  /** Added: the run's tags (`trigger=push`). */
  readonly tags?: { readonly [name: string]: string };
  /** Added: what trained the forest (model.json's `algorithm`). */
  readonly algorithm?: string;
}

const SHA256 = /^[0-9a-f]{64}$/;

type Problems = string[];
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isInstant = (v: unknown): v is string =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v));
const isCount = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function need(problems: Problems, ok: boolean, message: string): void {
  if (!ok) problems.push(message);
}

function assetProblems(problems: Problems, assets: unknown): void {
  if (!Array.isArray(assets)) {
    problems.push('assets must be an array');
    return;
  }
  const names = new Set<string>();
  assets.forEach((asset: unknown, i) => {
    const at = `assets[${i}]`;
    if (!isObject(asset)) {
      problems.push(`${at} must be an object`);
      return;
    }
    const name = asset.name;
    if (typeof name !== 'string' || !ASSET_NAME_PATTERN.test(name)) {
      problems.push(`${at}.name must be a flat file name (letters, digits, ".", "_", "-")`);
    } else if (name === MANIFEST_ASSET) {
      problems.push(`${at}: ${MANIFEST_ASSET} does not list itself`);
    } else if (names.has(name)) {
      problems.push(`${at}: ${name} is listed twice`);
    } else names.add(name);
    need(problems, isCount(asset.size), `${at}.size must be a byte count`);
    need(
      problems,
      typeof asset.sha256 === 'string' && SHA256.test(asset.sha256),
      `${at}.sha256 must be 64 lower-case hex digits`,
    );
    need(
      problems,
      typeof asset.content_type === 'string' && asset.content_type.includes('/'),
      `${at}.content_type must be a media type`,
    );
  });
}

/** Every problem of a manifest (empty when it is valid). */
export function manifestProblems(value: unknown): string[] {
  if (!isObject(value)) return ['the manifest must be a JSON object'];
  const problems: Problems = [];
  need(problems, value.schema === MANIFEST_SCHEMA, `schema must be ${MANIFEST_SCHEMA}`);
  if (typeof value.name !== 'string') problems.push('name must be a string');
  else {
    const problem = modelNameProblem(value.name);
    if (problem) problems.push(problem);
  }
  const versionIssue = versionProblem(value.version);
  if (versionIssue) problems.push(versionIssue);
  need(problems, isInstant(value.created_at), 'created_at must be an ISO 8601 instant');
  need(
    problems,
    typeof value.run_id === 'string' && value.run_id !== '',
    'run_id must be a string',
  );
  assetProblems(problems, value.assets);
  need(
    problems,
    isObject(value.metrics) && Object.values(value.metrics).every((m) => typeof m === 'number'),
    'metrics must be an object of numbers',
  );
  need(problems, isObject(value.params), 'params must be an object');
  const signature = value.signature;
  need(
    problems,
    isObject(signature) &&
      Array.isArray(signature.inputs) &&
      signature.inputs.every((s) => typeof s === 'string') &&
      typeof signature.output === 'string',
    'signature must be {"inputs": [names], "output": name}',
  );
  const data = value.data;
  if (!isObject(data)) problems.push('data must be an object');
  else {
    need(problems, typeof data.variable === 'string', 'data.variable must be a string');
    need(problems, typeof data.station === 'string', 'data.station must be a string');
    need(problems, isInstant(data.start), 'data.start must be an ISO 8601 instant');
    need(problems, isInstant(data.end), 'data.end must be an ISO 8601 instant');
    need(problems, isCount(data.rows), 'data.rows must be a row count');
    need(
      problems,
      typeof data.sha256 === 'string' && SHA256.test(data.sha256),
      'data.sha256 must be 64 lower-case hex digits',
    );
  }
  const project = value.project;
  if (!isObject(project)) problems.push('project must be an object');
  else {
    need(problems, typeof project.name === 'string', 'project.name must be a string');
    need(problems, typeof project.path === 'string', 'project.path must be a string');
    need(
      problems,
      project.commit === null || typeof project.commit === 'string',
      'project.commit must be a string or null',
    );
    need(problems, typeof project.entry_point === 'string', 'project.entry_point must be a string');
  }
  need(
    problems,
    value.workflow_run_url === null || typeof value.workflow_run_url === 'string',
    'workflow_run_url must be a string or null',
  );
  return problems;
}

/**
 * Checks a manifest (already JSON-parsed) and returns it typed.
 *
 * @throws InvalidDocumentError listing every problem
 * @example
 * const manifest = parseManifest(JSON.parse(text));
 * manifest.assets.find((a) => a.name === 'model.onnx')?.sha256;
 */
export function parseManifest(value: unknown, what = MANIFEST_ASSET): Manifest {
  const problems = manifestProblems(value);
  if (problems.length > 0) throw new InvalidDocumentError(what, problems);
  return value as Manifest;
}

/**
 * The manifest's text as stores write it (two-space indented, final newline).
 *
 * @example
 * await writeFile('manifest.json', formatManifest(manifest));
 */
export function formatManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The asset of that name, or undefined. */
export function findAsset(manifest: Manifest, name: string): ManifestAsset | undefined {
  return manifest.assets.find((asset) => asset.name === name);
}

/**
 * The media type stores give an asset, by its extension.
 *
 * @example
 * contentTypeOf('model.onnx'); // 'application/octet-stream'
 */
export function contentTypeOf(name: string): string {
  const extension = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  json: 'application/json',
  csv: 'text/csv',
  txt: 'text/plain',
  md: 'text/markdown',
  png: 'image/png',
  svg: 'image/svg+xml',
  html: 'text/html',
  onnx: 'application/octet-stream',
};
