// What a run will do, checked before it is recorded: the project read, every input checked
// against it (all problems together), the station, series and window known to exist.
import type pg from 'pg';
import { collectProblems, UsageError } from '../../errors.ts';
import {
  findHourlySeries,
  resolveStation,
  resolveWindow,
  type SelectedStation,
} from '../data/selection.ts';
import { resolveSelectionRequest, type SelectionRequest } from '../data/selection-request.ts';
import { loadProject } from '../project/load-project.ts';
import { type ParameterValue, resolveParameters } from '../project/parameters.ts';
import {
  type EntryPoint,
  getEntryPoint,
  renderCommand,
  type TrainingProject,
} from '../project/project.ts';
import type { ProjectSource } from '../project/project-source.ts';
import {
  DEFAULT_TRAINING_TIMEOUT_MS,
  type TrainingRunOptions,
  tagProblems,
  timeoutProblem,
} from './runner-options.ts';

/** Everything checked before a run is recorded. */
export interface RunPlan {
  readonly source: ProjectSource;
  readonly project: TrainingProject;
  readonly entry: EntryPoint;
  readonly parameters: Record<string, ParameterValue>;
  /** The entry point's command, parameters filled in and shell-quoted. */
  readonly command: string;
  readonly request: SelectionRequest;
  readonly tags: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

const collect = collectProblems;

/**
 * Reads the project and checks everything given against it — entry point, parameters, selection,
 * tags, timeout — collecting every problem.
 *
 * @throws UsageError listing every problem (or the project file's)
 */
export async function planRun(
  options: TrainingRunOptions,
  source: ProjectSource,
): Promise<RunPlan> {
  const project = await loadProject(source.folder);
  const problems: string[] = [];
  const entry = collect(problems, () => getEntryPoint(project, options.entryPoint));
  const parameters =
    entry && collect(problems, () => resolveParameters(entry, options.parameters ?? {}));
  const request = collect(problems, () =>
    resolveSelectionRequest(project.data, options.selection ?? {}, options.selectionLabels),
  );
  const tags = options.tags ?? {};
  problems.push(...tagProblems(tags));
  const timeout = timeoutProblem(options.timeoutMs);
  if (timeout) problems.push(timeout);
  if (problems.length > 0 || !entry || !parameters || !request) throw new UsageError(problems);
  return {
    source,
    project,
    entry,
    parameters,
    command: renderCommand(entry, parameters),
    request,
    tags,
    timeoutMs: options.timeoutMs ?? DEFAULT_TRAINING_TIMEOUT_MS,
  };
}

/**
 * Resolves the station, its series and the window before anything is recorded, so that a station
 * or variable that does not exist is a usage error rather than a failed run.
 *
 * @throws UsageError as `resolveStation`, `findHourlySeries` and `resolveWindow`
 */
export async function preflight(
  client: pg.ClientBase,
  request: SelectionRequest,
  now: number,
): Promise<SelectedStation> {
  const station = await resolveStation(client, request.station);
  const seriesIds = await findHourlySeries(client, station, request.variable);
  await resolveWindow(client, request, seriesIds, now);
  return station;
}
