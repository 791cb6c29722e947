// From a training run to a version draft, as values: what the manifest will say and which files
// become assets. Pure; publish-run.ts reads the run's folder and hands the results to a store.
import { UsageError } from '../errors.ts';
import type { ServingForest } from '../training/forest/model-format.ts';
import type { TrainingRunRecord } from '../training/run/run-record.ts';
import { ASSET_NAME_PATTERN } from './manifest.ts';
import { modelNameProblem } from './names.ts';
import type { ManifestFields } from './store.ts';

/** The files every published version carries. */
export const MODEL_ASSET = 'model.json';
export const ONNX_ASSET = 'model.onnx';

/**
 * The flat asset name of a run artifact (release assets have no folders): `/` becomes `.`, any
 * other character a release name cannot hold becomes `_`.
 *
 * @example assetNameOf('plots/residuals.png') // 'plots.residuals.png'
 */
export function assetNameOf(path: string): string {
  const flat = path.replaceAll('/', '.').replace(/[^A-Za-z0-9._-]/g, '_');
  return /^[A-Za-z0-9_]/.test(flat) ? flat : `_${flat}`;
}

/**
 * What the manifest says of a run, beside the assets and what the store decides.
 *
 * @throws UsageError listing why the run cannot be published (not succeeded, no data window…)
 * @example const fields = manifestFieldsOf(run, parseModelJson(modelJson), workflowRunUrl);
 */
export function manifestFieldsOf(
  run: TrainingRunRecord,
  model: ServingForest,
  workflowRunUrl: string | null,
): ManifestFields {
  const problems: string[] = [];
  const at = `run ${run.id}`;
  if (run.status !== 'succeeded')
    problems.push(`${at} ${run.status}: only a succeeded run is published`);
  const nameProblem = modelNameProblem(run.experiment);
  if (nameProblem) problems.push(`${at}: its experiment cannot name a model: ${nameProblem}`);
  const station = run.stationKey ?? (run.stationId === null ? null : String(run.stationId));
  if (station === null) problems.push(`${at} records no station`);
  if (run.from === null || run.to === null) problems.push(`${at} records no data window`);
  if (run.rows === null || run.tableSha256 === null) {
    problems.push(`${at} records no training table (rows and sha256)`);
  }
  if (!run.artifacts.some((a) => a.name === MODEL_ASSET)) {
    problems.push(`${at} has no ${MODEL_ASSET} artifact`);
  }
  if (
    problems.length > 0 ||
    station === null ||
    run.from === null ||
    run.to === null ||
    run.rows === null ||
    run.tableSha256 === null
  ) {
    throw new UsageError(problems);
  }
  return {
    run_id: run.id,
    metrics: { ...(run.metrics ?? {}) },
    params: { ...(run.params ?? run.parameters) },
    signature: { inputs: [...model.inputs], output: model.output },
    data: {
      variable: run.variable,
      station,
      start: new Date(run.from).toISOString(),
      end: new Date(run.to).toISOString(),
      rows: run.rows,
      sha256: run.tableSha256,
      station_name: run.stationName,
      station_id: run.stationId,
    },
    project: {
      name: run.experiment,
      path: run.projectRef,
      commit: run.projectCommit,
      entry_point: run.entryPoint,
    },
    workflow_run_url: workflowRunUrl,
    tags: { ...run.tags },
    algorithm: model.algorithm,
  };
}

/** The artifact paths and their asset names; two paths that flatten to one name are an error. */
export function assetNamesOf(paths: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Map<string, string>();
  const problems: string[] = [];
  for (const path of paths) {
    const name = assetNameOf(path);
    const other = taken.get(name);
    if (other !== undefined)
      problems.push(`artifacts ${other} and ${path} would both be asset ${name}`);
    else if (!ASSET_NAME_PATTERN.test(name) || name === 'manifest.json') {
      problems.push(`artifact ${path} cannot be an asset (as ${name})`);
    } else {
      taken.set(name, path);
      names.set(path, name);
    }
  }
  if (problems.length > 0) throw new UsageError(problems);
  return names;
}
