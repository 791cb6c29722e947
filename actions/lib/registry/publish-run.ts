// Publishing a training run: its recorded artifacts (`<stateDir>/runs/<id>/`) become a version's
// assets, with model.onnx made from model.json when the project wrote none.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FreshetError } from '../errors.ts';
import { parseModelJson, type ServingForest } from '../training/forest/model-format.ts';
import type { TrainingRunRecord } from '../training/run/run-record.ts';
import type { Logger } from '../util/logger.ts';
import { sha256Hex } from './digest.ts';
import { assetNamesOf, MODEL_ASSET, manifestFieldsOf, ONNX_ASSET } from './draft.ts';
import { RegistryError } from './errors.ts';
import type { Manifest } from './manifest.ts';
import { contentTypeOf } from './manifest.ts';
import { type OnnxParity, onnxWithParity } from './onnx-parity.ts';
import type { DraftAsset, RegistryStore, VersionDraft } from './store.ts';
import { formatModelUri } from './uri.ts';

/** The folder where a run's artifacts were kept. */
export function runArtifactsDir(stateDir: string, runId: string): string {
  return join(stateDir, 'runs', runId);
}

/** What publishing needs besides the store. */
export interface PublishRunInput {
  readonly run: TrainingRunRecord;
  /** The run's artifacts folder (see {@link runArtifactsDir}). */
  readonly artifactsDir: string;
  /** The workflow run that trained or published it, when there is one. */
  readonly workflowRunUrl: string | null;
  readonly logger: Logger;
}

/** What publishing did. */
export interface PublishResult {
  readonly manifest: Manifest;
  readonly uri: string;
  /** Set when model.onnx was made at publish (the project wrote none), with the parity found. */
  readonly onnxMade?: OnnxParity;
}

/**
 * The draft of a run's version: its artifacts as assets (model.onnx made when missing).
 *
 * @throws UsageError when the run cannot be published; RegistryError when an artifact is missing
 */
export async function draftFromRun(
  input: PublishRunInput,
): Promise<{ draft: VersionDraft; onnxMade?: OnnxParity }> {
  const { run, artifactsDir } = input;
  const modelPath = join(artifactsDir, MODEL_ASSET);
  let model: ServingForest;
  try {
    model = parseModelJson(JSON.parse(await readFile(modelPath, 'utf8')));
  } catch (error) {
    throw new RegistryError(`run ${run.id}: reading ${modelPath} failed`, { cause: error });
  }
  const fields = manifestFieldsOf(run, model, input.workflowRunUrl);
  const names = assetNamesOf(run.artifacts.map((a) => a.name));
  const assets: DraftAsset[] = run.artifacts.map((artifact) => {
    const path = join(artifactsDir, ...artifact.name.split('/'));
    const name = names.get(artifact.name) ?? artifact.name;
    return {
      name,
      size: artifact.size,
      sha256: artifact.sha256,
      content_type: contentTypeOf(name),
      ...(name === artifact.name ? {} : { path: artifact.name }),
      read: async () => {
        try {
          return new Uint8Array(await readFile(path));
        } catch (error) {
          throw new RegistryError(`run ${run.id}: reading artifact ${path} failed`, {
            cause: error,
          });
        }
      },
    };
  });
  let onnxMade: OnnxParity | undefined;
  if (!assets.some((a) => a.name === ONNX_ASSET)) {
    const { onnx, parity } = await onnxWithParity(model);
    input.logger.info(
      `made ${ONNX_ASSET} from ${MODEL_ASSET}: predicts as it does on ${parity.rows} probe rows (largest relative difference ${parity.maxRelativeError.toExponential(2)})`,
    );
    assets.push({
      name: ONNX_ASSET,
      size: onnx.byteLength,
      sha256: await sha256Hex(onnx),
      content_type: contentTypeOf(ONNX_ASSET),
      read: async () => onnx,
    });
    onnxMade = parity;
  }
  assets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    draft: { name: run.experiment, fields, assets },
    ...(onnxMade ? { onnxMade } : {}),
  };
}

/**
 * Publishes a run as a new version of its experiment's model.
 *
 * @example
 * const { uri } = await publishRun(localStore('.freshet'), { run, artifactsDir, workflowRunUrl: null, logger });
 * // 'models:/ozone-forest/4'
 */
export async function publishRun(
  store: RegistryStore,
  input: PublishRunInput,
): Promise<PublishResult> {
  const { draft, onnxMade } = await draftFromRun(input);
  let manifest: Manifest;
  try {
    manifest = await store.publish(draft);
  } catch (error) {
    if (error instanceof FreshetError) throw error;
    throw new RegistryError(`publishing run ${input.run.id} to ${store.location} failed`, {
      cause: error,
    });
  }
  const uri = formatModelUri({ kind: 'version', name: manifest.name, version: manifest.version });
  input.logger.info(`published run ${input.run.id} as ${uri} (${store.kind}: ${store.location})`);
  return { manifest, uri, ...(onnxMade ? { onnxMade } : {}) };
}
