// A run whose runner dies (killed, or its machine gone) never records its end. Its deadline — the
// command's timeout and an hour's grace from its start — lets readers mark it failed, as ingest
// treats an expired lease.
export default /* sql */ `
ALTER TABLE ops.training_runs ADD COLUMN deadline_at timestamptz;
CREATE INDEX training_runs_running ON ops.training_runs (deadline_at) WHERE status = 'running';
`;
