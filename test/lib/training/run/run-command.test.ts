// A project's command under hostile output: one huge line, many lines, a line cut mid-character.
// The memory test runs runCommand in a child process under a heap ceiling and reads its peak RSS.
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CUT_MARKER,
  LineSplitter,
  OutputTail,
} from '../../../../actions/lib/training/run/command-output.ts';
import { runCommand, TAIL_BYTES } from '../../../../actions/lib/training/run/run-command.ts';
import { recordingLogger } from '../runner-project.ts';

const RUN_COMMAND = pathToFileURL(
  fileURLToPath(new URL('../../../../actions/lib/training/run/run-command.ts', import.meta.url)),
).href;

/** Runs `command` through runCommand in a child Node limited to a 128 MB heap; what it measured. */
function runMeasured(command: string): {
  exitCode: number | null;
  tailBytes: number;
  lines: number;
  logged: number;
  maxRssMb: number;
} {
  const script = `
    import { runCommand } from ${JSON.stringify(RUN_COMMAND)};
    let logged = 0;
    const logger = { info: (m) => { logged += m.length; }, warn() {}, error() {} };
    const outcome = await runCommand({ command: process.argv[1], cwd: process.cwd(), env: process.env, timeoutMs: 120_000, logger, prefix: 'p | ' });
    const tailBytes = outcome.tail.reduce((n, line) => n + Buffer.byteLength(line) + 1, 0);
    console.log(JSON.stringify({ exitCode: outcome.exitCode, tailBytes, lines: outcome.tail.length, logged, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
  `;
  const out = execFileSync(
    process.execPath,
    ['--max-old-space-size=128', '--input-type=module', '-e', script, command],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(out);
}

describe('runCommand output', () => {
  it('streams 100 MB without a newline to the log and keeps only its last 64 KB, under a memory ceiling', () => {
    // 100 MB of 'x' and no newline, then exit 3.
    const flood = `'${process.execPath}' -e "const b = Buffer.alloc(1 << 20, 120); let i = 0; const w = () => { while (i < 100) { i++; if (!process.stdout.write(b)) return process.stdout.once('drain', w); } process.exitCode = 3; }; w();"`;
    const measured = runMeasured(flood);
    expect(measured.exitCode).toBe(3);
    expect(measured.lines).toBe(1);
    expect(measured.tailBytes).toBeLessThanOrEqual(TAIL_BYTES);
    expect(measured.tailBytes).toBeGreaterThan(TAIL_BYTES - 100);
    // Everything went to the log, in pieces.
    expect(measured.logged).toBeGreaterThanOrEqual(100 * 2 ** 20);
    expect(measured.maxRssMb).toBeLessThan(300);
  });

  it('keeps the last lines, at most 64 KB of them, and a long line as its end with a marker', async () => {
    const logger = recordingLogger();
    const outcome = await runCommand({
      command: `printf 'first\\n'; head -c 100000 /dev/zero | tr '\\0' y; printf '\\nlast\\n'; head -c 100000 /dev/zero | tr '\\0' y`,
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? '' },
      timeoutMs: 60_000,
      logger,
      prefix: 'p | ',
    });
    expect(outcome.exitCode).toBe(0);
    // The last line alone fills the tail: kept as its end, marked.
    const [long] = outcome.tail;
    expect(outcome.tail).toHaveLength(1);
    expect(long?.startsWith(`${CUT_MARKER}yyy`)).toBe(true);
    expect(Buffer.byteLength(long ?? '') + 1).toBe(TAIL_BYTES);
    expect(logger.lines[0]).toBe('info: p | first');
    expect(logger.lines).toContain('info: p | last');
    // The long line went to the log in pieces, the later ones marked as continued.
    const pieces = logger.lines.slice(1, logger.lines.indexOf('info: p | last'));
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.slice(1).every((l) => l.startsWith('info: p | … y'))).toBe(true);
    expect(pieces.join('').replace(/info: p \| (… )?/g, '')).toBe('y'.repeat(100_000));
  });
});

describe('LineSplitter and OutputTail', () => {
  it('cuts long lines between characters, never inside one', () => {
    const pieces: [string, boolean][] = [];
    const lines = new LineSplitter(5, (text, ends) => pieces.push([text, ends]));
    // 'é' is two bytes: a cut at 5 bytes would split the third one.
    lines.write(Buffer.from('ééé'));
    lines.write(Buffer.from('x\r\nab'));
    lines.end();
    expect(pieces).toEqual([
      ['éé', false],
      ['éx', true],
      ['ab', true],
    ]);
  });

  it('cuts bytes that are not UTF-8 anywhere, in pieces of the stated size', () => {
    const sizes: number[] = [];
    const lines = new LineSplitter(8, (text, ends) => {
      if (!ends) sizes.push(Buffer.byteLength(text));
    });
    lines.write(Buffer.alloc(40, 0x80));
    // Each lone continuation byte decodes to U+FFFD (3 bytes): 8 input bytes per piece.
    expect(sizes).toEqual([24, 24, 24, 24]);
  });

  it('keeps the newest lines within its limit, each stream apart', () => {
    const tail = new OutputTail(16);
    tail.add('out', 'aaaa', true);
    tail.add('out', 'bbbb', false);
    tail.add('err', 'cccc', true);
    tail.add('out', 'bbbb', true);
    tail.add('out', 'dddd', true);
    expect(tail.lines()).toEqual(['bbbbbbbb', 'dddd']);
  });
});
