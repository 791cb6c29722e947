// Issue 13: the security rules every workflow keeps — the top-level token is read-only at most, no
// `pull_request_target` (it runs with secrets on a fork's code), every action from elsewhere is
// pinned to a commit (a tag can be moved), and a job that reads a secret besides GITHUB_TOKEN runs
// in the `freshet` Environment (whose branch rules and reviewers guard the secrets).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { securityProblems } from '../support/workflow-security.ts';

const WORKFLOWS = '.github/workflows';
const files = readdirSync(WORKFLOWS)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

describe('workflow security', () => {
  it.each(files)('%s keeps the rules', (file) => {
    expect(securityProblems(file, readFileSync(join(WORKFLOWS, file), 'utf8'))).toEqual([]);
  });

  it('finds every kind of breach', () => {
    const bad = `
on: [push, pull_request_target]
permissions:
  contents: write
  pull-requests: read
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v5
      - uses: ./actions/plan
      - uses: other/action@08c6903cd8c0fde910a37f88322edcfb5dd907a8
      - run: deploy
        env:
          TOKEN: \${{ secrets.CLOUDFLARE_API_TOKEN }}
          OWN: \${{ secrets.GITHUB_TOKEN }}
  call:
    uses: octo/workflows/.github/workflows/x.yml@main
    secrets: inherit
  guarded:
    environment: { name: freshet }
    runs-on: ubuntu-24.04
    steps:
      - run: echo "\${{ secrets['DATABASE_URL'] }}"
`;
    expect(securityProblems('bad.yml', bad)).toEqual([
      'bad.yml: top-level permissions contents: write: grant write in the job that needs it',
      "bad.yml: pull_request_target runs with the repository's secrets: use pull_request",
      'bad.yml: job build: uses actions/checkout@v5: pin it to a commit (owner/repo@<40 hex> # vX)',
      'bad.yml: job build reads CLOUDFLARE_API_TOKEN outside the Environment: add environment: freshet',
      'bad.yml: job call: uses octo/workflows/.github/workflows/x.yml@main: pin it to a commit (owner/repo@<40 hex> # vX)',
      'bad.yml: job call reads * outside the Environment: add environment: freshet',
    ]);
    expect(securityProblems('x.yml', 'on: push\njobs: {}')).toEqual([
      "x.yml: no top-level permissions: the token would get the repository's default (write, often)",
    ]);
    expect(securityProblems('y.yml', 'on: push\npermissions: write-all\njobs: {}')).toEqual([
      'y.yml: top-level permissions write-all: list the scopes, each read or none',
    ]);
  });
});
