// The `freshet` command's entry point (node_modules/.bin/freshet runs it on Node 24): everything
// else is in cli/run.ts, which tests import.
import { run } from './cli/run.ts';

// Started by the launcher (bin/freshet.js) on an IPC channel: when the channel closes, the launcher
// is gone (even killed with SIGKILL), and the command stops as if it had been sent SIGTERM rather
// than run on as an orphan. The channel itself must not keep the process alive.
if (process.channel) {
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

process.exitCode = await run(process.argv.slice(2));
