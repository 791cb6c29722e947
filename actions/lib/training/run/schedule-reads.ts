// What the schedule's decision (schedule.ts) is made from: the experiment's latest successful run in
// ops.training_runs, and the experiment's name from the project's freshet-project.yml.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseError } from '../../errors.ts';
import { loadProject } from '../project/load-project.ts';
import { parseProjectRef } from '../project/project-ref.ts';
import { openProjectSource } from '../project/project-source.ts';
import type { Queryable } from './run-record.ts';
import type { LatestRun, RecentFailures } from './schedule.ts';

/**
 * The experiment's latest successful run, by start, or undefined when it has none.
 *
 * @throws DatabaseError when ops.training_runs cannot be read
 * @example await readLatestSucceededRun(db, 'ozone-forest') // { id: '3f2a…', startedAt: 1795003500000 }
 */
export async function readLatestSucceededRun(
  db: Queryable,
  experiment: string,
): Promise<LatestRun | undefined> {
  try {
    const { rows } = await db.query(
      `SELECT id, started_at FROM ops.training_runs
       WHERE experiment = $1 AND status = 'succeeded'
       ORDER BY started_at DESC, id LIMIT 1`,
      [experiment],
    );
    const row = rows[0] as { id: string; started_at: Date } | undefined;
    return row === undefined ? undefined : { id: row.id, startedAt: row.started_at.getTime() };
  } catch (error) {
    throw new DatabaseError(
      `reading the latest successful run of ${experiment} from ops.training_runs failed`,
      { cause: error },
    );
  }
}

/**
 * The experiment's failed data-triggered runs (tagged trigger workflow_run or schedule) that
 * started after `since` (its latest success; undefined: ever), or undefined when there are none.
 *
 * @throws DatabaseError when ops.training_runs cannot be read
 * @example await readRecentFailures(db, 'ozone-forest', last?.startedAt) // { count: 2, last: { id, startedAt } }
 */
export async function readRecentFailures(
  db: Queryable,
  experiment: string,
  since: number | undefined,
): Promise<RecentFailures | undefined> {
  try {
    const { rows } = await db.query(
      `SELECT id, started_at, count(*) OVER () AS count FROM ops.training_runs
       WHERE experiment = $1 AND status = 'failed'
         AND tags->>'trigger' IN ('workflow_run', 'schedule')
         AND ($2::timestamptz IS NULL OR started_at > $2::timestamptz)
       ORDER BY started_at DESC, id LIMIT 1`,
      [experiment, since === undefined ? null : new Date(since)],
    );
    const row = rows[0] as { id: string; started_at: Date; count: string } | undefined;
    if (row === undefined) return undefined;
    return { count: Number(row.count), last: { id: row.id, startedAt: row.started_at.getTime() } };
  } catch (error) {
    throw new DatabaseError(
      `reading the failed runs of ${experiment} from ops.training_runs failed`,
      { cause: error },
    );
  }
}

/**
 * The experiment a project records its runs under: the `name` in its freshet-project.yml. Another
 * repository's project is fetched at its pinned commit into a scratch folder to read it.
 *
 * @throws UsageError when the reference or the project file is wrong; SourceError when the project
 *   cannot be fetched
 * @example await readExperimentName('training/ozone-forest', { env }) // 'ozone-forest'
 */
export async function readExperimentName(
  project: string,
  options: {
    readonly env: Readonly<NodeJS.ProcessEnv>;
    readonly remoteBaseUrl?: string | undefined;
  },
): Promise<string> {
  const ref = parseProjectRef(project);
  const scratch = await mkdtemp(join(tmpdir(), 'freshet-schedule-'));
  try {
    const source = await openProjectSource(ref, {
      scratch,
      env: options.env,
      remoteBaseUrl: options.remoteBaseUrl,
    });
    return (await loadProject(source.folder)).name;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
