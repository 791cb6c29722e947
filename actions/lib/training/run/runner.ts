// The training-project runner (DESIGN.md, Training projects): a project's folder or another
// repository's pinned commit → dependencies installed → data selected into the training (and
// feature) table → the command run with DATABASE_URL, FRESHET_TRAINING_TABLE,
// FRESHET_FEATURES_TABLE and FRESHET_OUTPUT_DIR → outputs checked → artifacts kept → the run
// recorded in ops.training_runs. Another repository's code gets no database credentials: it runs
// as an OS user made for the run, in a copy of the project in that user's home, and reads the
// tables from CSV files (FRESHET_TRAINING_FILE, FRESHET_FEATURES_FILE). Everything a person can get wrong is checked before the run is
// recorded; everything after that ends in a recorded run, succeeded or failed.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import type pg from 'pg';
import { DatabaseError, describeError, FreshetError } from '../../errors.ts';
import { formatDuration } from '../../interval/duration.ts';
import type { DatabasePool } from '../../toar/database.ts';
import type { Logger } from '../../util/logger.ts';
import { createFeatureTable } from '../data/feature-table.ts';
import { dropTables, type SelectedStation, selectTrainingData } from '../data/selection.ts';
import { trainingTableNames } from '../data/table-name.ts';
import {
  type InstalledDependencies,
  inspectProjectFiles,
  installDependencies,
  planDependencies,
} from '../project/dependencies.ts';
import { parseProjectRef } from '../project/project-ref.ts';
import { openProjectSource } from '../project/project-source.ts';
import {
  type ArtifactRecord,
  copyArtifacts,
  DEFAULT_MAX_ARTIFACT_BYTES,
  listArtifacts,
} from './artifacts.ts';
import { childEnvironment } from './child-environment.ts';
import { describeEnvironment, type RunEnvironment } from './environment.ts';
import { readRunOutputs } from './outputs.ts';
import type { RunAs } from './run-as.ts';
import { type CommandOutcome, runCommand } from './run-command.ts';
import { finishRun, insertRun, newRunId, type RunFinish } from './run-record.ts';
import type { TrainingContext, TrainingRunOptions, TrainingRunResult } from './runner-options.ts';
import { planRun, preflight, type RunPlan } from './runner-plan.ts';
import { collectFromHome, stageIntoHome } from './sandbox-files.ts';
import { createSandboxUser, removeSandboxUser } from './sandbox-user.ts';
import { writeTableCsv } from './table-files.ts';

export type { TrainingContext, TrainingRunOptions, TrainingRunResult } from './runner-options.ts';

/** A command's end as a failure message, or undefined when it succeeded. */
export function describeOutcome(outcome: CommandOutcome, timeoutMs: number): string | undefined {
  const last =
    outcome.tail.length > 0 ? `; its last lines:\n${outcome.tail.slice(-10).join('\n')}` : '';
  if (outcome.cancelled) return 'the run was cancelled: the command was stopped';
  if (outcome.timedOut) {
    return `the command did not finish within ${formatDuration(timeoutMs)} and was stopped (its whole process group)${last}`;
  }
  if (outcome.signal !== null) return `the command was killed by ${outcome.signal}${last}`;
  if (outcome.exitCode !== 0) return `the command exited with status ${outcome.exitCode}${last}`;
  return undefined;
}

/**
 * Runs a training project once and records the run in ops.training_runs.
 *
 * Before the run is recorded — and before anything of the project runs — the project is fetched
 * (another repository's, at its pinned commit) and read, and every input is checked against it;
 * problems there throw. After that the run always ends recorded: a failing install, selection or
 * command, a timeout or invalid outputs give a `failed` result (and record) with the reason.
 * Artifacts are copied to `<stateDir>/runs/<run id>/`; the tables are dropped unless `keepTable`.
 *
 * The database, its URL for the command, the environment, the clock and the state directory are
 * handed in (see actions/wiring.ts, `trainWith`, which opens the database the settings name).
 *
 * @throws UsageError when the reference, the project, a parameter, the selection or a tag is wrong,
 *   or another repository's code cannot get an OS user of its own; SourceError when the project cannot
 *   be fetched; DatabaseError when the database cannot be reached or the run not recorded
 * @example
 * const result = await runTraining(
 *   { project: 'training/ozone-forest', parameters: { n_trees: '50' } },
 *   { db: pool, databaseUrl, logger, stateDir: '.freshet', env: process.env, now: Date.now },
 * );
 * result.status; result.metrics; result.artifactsDir
 */
export async function runTraining(
  options: TrainingRunOptions,
  context: TrainingContext,
): Promise<TrainingRunResult> {
  const { logger, env, now } = context;
  const stateDir = resolve(context.stateDir);
  const ref = parseProjectRef(options.project);
  const scratch = await mkdtemp(join(tmpdir(), 'freshet-run-'));
  try {
    const source = await openProjectSource(ref, {
      scratch,
      remoteBaseUrl: options.remoteBaseUrl,
      env,
    });
    const plan = await planRun(options, source);
    const client = await connect(context.db);
    try {
      const station = await preflight(client, plan.request, now());
      // Refused (before anything is recorded) when the user cannot be made.
      const user = source.trusted
        ? undefined
        : await createSandboxUser({ project: source.ref, logger });
      try {
        return await execute(plan, station, {
          client,
          pool: context.db,
          databaseUrl: context.databaseUrl,
          scratch,
          stateDir,
          env,
          now,
          logger,
          options,
          ...(user ? { user } : {}),
          ...(context.signal ? { signal: context.signal } : {}),
        });
      } finally {
        if (user) await removeSandboxUser(user, logger);
      }
    } finally {
      client.release();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** A connection of the run's own (the selection and the role are made on one session). */
async function connect(db: DatabasePool): Promise<pg.PoolClient> {
  try {
    return await db.connect();
  } catch (error) {
    throw new DatabaseError('connecting to the database for the training run failed', {
      cause: error,
    });
  }
}

interface ExecuteContext {
  readonly client: pg.ClientBase;
  readonly pool: DatabasePool;
  readonly databaseUrl: string;
  readonly scratch: string;
  readonly stateDir: string;
  readonly env: Readonly<NodeJS.ProcessEnv>;
  readonly now: () => number;
  readonly logger: Logger;
  readonly options: TrainingRunOptions;
  readonly signal?: AbortSignal;
  /** The OS user another repository's code runs as (none: this repository's code, as the runner). */
  readonly user?: RunAs;
}

/** What a run has learnt so far: recorded when it ends, however it ends. */
interface Progress {
  /** What it is doing, named in the error when that fails. */
  stage: string;
  finish: Omit<RunFinish, 'status' | 'finishedAt'>;
  featuresTable?: string;
  environment: RunEnvironment | null;
  artifacts: ArtifactRecord[];
  /** Milliseconds selecting the data and building the feature table, once done. */
  selectionMs?: number;
}

// Stages whose errors already say what happened (the command's end, the outputs' problems).
const SELF_DESCRIBING = new Set(['running the command', 'checking the outputs']);

/** One run's identity and folders. */
interface RunSlots {
  readonly runId: string;
  readonly tables: { readonly training: string; readonly features: string };
  readonly outputDir: string;
  readonly artifactsDir: string;
}

/** Records the run, carries it out, cleans up, and records how it ended. */
async function execute(
  plan: RunPlan,
  station: SelectedStation,
  run: ExecuteContext,
): Promise<TrainingRunResult> {
  const { client, logger } = run;
  const { source, project } = plan;
  const runId = newRunId();
  const slots: RunSlots = {
    runId,
    tables: trainingTableNames(runId),
    outputDir: join(run.scratch, 'output'),
    artifactsDir: join(run.stateDir, 'runs', runId),
  };
  const startedAt = run.now();
  await insertRun(run.pool, {
    id: runId,
    experiment: project.name,
    tags: plan.tags,
    projectRef: source.ref,
    projectCommit: source.commit,
    entryPoint: plan.entry.name,
    command: plan.command,
    parameters: plan.parameters,
    variable: plan.request.variable,
    stationId: station.id,
    stationName: station.name,
    stationKey: `${station.latKey},${station.lngKey}`,
    startedAt,
    // The command's timeout, and an hour for selecting data before it and copying artifacts after.
    deadlineAt: startedAt + plan.timeoutMs + 3_600_000,
  });
  logger.info(
    `run ${runId}: ${project.name} (${source.ref}${source.commit ? ` at ${source.commit.slice(0, 12)}` : ''}), entry point ${plan.entry.name}`,
  );
  const progress: Progress = { stage: 'starting', finish: {}, environment: null, artifacts: [] };
  let error: string | null = null;
  try {
    await carryOut(plan, station, run, slots, progress);
  } catch (caught) {
    const message = describeError(caught);
    error = SELF_DESCRIBING.has(progress.stage) ? message : `${progress.stage} failed: ${message}`;
    logger.error(`run ${runId} failed: ${error}`);
  } finally {
    const tables = [slots.tables.training, slots.tables.features];
    if (!run.options.keepTable) {
      await dropTables(client, tables).catch((dropError) =>
        logger.warn(`could not drop the run's tables: ${describeError(dropError)}`),
      );
    }
  }
  const status = error === null ? 'succeeded' : 'failed';
  const finishedAt = run.now();
  await finishRun(run.pool, runId, {
    ...progress.finish,
    status,
    error,
    finishedAt,
    ...(progress.environment ? { environment: progress.environment } : {}),
    artifacts: progress.artifacts,
  });
  const seconds = Math.round((finishedAt - startedAt) / 100) / 10;
  if (status === 'succeeded') {
    const metrics = Object.entries(progress.finish.metrics ?? {})
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    logger.info(
      `run ${runId} succeeded in ${seconds} s${metrics ? `: ${metrics}` : ''}; artifacts in ${slots.artifactsDir}`,
    );
  }
  const { finish } = progress;
  return {
    runId,
    status,
    experiment: project.name,
    projectRef: source.ref,
    projectCommit: source.commit,
    entryPoint: plan.entry.name,
    command: plan.command,
    parameters: plan.parameters,
    params: finish.params ?? null,
    metrics: finish.metrics ?? null,
    variable: plan.request.variable,
    station: { id: station.id, name: station.name, key: `${station.latKey},${station.lngKey}` },
    from: finish.from ?? null,
    to: finish.to ?? null,
    rows: finish.rows ?? null,
    tableSha256: finish.tableSha256 ?? null,
    features: finish.features ?? null,
    tables: {
      training: slots.tables.training,
      ...(progress.featuresTable ? { features: progress.featuresTable } : {}),
      kept: run.options.keepTable === true,
    },
    artifacts: progress.artifacts,
    artifactsDir: slots.artifactsDir,
    environment: progress.environment,
    error,
    startedAt,
    finishedAt,
    seconds,
    ...(progress.selectionMs === undefined ? {} : { selectionMs: progress.selectionMs }),
  };
}

/** Where a sandboxed run's files are inside its user's home. */
interface HomeLayout {
  readonly checkout: string;
  readonly folder: string;
  readonly input: string;
  readonly output: string;
  readonly stateDir: string;
}

function homeLayout(user: RunAs, plan: RunPlan): HomeLayout {
  const checkout = join(user.home, 'checkout');
  return {
    checkout,
    folder: join(checkout, relative(plan.source.root, plan.source.folder)),
    input: join(user.home, 'input'),
    output: join(user.home, 'output'),
    stateDir: join(user.home, '.freshet'),
  };
}

/** The run itself, stage by stage; whatever it learns goes into `progress`. */
async function carryOut(
  plan: RunPlan,
  station: SelectedStation,
  run: ExecuteContext,
  slots: RunSlots,
  progress: Progress,
): Promise<void> {
  const { source, project } = plan;
  const { tables } = slots;
  const { user } = run;
  const home = user ? homeLayout(user, plan) : undefined;
  if (user && home) {
    progress.stage = "copying the project into its OS user's home";
    const seed = join(run.scratch, 'seed');
    await mkdir(join(seed, 'input'), { recursive: true });
    await mkdir(join(seed, 'output'), { recursive: true });
    await stageIntoHome(user, seed, user.home);
    await stageIntoHome(user, source.root, home.checkout);
  } else {
    await mkdir(slots.outputDir, { recursive: true });
  }
  const folder = home?.folder ?? source.folder;
  const outputDir = home?.output ?? slots.outputDir;
  const identity: Record<string, string> =
    user && home ? { HOME: user.home, USER: user.name, LOGNAME: user.name } : {};
  progress.stage = 'installing the dependencies';
  const installed = await install(plan, run, folder, home, identity);

  const selecting = performance.now();
  await prepareData(plan, station, run, slots, progress);
  progress.selectionMs = Math.round(performance.now() - selecting);

  const data: Record<string, string> = {};
  if (user && home) {
    progress.stage = 'writing the data files';
    const input = join(run.scratch, 'input');
    await mkdir(input, { recursive: true });
    await writeTableCsv(run.client, tables.training, join(input, 'training.csv'));
    data.FRESHET_TRAINING_FILE = join(home.input, 'training.csv');
    if (project.features) {
      await writeTableCsv(run.client, tables.features, join(input, 'features.csv'));
      data.FRESHET_FEATURES_FILE = join(home.input, 'features.csv');
    }
    await stageIntoHome(user, input, home.input);
  } else {
    data.DATABASE_URL = run.databaseUrl;
    data.FRESHET_TRAINING_TABLE = tables.training;
    if (project.features) data.FRESHET_FEATURES_TABLE = tables.features;
  }

  const commandEnv = childEnvironment({
    base: run.env,
    trusted: source.trusted,
    pathFirst: [...installed.pathFirst, dirname(process.execPath)],
    set: {
      ...installed.env,
      ...identity,
      ...data,
      FRESHET_OUTPUT_DIR: outputDir,
      FRESHET_RUN_ID: slots.runId,
    },
  });
  progress.environment = await describeEnvironment(folder, installed, {
    env: commandEnv,
    logger: run.logger,
    ...(installed.python && installed.requirements ? { requirements: installed.requirements } : {}),
    ...(user ? { runAs: user } : {}),
  });

  progress.stage = 'running the command';
  run.logger.info(`running: ${plan.command}${user ? ` (as ${user.name})` : ''}`);
  const outcome = await runCommand({
    command: plan.command,
    cwd: folder,
    env: commandEnv,
    timeoutMs: plan.timeoutMs,
    logger: run.logger,
    prefix: `${project.name} | `,
    ...(run.signal ? { signal: run.signal } : {}),
    ...(user ? { runAs: user } : {}),
  });
  const failure = describeOutcome(outcome, plan.timeoutMs);
  if (user && home) {
    // Every process of the user has ended (runCommand saw to it): nothing changes the files now.
    progress.stage = 'collecting the outputs';
    await collectFromHome(user, home.output, slots.outputDir, run.logger);
  }

  // Kept even when the command failed: what it wrote helps to see why.
  progress.stage = 'keeping the artifacts';
  progress.artifacts = await listArtifacts(
    slots.outputDir,
    run.logger,
    run.options.maxArtifactBytes ?? DEFAULT_MAX_ARTIFACT_BYTES,
  ).catch((error: unknown) => {
    if (failure === undefined) throw error;
    // The command's own failure says more: it comes first.
    progress.stage = 'running the command';
    throw new FreshetError(`${failure}\nkeeping the artifacts failed: ${describeError(error)}`, {
      cause: error,
    });
  });
  await copyArtifacts(slots.outputDir, progress.artifacts, slots.artifactsDir);
  if (failure !== undefined) {
    progress.stage = 'running the command';
    throw new FreshetError(failure);
  }

  progress.stage = 'checking the outputs';
  const outputs = await readRunOutputs(slots.outputDir);
  progress.finish = { ...progress.finish, params: outputs.params, metrics: outputs.metrics };
}

/** Selects the training data, and builds the feature table when the project declares features. */
async function prepareData(
  plan: RunPlan,
  station: SelectedStation,
  run: ExecuteContext,
  slots: RunSlots,
  progress: Progress,
): Promise<void> {
  const { tables } = slots;
  progress.stage = 'selecting the training data';
  const selection = await selectTrainingData(run.client, plan.request, {
    table: tables.training,
    now: run.now(),
  });
  progress.finish = {
    from: selection.from,
    to: selection.to,
    rows: selection.rows,
    tableSha256: selection.sha256,
  };
  run.logger.info(
    `selected ${selection.rows} hours of ${selection.variable} at station ${station.id} (${station.name}) from ${new Date(selection.from).toISOString()} to ${new Date(selection.to).toISOString()} into ${tables.training}`,
  );
  if (!plan.project.features) return;
  progress.stage = 'building the feature table';
  progress.featuresTable = tables.features;
  const features = await createFeatureTable(run.client, {
    table: tables.features,
    spec: plan.project.features,
    selection,
  });
  progress.finish = {
    ...progress.finish,
    features: {
      names: features.names,
      rows: features.rows,
      skippedForGaps: features.skippedForGaps,
    },
  };
  run.logger.info(
    `built ${features.rows} feature rows of ${features.names.length} columns into ${tables.features}`,
  );
}

/** Plans and installs the project's dependencies with the environment its code will have. */
async function install(
  plan: RunPlan,
  run: ExecuteContext,
  folder: string,
  home: HomeLayout | undefined,
  identity: Readonly<Record<string, string>>,
): Promise<InstalledDependencies & { requirements?: string }> {
  const { source } = plan;
  const files = await inspectProjectFiles(folder, {
    root: home?.checkout ?? source.root,
    remote: !source.trusted,
    command: plan.command,
  });
  const steps = planDependencies(folder, files);
  const env = childEnvironment({
    base: run.env,
    trusted: source.trusted,
    pathFirst: [dirname(process.execPath)],
    set: identity,
  });
  const packageIndex = run.options.packageIndexUrl ?? run.env.PIP_INDEX_URL;
  // Another repository's installs run as its user (install scripts are its code), into its home.
  const installed = await installDependencies(steps, {
    env,
    stateDir: home?.stateDir ?? run.stateDir,
    logger: run.logger,
    ...(packageIndex ? { packageIndex } : {}),
    ...(run.user ? { runAs: run.user } : {}),
  });
  const requirements = steps.find((s) => s.kind === 'python-requirements');
  return {
    ...installed,
    ...(requirements?.kind === 'python-requirements'
      ? { requirements: requirements.requirements }
      : {}),
  };
}
