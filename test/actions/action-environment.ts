// The GitHub Actions runner's side of @actions/core, for tests: inputs are INPUT_* variables,
// outputs and the job summary are files named by GITHUB_OUTPUT and GITHUB_STEP_SUMMARY, and
// annotations, masks and log lines are workflow commands on stdout. Nothing of @actions/core is mocked.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One `::command key=value::message` line an action printed. */
export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

/** What one run of an action left behind. */
export interface ActionRun {
  /** `core.setFailed` was called (it sets `process.exitCode` to 1). */
  failed: boolean;
  outputs: Record<string, string>;
  summary: string;
  commands: WorkflowCommand[];
  /** Everything written to stdout, commands included. */
  stdout: string;
  /** Messages of the commands named `command` (`error`, `warning`, `add-mask`, …). */
  messages(command: string): string[];
}

// The runner's escaping of command data and properties (see @actions/core's command.ts).
function unescapeData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
function unescapeProperty(text: string): string {
  return unescapeData(text).replace(/%3A/g, ':').replace(/%2C/g, ',');
}

/** Parses workflow commands out of an action's stdout. */
export function parseCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^::([a-z-]+)( [^:]*)?::(.*)$/.exec(line);
    if (match === null) continue;
    // Groups 1 and 3 always take part in a match; group 2 is optional.
    const [, command = '', pairs = '', message = ''] = match;
    const properties: Record<string, string> = {};
    for (const pair of pairs.trim().split(',').filter(Boolean)) {
      const at = pair.indexOf('=');
      properties[pair.slice(0, at)] = unescapeProperty(pair.slice(at + 1));
    }
    commands.push({ command, properties, message: unescapeData(message) });
  }
  return commands;
}

/** Parses the GITHUB_OUTPUT file: `name<<delimiter`, the value's lines, `delimiter`. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    // i < lines.length, in both loops.
    const header = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (header === null) continue;
    // Both groups always take part in a match.
    const [, name = '', delimiter] = header;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
    outputs[name] = value.join('\n');
  }
  return outputs;
}

/** The variable the runner sets for an input (`max-chunks` → `INPUT_MAX-CHUNKS`). */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/**
 * A temporary runner environment. Create one per test file (the summary file's path is cached by
 * @actions/core for the life of the module), run actions through it, dispose of it afterwards.
 */
export class ActionEnvironment {
  readonly dir: string;
  readonly outputFile: string;
  readonly summaryFile: string;

  private constructor(dir: string) {
    this.dir = dir;
    this.outputFile = join(dir, 'output');
    this.summaryFile = join(dir, 'summary.md');
  }

  static async create(): Promise<ActionEnvironment> {
    return new ActionEnvironment(await mkdtemp(join(tmpdir(), 'freshet-action-')));
  }

  /**
   * Runs `action` with these inputs (and extra runner variables), capturing stdout, and restores
   * `process.env`, stdout and `process.exitCode` afterwards.
   */
  async run(
    action: () => Promise<void>,
    inputs: Readonly<Record<string, string>>,
    env: Readonly<Record<string, string>> = {},
  ): Promise<ActionRun> {
    await writeFile(this.outputFile, '');
    await writeFile(this.summaryFile, '');
    const savedEnv = { ...process.env };
    const savedExitCode = process.exitCode;
    const write = process.stdout.write;
    let stdout = '';
    for (const name of Object.keys(process.env)) {
      if (name.startsWith('INPUT_')) delete process.env[name];
    }
    for (const [name, value] of Object.entries(inputs)) process.env[inputVariable(name)] = value;
    Object.assign(process.env, env, {
      GITHUB_OUTPUT: this.outputFile,
      GITHUB_STEP_SUMMARY: this.summaryFile,
    });
    process.exitCode = undefined;
    process.stdout.write = ((chunk: string | Uint8Array): boolean => {
      stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return true;
    }) as typeof process.stdout.write;
    let failed: boolean;
    try {
      await action();
    } finally {
      process.stdout.write = write;
      failed = process.exitCode === 1;
      process.exitCode = savedExitCode;
      for (const name of Object.keys(process.env)) {
        if (!(name in savedEnv)) delete process.env[name];
      }
      Object.assign(process.env, savedEnv);
    }
    const commands = parseCommands(stdout);
    return {
      failed,
      outputs: parseOutputFile(await readFile(this.outputFile, 'utf8')),
      summary: await readFile(this.summaryFile, 'utf8'),
      commands,
      stdout,
      messages: (command) => commands.filter((c) => c.command === command).map((c) => c.message),
    };
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
