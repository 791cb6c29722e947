import { commandSettings } from '../lib/settings/catalog.ts';
import { type AnySetting, flagDefault } from '../lib/settings/setting.ts';

// `freshet --help` and `freshet <command> --help`.

const OVERVIEW = `freshet — OpenAQ air-quality data into a TOAR PostgreSQL database, interval by interval.

Usage: freshet <command> [flags]

Commands:
  ingest            ingest the 10-minute intervals of a time range from a bucket or folder
  plan              print the chunks that are due, as the ingest workflow's matrix
  status            per day: intervals ingested, failed, missing, empty; rejections; stations
  db migrate        apply pending database migrations (ingest and plan also do it)
  generate-fetches  write realistic synthetic OpenAQ fetch files (for demos and benchmarks)
  demo              what \`npm start\` runs: the whole life-cycle on 10 generated days, timed
  train             run a training project on selected data and record the run
  runs              list recorded training runs (filter them), or compare two
  site build        build the registry's static site (models, versions, data health)
  site serve        serve the built site on 127.0.0.1
  publish           publish a training run as a new model version (local store, or GitHub Releases)
  models            list the registry's models, or show a version (models list, models show URI)
  promote           point an alias (production, staging) at a version, or propose it in a pull request
  serve             serve the local registry's promoted models on 127.0.0.1 (the edge Worker)
  doctor            check a deployment's configuration and say what to fix

Database: --database-url URL, else $DATABASE_URL, else an embedded PostgreSQL whose data lives in
.freshet/ of the working directory (started for the command, stopped when it ends; set
FRESHET_POSTGRES_LOG=1 to see its server log).

Run \`freshet <command> --help\` for a command's flags.`;

/** A command's help: usage, what it does, its flags (from its settings), then anything after. */
interface CommandHelp {
  readonly usage: string;
  readonly about: string;
  /** The commands (`runs`, `runs compare`) whose settings are listed as flags. */
  readonly flagsOf?: readonly string[];
  readonly after?: string;
}

const COMMAND_HELP: Record<string, CommandHelp> = {
  serve: {
    usage: 'Usage: freshet serve [--port 8787] [--model NAME]',
    about: `Runs the edge Worker (edge-serve/) in workerd on 127.0.0.1 with the versions that
.freshet/registry/aliases.json names, bundled as a deployment bundles them (each forest checked
against its manifest's sha256). It speaks MLflow's scoring protocol (POST /invocations,
/models/NAME[@ALIAS|/N]/invocations) and forecasts (POST /models/NAME/forecast); GET /models lists
what it serves. It prints the URL and example curl lines, and runs until Ctrl-C.`,
    flagsOf: ['serve'],
    after: `Exit status: 130 after Ctrl-C, 143 after SIGTERM (its normal end), 2 when nothing is promoted,
a promoted version does not match its manifest, or a flag is wrong; 1 when workerd cannot start
(e.g. the port is taken).`,
  },
  doctor: {
    usage:
      'Usage: freshet doctor [--checks LIST] [--database-url URL] [--source URL] [--locations IDS] [flags]',
    about: `Checks a deployment's configuration and prints one line per check, saying what to fix: the
database is reachable and migrated (it is never changed), the source is listable, each archive
location has objects in the source (with the archive layout; skipped for the real-time one), the
Cloudflare secrets CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID are both set or both absent when
running in CI (CI=true; without them promote.yml deploys no Worker), each version the aliases file
names exists in the store and verifies, and GitHub Pages is enabled for the repository (asked of
GitHub's API when $GITHUB_TOKEN and the repository are given; skipped otherwise). --checks runs some
of them: the workflows run the doctor action first, with the checks their jobs need.`,
    flagsOf: ['doctor'],
    after: 'Exit status: 0 when no check found a problem, 1 when any did, 2 for a usage error.',
  },
  ingest: {
    usage: 'Usage: freshet ingest --start ISO --end ISO [--source URL] [flags]',
    about: `Ingests every 10-minute interval of [start, end) (each recorded as its own attempt in
ops.ingest_runs). Objects are selected by the fetch time in their names
(<unix>[_suffix].ndjson[.gz] under YYYY-MM-DD/ folders). Every line is accepted or rejected with a
reason (kept in ops.rejected_records); each object is loaded entirely or not at all. The default
source is OpenAQ's historical bucket, reported private since 2024: any mirror with its layout works.`,
    flagsOf: ['ingest'],
    after: `Exit status: 0 when every object was loaded (rejected lines included), 1 when any object failed
(the JSON is still printed), 2 for a usage error.`,
  },
  plan: {
    usage: 'Usage: freshet plan [--since ISO] [--until ISO] [flags]',
    about: `Prints the chunks that are due as {"include":[{"start":ISO,"end":ISO},…]} ({"include":[]} when
nothing is due). Without --until (a scheduled run): every interval since --since that has no
successful attempt and ended at least the settle delay ago (catch-up), plus empty intervals less
than a day old. With --until (a backfill): exactly [since, until), as --reprocess says.`,
    flagsOf: ['plan'],
  },
  status: {
    usage: 'Usage: freshet status [--json] [--database-url URL]',
    about: `Per day: intervals ingested, empty, failed, running and missing; the last successful interval;
rejected lines by reason; stations and series per variable.`,
    flagsOf: ['status'],
  },
  db: {
    usage: 'Usage: freshet db migrate [--database-url URL]',
    about: `Applies the numbered migrations not yet recorded in ops.schema_migrations (safe to run
concurrently).`,
    flagsOf: ['db migrate'],
  },
  'generate-fetches': {
    usage:
      'Usage: freshet generate-fetches --out DIR --start ISO --days N [--stations N] [--seed S]',
    about: `Writes synthetic fetch files in the real layout, DIR/realtime-gzipped/YYYY-MM-DD/<unix>.ndjson.gz,
one object per 10 minutes: hourly values with diurnal and seasonal cycles, several pollutants and
units, and the real feed's edge cases at realistic rates. Deterministic per seed.`,
    flagsOf: ['generate-fetches'],
  },
  train: {
    usage: 'Usage: freshet train --project PATH|owner/repo/path@SHA [flags]',
    about: `Runs a training project (a folder with freshet-project.yml, or another repository's folder at a
pinned 40-hex commit) once: installs its dependencies, selects one station's hourly series into a
training table (and the feature table when the project declares features), runs the entry point's
command with DATABASE_URL, FRESHET_TRAINING_TABLE, FRESHET_FEATURES_TABLE and FRESHET_OUTPUT_DIR,
checks params.json, metrics.json and model.json, copies every artifact to .freshet/runs/<run id>/
and records the run in ops.training_runs. Another repository's code gets no database credentials:
it runs as an OS user of its own, made for the run, and reads its tables as CSV files.`,
    flagsOf: ['train'],
    after: `Exit status: 0 when the run succeeded, 1 when it failed (recorded as failed, with the reason),
2 for a usage error (nothing ran, nothing was recorded).`,
  },
  runs: {
    usage: `Usage: freshet runs [--experiment NAME] [--filter EXPR] [--limit N] [--json]
       freshet runs compare RUN_A RUN_B [--json]`,
    about: `Lists recorded training runs, newest first: id, experiment, status, start (UTC), duration,
station, rows, the main metrics and tags. \`compare\` shows two runs side by side: run, parameters,
metrics with their difference (B − A), data and environment. A run id may be shortened to a
unique prefix of at least 4 digits.`,
    flagsOf: ['runs'],
    after: '`compare` takes --json (the comparison as JSON) and --database-url.',
  },
  site: {
    usage: `Usage: freshet site build [--out DIR] [--status FILE] [--edge-url URL] [flags]
       freshet site serve [--dir DIR] [--port N]`,
    about: `\`build\` renders the registry (.freshet/registry/ of the working directory) and the database's
status into static pages (Astro), each <route>/index.html: the models, each version, comparisons
of two versions and the data's health. The status comes from --status FILE (\`freshet status
--json > FILE\`), else the database (--database-url, $DATABASE_URL, or the embedded one when it
exists); without one the data page says so. \`serve\` serves the built pages until interrupted.`,
    flagsOf: ['site build', 'site serve'],
  },
  publish: {
    usage: 'Usage: freshet publish --run RUN_ID [--store local|github] [--json]',
    about: `Publishes a recorded training run (its artifacts in .freshet/runs/<run id>/) as the next version
of its experiment's model: every artifact becomes an asset, with model.onnx made from model.json
(and checked in onnxruntime) when the project wrote none, and a manifest.json listing each asset's
size and sha256 with the metrics, parameters, data window, station, rows and training commit.
Every publish makes a new version, of a run already published too. The local store is
.freshet/registry/<name>/<N>/; --store github makes a release tagged model/<name>/v<N> in
--repository (token: $GITHUB_TOKEN).`,
    flagsOf: ['publish'],
  },
  models: {
    usage: `Usage: freshet models list [--store local|github] [--json]
       freshet models show URI [--store local|github] [--json]
       freshet models validate [FILE] [--store local|github] [--json]
       freshet models bundle --out DIR [--before FILE] [--store local|github]`,
    about: `\`list\`: every model with its versions, aliases and the latest version's rmse and skill.
\`show\`: a version's model card (--json: its manifest). URIs: models:/<name>/<N>,
models:/<name>@<alias> (resolved through the aliases), runs:/<run id>/<artifact> (a run's artifact here).
\`validate\`: checks an aliases file (default models/aliases.json): its form, and that every version it
names exists in the store and each asset matches its sha256; exit status 1 listing every problem.
\`bundle\`: downloads every version models/aliases.json names (verified) into DIR/<name>/<N>/ with
DIR/aliases.json, and prints a Markdown summary of what changed since --before (promote.yml's deploy).`,
    flagsOf: ['models list'],
  },
  promote: {
    usage:
      'Usage: freshet promote NAME VERSION --alias ALIAS [--pr] [--store local|github] [--json]',
    about: `Points NAME@ALIAS at VERSION after checking that the version exists and each of its assets
matches its sha256 (else nothing changes). Local store: .freshet/registry/aliases.json. --store
github: the working tree's models/aliases.json, to commit; with --pr, a pull request on branch
promote/<name> comparing the version with production (token: $FRESHET_PR_TOKEN, else $GITHUB_TOKEN).`,
    flagsOf: ['promote'],
  },
  demo: {
    usage: `Usage: freshet demo [--days 10] [--start 2014-01-01] [--stations 10] [--exit]
       freshet demo --layout archive [--locations IDS] [--days N] …    (generated archive objects)
       freshet demo --source URL [--layout archive --locations IDS] …  (real data)`,
    about: `What \`npm start\` runs: the original design's evaluation, reproduced and extended, on this
machine with nothing to configure. It starts the embedded PostgreSQL (or uses --database-url) and a
local S3 API server seeded with generated data for a warm-up week and --days days from --start:
real-time fetches (an object every 10 minutes), or with --layout archive OpenAQ's archive layout
(one object per location and local day; the generated stations are locations 1 to --stations, all
ingested unless --locations names some). --source reads real data instead: a mirror of the
real-time fetches, or OpenAQ's archive (s3://openaq-data-archive/records/csv.gz/) with --locations,
the layout told from its folders unless --layout says it. It ingests the warm-up, then each day:
ingests it, selects one station's ozone, trains training/ozone-forest, publishes the version to
.freshet/registry/ and promotes it (the first version to production, a later one when it beats
production on the test hours both predicted, else by skill). Then it builds the site
(.freshet/site/), starts the Worker, calls /forecast and /invocations, and prints the timing table,
the local URLs and a curl line. Each start forgets the model's earlier versions, so --days N leaves
N. Without --exit, on a terminal, the site and the Worker serve until Ctrl-C.`,
    flagsOf: ['demo'],
  },
};

/** Help lines are wrapped to this width, as the rest of the help is. */
const WIDTH = 100;
/** Where a flag's text starts: after `  --database-url URL  `. */
const TEXT_COLUMN = 22;

/**
 * One line per flag (wrapped), from the settings: the flag and its placeholder, what it is, and
 * what the command does without it.
 *
 * @example flagLines({ region: INGEST.region }) // ["  --region R          the S3 bucket's region (default us-east-1)"]
 */
export function flagLines(settings: Readonly<Record<string, AnySetting>>): string[] {
  const lines: string[] = [];
  for (const setting of Object.values(settings)) {
    const spec = setting.cli;
    if (spec === undefined) continue;
    const short = spec.short === undefined ? '' : `-${spec.short}, `;
    const value = setting.placeholder === undefined ? '' : ` ${setting.placeholder}`;
    const flag = `  ${short}--${spec.flag}${value}`;
    const text = withDefault(setting.help, flagDefault(setting));
    const first = flag.length < TEXT_COLUMN - 1 ? flag.padEnd(TEXT_COLUMN) : undefined;
    if (first === undefined) lines.push(flag);
    lines.push(...wrap(text, first ?? ' '.repeat(TEXT_COLUMN)));
  }
  return lines;
}

/** The help with what the command does without the flag, inside its last parenthesis if it has one. */
function withDefault(help: string, fallback: string | undefined): string {
  if (fallback === undefined) return help;
  return help.endsWith(')')
    ? `${help.slice(0, -1)}; default ${fallback})`
    : `${help} (default ${fallback})`;
}

/** `text` wrapped at spaces to {@link WIDTH}, the first line after `lead`, the rest indented. */
function wrap(text: string, lead: string): string[] {
  const lines: string[] = [];
  let line = lead;
  let empty = true;
  for (const word of text.split(' ')) {
    if (!empty && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = ' '.repeat(TEXT_COLUMN);
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/**
 * `freshet --help`, or a command's help with its flags listed from its settings.
 *
 * @example helpText('plan').startsWith('Usage: freshet plan')
 */
export function helpText(topic?: string): string {
  const help = topic === undefined ? undefined : COMMAND_HELP[topic];
  if (help === undefined) return OVERVIEW;
  const flags = (help.flagsOf ?? []).flatMap((command) => {
    const settings = commandSettings(command);
    return settings === undefined ? [] : flagLines(settings);
  });
  return [help.usage, help.about, flags.join('\n'), help.after]
    .filter((part) => part !== undefined && part !== '')
    .join('\n\n');
}
