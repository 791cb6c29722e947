import { describe, expect, it } from 'vitest';
import { DatabaseError } from '../../../actions/lib/errors.ts';
import { isConnectionLoss } from '../../../actions/lib/ingest/connection-loss.ts';

/** An error as pg or Node gives it: a message and a code. */
function coded(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isConnectionLoss', () => {
  it('sees a server shut down, a refused connection and a closed socket, through causes', () => {
    const shutdown = coded('terminating connection due to administrator command', '57P01');
    expect(isConnectionLoss(new DatabaseError('loading a group', { cause: shutdown }))).toBe(true);
    expect(isConnectionLoss(coded('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(
      true,
    );
    expect(isConnectionLoss(new AggregateError([coded('x', 'ECONNREFUSED')]))).toBe(true);
    expect(isConnectionLoss(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('does not take a refused statement for a lost connection', () => {
    const refused = coded('invalid input syntax for type double precision', '22P02');
    expect(isConnectionLoss(new DatabaseError('loading a group', { cause: refused }))).toBe(false);
    expect(isConnectionLoss(coded('duplicate key value', '23505'))).toBe(false);
    expect(isConnectionLoss('Connection terminated')).toBe(false);
  });
});
