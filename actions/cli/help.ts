// `freshet --help` and `freshet <command> --help`.

const OVERVIEW = `freshet — OpenAQ air-quality data into a TOAR PostgreSQL database, interval by interval.

Usage: freshet <command> [flags]

Commands:
  ingest            ingest the 10-minute intervals of a time range from a bucket or folder
  plan              print the chunks that are due, as the ingest workflow's matrix
  status            per day: intervals ingested, failed, missing, empty; rejections; stations
  db migrate        apply pending database migrations (ingest and plan also do it)
  generate-fetches  write realistic synthetic OpenAQ fetch files (for demos and benchmarks)
  demo              what \`npm start\` runs: generate 10 days and ingest them, day by day
  train             run a training project on selected data and record the run
  runs              list recorded training runs (filter them), or compare two

Database: --database-url URL, else $DATABASE_URL, else an embedded PostgreSQL whose data lives in
.freshet/ of the working directory (started for the command, stopped when it ends; set
FRESHET_POSTGRES_LOG=1 to see its server log).

Run \`freshet <command> --help\` for a command's flags.`;

const COMMAND_HELP: Record<string, string> = {
  ingest: `Usage: freshet ingest --start ISO --end ISO [--source URL] [flags]

Ingests every 10-minute interval of [start, end) (each recorded as its own attempt in
ops.ingest_runs). Objects are selected by the fetch time in their names
(<unix>[_suffix].ndjson[.gz] under YYYY-MM-DD/ folders). Every line is accepted or rejected with a
reason (kept in ops.rejected_records); each object is loaded entirely or not at all.

  --source URL        s3://bucket/prefix/ or file:///path/to/realtime-gzipped
                      (default $FRESHET_SOURCE, else s3://openaq-fetches/realtime-gzipped/, OpenAQ's
                      historical bucket, reported private since 2024: any mirror with its layout works)
  --start ISO         first interval's start, aligned to 10 minutes (e.g. 2014-01-01T00:00Z)
  --end ISO           end of the range (exclusive), aligned to 10 minutes
  --region R          S3 region (default us-east-1)
  --endpoint URL      S3-compatible endpoint (path-style), e.g. a mirror or a local server
  --anonymous         unsigned S3 requests (public buckets); else the usual AWS credentials
  --concurrency N     objects in flight at once (default 3)
  --database-url URL  PostgreSQL to load into (default $DATABASE_URL, else the embedded one)
  --json              print the counts as one JSON object on the last line of stdout

Exit status: 0 when every object was loaded (rejected lines included), 1 when any object failed
(the JSON is still printed), 2 for a usage error.`,
  plan: `Usage: freshet plan [--since ISO] [--until ISO] [flags]

Prints the chunks that are due as {"include":[{"start":ISO,"end":ISO},…]} ({"include":[]} when
nothing is due). Without --until (a scheduled run): every interval since --since that has no
successful attempt and ended at least the settle delay ago (catch-up), plus empty intervals less
than a day old. With --until (a backfill): exactly [since, until), as --reprocess says.

  --since ISO         start of the catch-up or backfill (default $FRESHET_START)
  --until ISO         end of a backfill (exclusive)
  --chunk D           chunk length: 10m, 1h, 1d… (default 1h), chunks aligned to the epoch
  --reprocess MODE    missing (default) | failed | outdated (older rules version) | all
  --max-chunks N      at most N chunks (default and maximum 256)
  --settle D          settle delay (default 30m: uploads lag)
  --now ISO           the clock (default: now)
  --database-url URL  where ops.ingest_runs lives`,
  status: `Usage: freshet status [--json] [--database-url URL]

Per day: intervals ingested, empty, failed, running and missing; the last successful interval;
rejected lines by reason; stations and series per variable.`,
  db: `Usage: freshet db migrate [--database-url URL]

Applies the numbered migrations not yet recorded in ops.schema_migrations (safe to run
concurrently).`,
  'generate-fetches': `Usage: freshet generate-fetches --out DIR --start ISO --days N [--stations N] [--seed S]

Writes synthetic fetch files in the real layout, DIR/realtime-gzipped/YYYY-MM-DD/<unix>.ndjson.gz,
one object per 10 minutes: hourly values with diurnal and seasonal cycles, several pollutants and
units, and the real feed's edge cases at realistic rates. Deterministic per seed.`,
  train: `Usage: freshet train --project PATH|owner/repo/path@SHA [flags]

Runs a training project (a folder with freshet-project.yml, or another repository's folder at a
pinned 40-hex commit) once: installs its dependencies, selects one station's hourly series into a
training table (and the feature table when the project declares features), runs the entry point's
command with DATABASE_URL, FRESHET_TRAINING_TABLE, FRESHET_FEATURES_TABLE and FRESHET_OUTPUT_DIR,
checks params.json, metrics.json and model.json, copies every artifact to .freshet/runs/<run id>/
and records the run in ops.training_runs. Another repository's code reads the database through a
read-only role made for the run (the database user needs CREATEROLE, else the run is refused).

  --project REF       a folder, or owner/repo/path@<40-hex commit sha> (fetched from GitHub)
  --entry-point NAME  the entry point to run (default main)
  -P, --param K=V     a parameter's value (repeat for more); typed as the project declares it
  --station STATION   a station id, or LAT,LNG (default: the project's data.station)
  --variable NAME     the variable, e.g. o3 (default: data.variable)
  --window DURATION   ISO 8601, ending at the newest data, e.g. P365D (default: data.window)
  --from ISO --to ISO the window as a range of whole hours instead, [from, to)
  -T, --tag K=V       a tag recorded with the run (repeat for more), e.g. -T trigger=push
  --keep-table        keep the training and feature tables (default: dropped after the run)
  --timeout D         stop the command after D: 30m, 2h… (default 30m)
  --database-url URL  the database (default $DATABASE_URL, else the embedded one)
  --json              print {"run_id","status","rows","metrics","artifacts","seconds"} as the
                      last line of stdout (and "error" when the run failed)

Exit status: 0 when the run succeeded, 1 when it failed (recorded as failed, with the reason),
2 for a usage error (nothing ran, nothing was recorded).`,
  runs: `Usage: freshet runs [--experiment NAME] [--filter EXPR] [--limit N] [--json]
       freshet runs compare RUN_A RUN_B [--json]

Lists recorded training runs, newest first: id, experiment, status, start (UTC), duration,
station, rows, the main metrics and tags. \`compare\` shows two runs side by side: run, parameters,
metrics with their difference (B − A), data and environment. A run id may be shortened to a
unique prefix of at least 4 digits.

  --experiment NAME   only runs of this project
  --filter EXPR       conditions joined by "and": metric<op>number with < <= > >= = != (rmse<5,
                      metrics.r2>=0.8), tag.name=value, param.name=value (= or !=, values may be
                      quoted), status=failed; e.g. --filter "rmse<5 and tag.trigger=push"
  --limit N           at most N runs (default 50)
  --database-url URL  the database (default $DATABASE_URL, else the embedded one)
  --json              one JSON array of runs (or the comparison as JSON)`,
  demo: `Usage: freshet demo [--days 10] [--stations 50] [--database-url URL]

Generates --days days of fetches from 2014-01-01 into a temporary folder and ingests them day by
day into the database, printing one summary row per day (what \`npm start\` runs).`,
};

export function helpText(topic?: string): string {
  if (topic && COMMAND_HELP[topic]) return COMMAND_HELP[topic];
  return OVERVIEW;
}
