import { describe, expect, it } from 'vitest';
import { parseReprocessMode, REPROCESS_MODES } from '../../../actions/lib/interval/reprocess.ts';
import { usageError } from './helpers.ts';

describe('parseReprocessMode', () => {
  it.each(REPROCESS_MODES)('reads %s', (mode) => {
    expect(parseReprocessMode(` ${mode} `, '--reprocess')).toBe(mode);
  });

  it.each(['', 'Missing', 'everything'])('refuses %j, listing the choices', (text) => {
    expect(usageError(() => parseReprocessMode(text, '--reprocess')).message).toBe(
      `--reprocess ${JSON.stringify(text)} is not a reprocess mode: use one of missing, failed, outdated, all`,
    );
  });
});
