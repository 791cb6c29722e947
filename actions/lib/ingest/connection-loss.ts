// Telling a lost database connection from a refused statement: the first stops a run (every
// object after it would fail alike), the second fails one object.

/** SQLSTATE classes of a connection that is gone: 08 (connection exception), 57P (shutdown, crash). */
const LOST_SQLSTATE = /^(08|57P)/;

/** Socket errors of a server that went away or cannot be reached. */
const LOST_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/**
 * Whether `error` (or one of its causes) says the database connection was lost or refused, rather
 * than that PostgreSQL refused a statement.
 *
 * @example isConnectionLoss(new Error('Connection terminated unexpectedly')) === true
 */
export function isConnectionLoss(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (LOST_SQLSTATE.test(code) || LOST_ERRNO.has(code))) return true;
    // pg's own words when the socket closes under a query, or a query comes after that.
    if (/Connection terminated|Client has encountered a connection error/.test(current.message)) {
      return true;
    }
    if (current instanceof AggregateError && current.errors.some(isConnectionLoss)) return true;
    current = current.cause;
  }
  return false;
}
