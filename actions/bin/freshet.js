#!/usr/bin/env node
// The `freshet` command. npm links this file as node_modules/.bin/freshet; whatever `node` ran it
// (often the system's Node 20), the command line itself runs on the Node 24 pinned by the project
// (the `node` dev dependency), which also runs our TypeScript sources directly. Plain JavaScript that
// Node 20 understands, on purpose.
//
// When it has to start Node 24 as a child, this launcher stays out of the way: it forwards SIGINT,
// SIGTERM and SIGHUP to the child, exits as the child did (a child killed by SIGTERM makes it exit
// 143, as a shell reports it), and holds an IPC channel open to the child, whose end tells the child
// that the launcher is gone (even after `kill -9`), so that the child stops too instead of running on
// as an orphan.
//
// The command runs with V8's young generation capped (NODE_FLAGS): by default Node 24 lets it grow
// to 64 MiB a semi-space, which on real fetches took an ingest's peak memory from 0.49 GB to 0.59
// GB, for no gain in speed (8 MiB was as fast or faster). Node 24 running this file without those
// flags starts the command as a child with them, as Node 20 does.
//
// Both ways, the command runs with Node's compile cache in the project's node_modules/.cache (see
// cli.ts): enabled here, before the first TypeScript file is loaded, the type stripper is never
// loaded at all (0.2 s and 25 MB less at every start).
import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import module from 'node:module';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(realpathSync(fileURLToPath(import.meta.url)));
const cli = join(here, '..', 'cli.ts');
const major = Number(process.versions.node.split('.')[0]);
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** Node's flags for the command (the npm scripts `freshet` and `start` pass the same). */
const NODE_FLAGS = ['--max-semi-space-size=8'];
const compileCache = join(here, '..', '..', 'node_modules', '.cache', 'freshet-node');

if (!process.env.NODE_DISABLE_COMPILE_CACHE) process.env.NODE_COMPILE_CACHE ??= compileCache;

if (major >= 24 && NODE_FLAGS.every((flag) => process.execArgv.includes(flag))) {
  if (process.env.NODE_COMPILE_CACHE) module.enableCompileCache?.(process.env.NODE_COMPILE_CACHE);
  await import(cli);
} else {
  let dir = here;
  let pinned = major >= 24 ? process.execPath : '';
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
  const child = spawn(pinned, [...NODE_FLAGS, cli, ...process.argv.slice(2)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  const forward = (signal) => child.kill(signal);
  for (const signal of FORWARDED) process.on(signal, forward);
  child.on('error', (error) => {
    process.stderr.write(`error: could not start ${pinned}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const s of FORWARDED) process.off(s, forward);
    // 128 + the signal's number is what a shell reports for a process killed by a signal.
    process.exit(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1));
  });
}
