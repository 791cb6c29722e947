// The scheduler's arithmetic: intervals, durations, chunks and the planner. Pure: no I/O, no clock.
export * from './align.ts';
export * from './attempts.ts';
export * from './duration.ts';
export * from './instant.ts';
export * from './planner.ts';
export * from './range.ts';
export * from './reprocess.ts';
export * from './types.ts';
