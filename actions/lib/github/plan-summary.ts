// What a plan job shows on its run page. Pure: the plan action hands the text to @actions/core.
import type { PlanMatrix, PlanOptions } from '../ingest/types.ts';
import { formatDuration } from '../interval/duration.ts';
import { formatInstant } from '../interval/instant.ts';
import { formatCount, markdownTable } from './markdown.ts';

/**
 * True when the plan may have left due chunks for a later run: it holds as many as it was allowed.
 * The planner takes the oldest first, so a capped catch-up simply continues in the next run.
 */
export function planIsCapped(matrix: PlanMatrix, options: Pick<PlanOptions, 'maxChunks'>): boolean {
  return matrix.include.length >= options.maxChunks;
}

/**
 * Renders the plan job's summary: what was asked, and the chunks that are due (the matrix).
 *
 * @example
 * await core.summary.addRaw(renderPlanSummary(matrix, options)).write();
 */
export function renderPlanSummary(matrix: PlanMatrix, options: PlanOptions): string {
  const count = matrix.include.length;
  const range =
    options.until === undefined
      ? `since ${formatInstant(options.since)} (catch-up, intervals settled for ${formatDuration(options.settleMs)})`
      : `[${formatInstant(options.since)}, ${formatInstant(options.until)}) (backfill)`;
  const sections = [
    '## Plan',
    `Planned ${range}, reprocess \`${options.reprocess}\`, chunks of ${formatDuration(options.chunkMs)}: ` +
      (count === 0
        ? 'nothing is due.'
        : `${formatCount(count)} ${count === 1 ? 'chunk is' : 'chunks are'} due.`),
  ];
  if (count > 0) {
    sections.push(
      markdownTable(
        [{ header: 'start' }, { header: 'end' }],
        matrix.include.map((chunk) => [chunk.start, chunk.end]),
      ),
    );
  }
  if (planIsCapped(matrix, options)) {
    sections.push(
      `The plan holds max-chunks (${options.maxChunks}) chunks, the oldest due: the rest wait for the next run.`,
    );
  }
  return `${sections.join('\n\n')}\n`;
}
