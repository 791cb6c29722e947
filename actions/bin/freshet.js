#!/usr/bin/env node
// The `freshet` command. npm links this file as node_modules/.bin/freshet; whatever `node` ran it
// (often the system's Node 20), the command line itself runs on the Node 24 pinned by the project
// (the `node` dev dependency), which also runs our TypeScript sources directly. Plain JavaScript that
// Node 20 understands, on purpose.
import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(realpathSync(fileURLToPath(import.meta.url)));
const cli = join(here, '..', 'cli.ts');
const major = Number(process.versions.node.split('.')[0]);

if (major >= 24) {
  await import(cli);
} else {
  let dir = here;
  let pinned = '';
  while (!pinned) {
    const candidate = join(dir, 'node_modules', 'node', 'bin', 'node');
    if (existsSync(candidate)) pinned = candidate;
    else if (dirname(dir) === dir) break;
    else dir = dirname(dir);
  }
  if (!pinned) {
    process.stderr.write('freshet needs Node 24: run `npm ci` in the project first.\n');
    process.exit(2);
  }
  const child = spawn(pinned, [cli, ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
