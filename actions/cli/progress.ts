import type { Progress } from '../lib/ingest/index.ts';

/**
 * Progress for multi-interval work: a redrawn bar on a terminal, a plain line every 10% (and at the
 * end) otherwise, both on stderr so that stdout stays for results.
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): {
  update: (p: Progress) => void;
  end: () => void;
} {
  const started = performance.now();
  let lastDecile = -1;
  let drawn = false;
  return {
    update(p) {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      if (stream.isTTY) {
        const width = 30;
        const filled = Math.round((p.done / Math.max(1, p.total)) * width);
        stream.write(
          `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total} ${p.label} ${seconds}s`,
        );
        drawn = true;
      } else {
        const decile = Math.floor((p.done / Math.max(1, p.total)) * 10);
        if (decile !== lastDecile || p.done === p.total) {
          lastDecile = decile;
          stream.write(`progress: ${p.done}/${p.total} intervals (last ${p.label}), ${seconds}s\n`);
        }
      }
    },
    end() {
      if (drawn) stream.write('\n');
    },
  };
}
