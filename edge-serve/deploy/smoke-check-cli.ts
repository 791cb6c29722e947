// `node edge-serve/deploy/smoke-check-cli.ts --url URL`: the deploy job's check of the deployed
// Worker (smoke-check.ts). Prints the report as JSON and, in GitHub Actions, adds the URL and the
// forecast to the job summary. Exit 0 when it passed, 1 when it failed, 2 for a usage error.
import { appendFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { SmokeCheckError, type SmokeReport, smokeCheck } from './smoke-check.ts';

/** The job summary's Markdown for a passing check. */
export function smokeSummary(report: SmokeReport): string {
  const rows = report.forecast.map((f) => `| ${f.time} | ${f.value.toFixed(2)} |`);
  return [
    '### Edge serving',
    '',
    `Deployed and checked: ${report.url} (default model \`${report.model}\` version ${report.version}).`,
    '',
    '| hour | forecast |',
    '|---|---:|',
    ...rows,
    '',
  ].join('\n');
}

/**
 * Runs the check as the command line asks; resolves to the exit status.
 *
 * @example process.exitCode = await main(['--url', 'https://freshet-serve.example.workers.dev'], process.env);
 */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  let url: string | undefined;
  let attempts: number;
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { url: { type: 'string' }, attempts: { type: 'string', default: '6' } },
    });
    url = values.url;
    attempts = Number(values.attempts);
    if (!url || !/^https?:\/\//.test(url))
      throw new Error("--url must be the Worker's http(s) URL");
    if (!Number.isInteger(attempts) || attempts < 1)
      throw new Error('--attempts must be a whole number >= 1');
  } catch (error) {
    err(`usage: smoke-check-cli.ts --url URL [--attempts N]: ${(error as Error).message}`);
    return 2;
  }
  try {
    const report = await smokeCheck({ url, now: Date.now(), attempts });
    out(JSON.stringify(report));
    if (env.GITHUB_STEP_SUMMARY) await appendFile(env.GITHUB_STEP_SUMMARY, smokeSummary(report));
    return 0;
  } catch (error) {
    if (!(error instanceof SmokeCheckError)) throw error;
    err(`the deployed Worker failed its check: ${error.message}`);
    if (env.GITHUB_STEP_SUMMARY) {
      await appendFile(
        env.GITHUB_STEP_SUMMARY,
        `### Edge serving\n\n${url} failed its check: ${error.message}\n`,
      );
    }
    return 1;
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2), process.env);
