// Tracked training runs (DESIGN.md, Training projects): one row per run of a training project, what
// MLflow's tracking server keeps — parameters, metrics, tags, artifacts — plus what Freshet adds: the
// data it trained on (station, variable, window, row count, the training table's sha256), the
// project's commit and the environment it ran in.
export default /* sql */ `
CREATE TABLE ops.training_runs (
  -- 32 hex digits (a UUID's, as MLflow's run ids): unique across databases of one server, since a
  -- run's read-only role (a cluster-wide name) is named after it.
  id              text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{32}$'),
  experiment      text NOT NULL,
  status          text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  tags            jsonb NOT NULL DEFAULT '{}',
  project_ref     text NOT NULL,
  project_commit  text,
  entry_point     text NOT NULL,
  command         text NOT NULL,
  -- The entry point's parameters as given to the command, and what the project logged (params.json).
  parameters      jsonb NOT NULL DEFAULT '{}',
  params          jsonb,
  metrics         jsonb,
  variable        text NOT NULL,
  station_id      bigint,
  station_name    text,
  station_key     text,
  data_from       timestamptz,
  data_to         timestamptz,
  rows            integer,
  table_sha256    text,
  -- The feature table, when the project declares features: its columns and row count.
  features        jsonb,
  environment     jsonb NOT NULL DEFAULT '{}',
  artifacts       jsonb NOT NULL DEFAULT '[]',
  error           text,
  started_at      timestamptz NOT NULL,
  finished_at     timestamptz,
  duration_ms     bigint
);
CREATE INDEX training_runs_experiment ON ops.training_runs (experiment, started_at DESC);
CREATE INDEX training_runs_started ON ops.training_runs (started_at DESC);
`;
