// A plan records a `planned` attempt for every interval it hands to an ingest job (DESIGN.md, "The
// data interval"): matrix jobs waiting behind max-parallel hold no running lease, and without one a
// scheduled plan would plan the same intervals again while a backfill is queued. A planned attempt
// expires like a running one (lease_until); the ingest job that starts the interval takes it over.
export default /* sql */ `
ALTER TABLE ops.ingest_runs DROP CONSTRAINT ingest_runs_status_check;
ALTER TABLE ops.ingest_runs ADD CONSTRAINT ingest_runs_status_check
  CHECK (status IN ('planned', 'running', 'succeeded', 'failed'));
CREATE INDEX ingest_runs_planned ON ops.ingest_runs (interval_start) WHERE status = 'planned';
`;
