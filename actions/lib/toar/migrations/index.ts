import toarSchema from './001-toar-schema.ts';
import trainingRuns from './002-training-runs.ts';
import trainingRunDeadline from './003-training-run-deadline.ts';
import dataObject from './004-data-object.ts';
import archiveSeries from './005-archive-series.ts';
import plannedAttempts from './006-planned-attempts.ts';
import dataByMonth from './007-data-by-month.ts';
import citus from './008-citus.ts';
import rejectedLines from './009-rejected-lines.ts';
import dataParentsGuarded from './010-data-parents-guarded.ts';
import objectRejections from './011-object-rejections.ts';

/** A numbered schema change, applied once, in order. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Every migration, in order. SQL lives in TypeScript modules (not .sql files) so that the bundled
 * actions carry it without a loader.
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'toar-schema', sql: toarSchema },
  { version: 2, name: 'training-runs', sql: trainingRuns },
  { version: 3, name: 'training-run-deadline', sql: trainingRunDeadline },
  { version: 4, name: 'data-object', sql: dataObject },
  { version: 5, name: 'archive-series', sql: archiveSeries },
  { version: 6, name: 'planned-attempts', sql: plannedAttempts },
  { version: 7, name: 'data-by-month', sql: dataByMonth },
  { version: 8, name: 'citus', sql: citus },
  { version: 9, name: 'rejected-lines', sql: rejectedLines },
  { version: 10, name: 'data-parents-guarded', sql: dataParentsGuarded },
  { version: 11, name: 'object-rejections', sql: objectRejections },
];
