// The `freshet` command's entry point (node_modules/.bin/freshet runs it on Node 24): everything
// else is in cli/run.ts, which tests import.
import { run } from './cli/run.ts';

process.exitCode = await run(process.argv.slice(2));
