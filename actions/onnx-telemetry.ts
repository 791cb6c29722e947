// ONNX Runtime reports to Microsoft by default on Linux and macOS since 1.29 (onnxruntime-node,
// which `freshet publish` runs to check the model.onnx it makes, is 1.30): a process event uploaded
// when it starts, a device id and an event database under ~/.cache/Microsoft/DeveloperTools, an
// empty /tmp/mat-debug-<pid>.log. A research group's runner should not, unless asked: every
// process Freshet starts that may load it (the command line, the publish and train actions, and the
// training projects they run with this environment) turns it off before it starts. Setting
// ORT_DISABLE_TELEMETRY yourself (to anything, `0` included) leaves your choice as it is.

/**
 * Sets `ORT_DISABLE_TELEMETRY=1` in `env` unless it is set.
 *
 * @example disableOnnxTelemetry(process.env); // before onnxruntime-node is first imported
 */
export function disableOnnxTelemetry(env: NodeJS.ProcessEnv): void {
  env.ORT_DISABLE_TELEMETRY ??= '1';
}
