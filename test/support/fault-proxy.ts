// An HTTP proxy on 127.0.0.1 in front of a local S3 API server that injects faults by a
// deterministic plan and records every request, so that a test can both cause trouble (5xx,
// throttling, hung requests, bodies that break off) and assert that the trouble really happened.
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy does instead of (or to) a forwarded request. */
export type Fault =
  /** Answers with this status and an S3 error document of this code (`InternalError`, `SlowDown`). */
  | { kind: 'status'; status: number; code: string }
  /** Never answers; the socket stays open until the client gives up or the proxy stops. */
  | { kind: 'hang' }
  /**
   * Forwards, sends the headers (with the full Content-Length) and `afterBytes` of the body, then
   * cuts the connection (a body no longer than that passes whole and counts as forwarded).
   */
  | { kind: 'truncate'; afterBytes: number }
  /** Destroys the connection without answering. */
  | { kind: 'reset' };

export type FaultKind = Fault['kind'];

/**
 * One rule of a plan. A request matches when it passes every filter given; each rule counts the
 * requests that match it (1-based) and applies its fault to the occurrences `nth` selects. When two
 * rules select the same request, the first in the plan applies.
 */
export interface FaultRule {
  /** Only requests with this method, e.g. `GET`. */
  method?: string;
  /** Only object requests whose key (decoded, without the bucket) matches (no `g` flag). */
  key?: RegExp;
  /** Only listings (`GET /bucket?…`, true) or only object requests (false). */
  listing?: boolean;
  /** The occurrences that get the fault: a list (`[1, 3]`), every n-th, or all of them. */
  nth: readonly number[] | { every: number } | 'all';
  fault: Fault;
}

/** The rules, in order of precedence; an empty plan makes a recording proxy. */
export type FaultPlan = readonly FaultRule[];

/** One request the proxy received, as a test sees it. */
export interface ProxiedRequest {
  /** 1-based order of arrival. */
  seq: number;
  method: string;
  /** Path-style bucket (`/bucket/key`); '' for the service root. */
  bucket: string;
  /** The decoded object key, or null for bucket and service requests (listings). */
  key: string | null;
  /** A listing of the bucket (`GET /bucket?…`). */
  listing: boolean;
  /** The query parameters, e.g. `prefix` and `continuation-token` of a listing. */
  query: Readonly<Record<string, string>>;
  /** Whether it carried an `Authorization` header (a signed request). */
  signed: boolean;
  /** The fault applied, or null when it was forwarded untouched. */
  fault: FaultKind | null;
}

/** A running proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`, to use as the S3 endpoint. */
  endpoint: string;
  /** Every request so far, in order of arrival. */
  readonly requests: readonly ProxiedRequest[];
  /** How many requests got each fault, and how many were forwarded untouched. */
  counts(): Record<FaultKind | 'forwarded', number>;
  /** Closes the listener and destroys every open connection (hung ones included). */
  stop(): Promise<void>;
}

/** Requests the proxy keeps in `requests`; past this it still proxies but stops recording. */
const MAX_RECORDED = 100_000;

/**
 * Starts a fault-injecting proxy on a free port of 127.0.0.1 in front of `target`
 * (`http://127.0.0.1:<port>`, path-style S3).
 *
 * @example
 * const proxy = await startFaultProxy(s3.endpoint, [
 *   { method: 'GET', key: /1528329600/, nth: [1, 3], fault: { kind: 'status', status: 500, code: 'InternalError' } },
 *   { nth: { every: 4 }, fault: { kind: 'status', status: 503, code: 'SlowDown' } },
 * ]);
 * // … point the code under test at proxy.endpoint …
 * expect(proxy.counts().status).toBe(2);
 * await proxy.stop();
 */
export async function startFaultProxy(target: string, plan: FaultPlan): Promise<FaultProxy> {
  const upstream = new URL(target);
  if (upstream.protocol !== 'http:' || !isLoopback(upstream.hostname)) {
    throw new Error(`the fault proxy only fronts a loopback http server, not ${target}`);
  }
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const seen = plan.map(() => 0);
  const requests: ProxiedRequest[] = [];
  const counts: Record<FaultKind | 'forwarded', number> = {
    status: 0,
    hang: 0,
    truncate: 0,
    reset: 0,
    forwarded: 0,
  };
  const sockets = new Set<Socket>();
  let seq = 0;

  const server = createServer((req, res) => {
    const described = describeRequest(++seq, req);
    const fault = chooseFault(plan, seen, described);
    const record: ProxiedRequest = { ...described, fault: fault?.kind ?? null };
    if (requests.length < MAX_RECORDED) requests.push(record);
    if (fault === null || fault.kind === 'truncate') {
      forward(req, res, fault?.afterBytes ?? null, (cut) => {
        // A body no longer than the cut passes whole: say so rather than claim a fault.
        record.fault = cut ? 'truncate' : null;
        counts[cut ? 'truncate' : 'forwarded']++;
      });
      return;
    }
    counts[fault.kind]++;
    switch (fault.kind) {
      case 'status':
        req.resume();
        res.writeHead(fault.status, { 'content-type': 'application/xml' });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code}</Code>` +
            `<Message>injected by the fault proxy</Message><RequestId>fault-${described.seq}</RequestId></Error>`,
        );
        return;
      case 'hang':
        // Read the request so that the client is not blocked writing it, then never answer.
        req.resume();
        return;
      case 'reset':
        req.socket.destroy();
        return;
    }
  });
  server.maxConnections = 256;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  /**
   * Forwards the request; with `cutAfter`, drops the connection after that many body bytes.
   * `done` hears whether it cut, once the answer is over either way.
   */
  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    cutAfter: number | null,
    done: (cut: boolean) => void,
  ): void {
    const outgoing = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        let sent = 0;
        answer.on('data', (chunk: Buffer) => {
          const part = cutAfter === null ? chunk : chunk.subarray(0, cutAfter - sent);
          sent += part.length;
          if (cutAfter !== null && sent >= cutAfter) {
            // Flush what is allowed, then drop the connection mid-body.
            answer.destroy();
            res.write(part, () => res.socket?.destroy());
            done(true);
          } else if (!res.write(part)) {
            answer.pause();
            res.once('drain', () => answer.resume());
          }
        });
        answer.on('end', () => {
          res.end();
          done(false);
        });
      },
    );
    outgoing.on('error', () => {
      if (res.headersSent) res.socket?.destroy();
      else res.writeHead(502).end();
    });
    // A client that gives up (a timeout) takes the upstream request with it.
    res.on('close', () => {
      if (!res.writableFinished) outgoing.destroy();
    });
    req.pipe(outgoing);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    counts: () => ({ ...counts }),
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await closed;
    },
  };
}

function isLoopback(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

/** Method, bucket, key and query of a path-style S3 request. */
function describeRequest(seq: number, req: IncomingMessage): Omit<ProxiedRequest, 'fault'> {
  const url = new URL(req.url ?? '/', 'http://proxy');
  const path = url.pathname.slice(1);
  const slash = path.indexOf('/');
  const bucket = decodeURIComponent(slash === -1 ? path : path.slice(0, slash));
  const rawKey = slash === -1 ? '' : path.slice(slash + 1);
  const key = rawKey === '' ? null : decodeURIComponent(rawKey);
  const method = req.method ?? 'GET';
  return {
    seq,
    method,
    bucket,
    key,
    listing: method === 'GET' && bucket !== '' && key === null,
    query: Object.fromEntries(url.searchParams),
    signed: req.headers.authorization !== undefined,
  };
}

/** Counts the request against every rule it matches; the first rule that selects it wins. */
function chooseFault(
  plan: FaultPlan,
  seen: number[],
  req: Omit<ProxiedRequest, 'fault'>,
): Fault | null {
  let chosen: Fault | null = null;
  plan.forEach((rule, index) => {
    if (rule.method !== undefined && rule.method !== req.method) return;
    if (rule.listing !== undefined && rule.listing !== req.listing) return;
    if (rule.key !== undefined && (req.key === null || !rule.key.test(req.key))) return;
    // seen counts the requests each rule matched, from 0.
    const occurrence = (seen[index] ?? 0) + 1;
    seen[index] = occurrence;
    if (chosen === null && selects(rule.nth, occurrence)) chosen = rule.fault;
  });
  return chosen;
}

function selects(nth: FaultRule['nth'], occurrence: number): boolean {
  if (nth === 'all') return true;
  // Not `'every' in nth`: arrays have an `every` method.
  if (isOccurrenceList(nth)) return nth.includes(occurrence);
  return occurrence % nth.every === 0;
}

function isOccurrenceList(nth: FaultRule['nth']): nth is readonly number[] {
  return Array.isArray(nth);
}
