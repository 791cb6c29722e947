// The security rules every workflow keeps (test/workflows/security.test.ts checks each file): the
// top-level token is read-only at most, no `pull_request_target` (it runs with secrets on a fork's
// code), every action from elsewhere is pinned to a commit (a tag can be moved), and a job that
// reads a secret besides GITHUB_TOKEN runs in the `freshet` Environment (whose branch rules and
// reviewers guard the secrets).
import { parse } from 'yaml';

/** The scopes the top-level `permissions` may grant: reading, or nothing. */
const READ_ONLY = new Set(['read', 'none']);

/** The secrets a job may read outside the Environment: the job's own token. */
const TOKEN_SECRETS = new Set(['GITHUB_TOKEN']);

interface Job {
  environment?: string | { name?: string };
  uses?: string;
  secrets?: unknown;
  steps?: { uses?: string }[];
}

/** The events a workflow's `on:` names, in any of its three forms. */
function eventsOf(on: unknown): string[] {
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  return on !== null && typeof on === 'object' ? Object.keys(on) : [];
}

/** The secrets a job reads (`secrets.NAME`, `secrets['NAME']`), or `*` for `secrets: inherit`. */
function secretsOf(job: Job): Set<string> {
  const text = JSON.stringify(job);
  const names = new Set<string>();
  for (const match of text.matchAll(
    /secrets\s*(?:\.\s*([A-Za-z_][\w-]*)|\[\s*\\?['"]([^'"\\]+))/g,
  )) {
    names.add(match[1] ?? match[2] ?? '');
  }
  if (job.secrets === 'inherit') names.add('*');
  return names;
}

/** A `uses:` that is not this repository's own (`./…`) must name a 40-hex commit. */
function unpinned(uses: string): boolean {
  if (uses.startsWith('./')) return false;
  if (uses.startsWith('docker://')) return !/@sha256:[0-9a-f]{64}$/.test(uses);
  return !/@[0-9a-f]{40}$/.test(uses);
}

/**
 * Every breach of the rules in one workflow's text, each naming the file and the job.
 *
 * @example securityProblems('x.yml', 'on: pull_request_target\njobs: {}') // ['x.yml: …', …]
 */
export function securityProblems(file: string, text: string): string[] {
  const wf = parse(text) as { on?: unknown; permissions?: unknown; jobs?: Record<string, Job> };
  const problems: string[] = [];
  const top = wf.permissions;
  if (top === undefined) {
    problems.push(
      `${file}: no top-level permissions: the token would get the repository's default (write, often)`,
    );
  } else if (typeof top === 'string') {
    problems.push(`${file}: top-level permissions ${top}: list the scopes, each read or none`);
  } else if (top !== null && typeof top === 'object') {
    for (const [scope, access] of Object.entries(top)) {
      if (!READ_ONLY.has(String(access))) {
        problems.push(
          `${file}: top-level permissions ${scope}: ${String(access)}: grant write in the job that needs it`,
        );
      }
    }
  }
  if (eventsOf(wf.on).includes('pull_request_target')) {
    problems.push(
      `${file}: pull_request_target runs with the repository's secrets: use pull_request`,
    );
  }
  for (const [name, job] of Object.entries(wf.jobs ?? {})) {
    for (const uses of [job.uses, ...(job.steps ?? []).map((s) => s.uses)]) {
      if (uses !== undefined && unpinned(uses)) {
        problems.push(
          `${file}: job ${name}: uses ${uses}: pin it to a commit (owner/repo@<40 hex> # vX)`,
        );
      }
    }
    const secrets = [...secretsOf(job)].filter((s) => !TOKEN_SECRETS.has(s));
    const environment =
      typeof job.environment === 'string' ? job.environment : job.environment?.name;
    if (secrets.length > 0 && environment !== 'freshet') {
      problems.push(
        `${file}: job ${name} reads ${secrets.join(', ')} outside the Environment: add environment: freshet`,
      );
    }
  }
  return problems;
}
