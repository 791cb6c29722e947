// The `freshet` command's entry point (node_modules/.bin/freshet runs it on Node 24): everything
// else is in cli/run.ts, which tests import.
import module from 'node:module';
import { fileURLToPath } from 'node:url';

// Node's compile cache keeps our TypeScript sources stripped and compiled between runs: loading
// them is then about 0.2 s faster and 25 MB smaller (the type stripper is never loaded), in every
// thread. It lives in the project's node_modules/.cache, not in the shared temporary folder, where
// another user of the machine could plant code for us to run. Set before run.ts is loaded (hence
// the dynamic import), and in the environment, which the parse workers inherit.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off.
const cacheDir = fileURLToPath(new URL('../node_modules/.cache/freshet-node', import.meta.url));
const cache = module.enableCompileCache?.(cacheDir);
if (cache?.status === module.constants.compileCacheStatus.ENABLED) {
  process.env.NODE_COMPILE_CACHE ??= cacheDir;
}
// Before anything can load onnxruntime-node (see onnx-telemetry.ts).
const { disableOnnxTelemetry } = await import('./onnx-telemetry.ts');
disableOnnxTelemetry(process.env);
const { run } = await import('./cli/run.ts');

// Started by the launcher (bin/freshet.js) on an IPC channel: when the channel closes, the launcher
// is gone (even killed with SIGKILL), and the command stops as if it had been sent SIGTERM rather
// than run on as an orphan. The channel itself must not keep the process alive.
if (process.channel) {
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

process.exitCode = await run(process.argv.slice(2));
