/**
 * The read-only responder behind `runbook serve`: takes Alertmanager webhook payloads (version 4) at
 * `POST /webhook`, starts one run per newly firing alert (by fingerprint) that has a runbook, at most
 * `maxRuns` at a time, and records a resolved alert in that alert's run. Running is injected (`start`),
 * so this file decides only what to run and when; the CLI decides how (always read-only).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { alertName, describeAlert, parseAlertDocument, runbookFor, type Alert, type RunbookIndexEntry } from './source.js';

/** What a run started for an alert reports when it ends. */
export interface RunEnd {
  status: string;
  outcome?: string;
}

/** A run the responder started. */
export interface StartedRun {
  timeline: string;
  done: Promise<RunEnd>;
}

/** How the responder is set up. */
export interface ResponderOptions {
  index: readonly RunbookIndexEntry[];
  /** Most runs at once; later alerts wait their turn. */
  maxRuns: number;
  /** When set, `POST /webhook` needs `Authorization: Bearer <token>`. */
  token?: string;
  /** Starts a read-only run of `file` for `alert`. */
  start(alert: Alert, file: string, signal: AbortSignal): StartedRun;
  /** Appends `alert.resolved` to a finished run's timeline. */
  resolved(alert: Alert, timeline: string): Promise<void>;
  /** One line per alert (and per run end). */
  log(line: string): void;
}

/** Largest webhook body read (bytes). */
export const MAX_WEBHOOK_BYTES = 4 * 1024 * 1024;

interface Tracked {
  /** Undefined while the run waits for a slot, or when the alert has no runbook. */
  run?: StartedRun;
  waiting?: Promise<StartedRun | undefined>;
}

/** The alert's fingerprint, or one made from its labels (a payload without fingerprints). */
export function fingerprintOf(alert: Alert): string {
  if (alert.fingerprint) return alert.fingerprint;
  const labels = Object.entries(alert.labels).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(JSON.stringify(labels)).digest('hex').slice(0, 16);
}

/** A responder: `handle` serves HTTP, `close` stops new runs, aborts running ones and waits for them. */
export function createResponder(options: ResponderOptions): {
  handle(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
  /** Resolves when every run started so far (and every resolved record) is done. */
  idle(): Promise<void>;
} {
  const tracked = new Map<string, Tracked>();
  const controller = new AbortController();
  const pending = new Set<Promise<unknown>>();
  let running = 0;
  const queue: (() => void)[] = [];
  let closing = false;

  const track = <T>(promise: Promise<T>): Promise<T> => {
    pending.add(promise);
    void promise.finally(() => pending.delete(promise)).catch(() => undefined);
    return promise;
  };

  const slot = (): Promise<boolean> =>
    running < options.maxRuns ? (running++, Promise.resolve(true)) : new Promise((resolve) => queue.push(() => resolve(!closing && (running++, true))));
  const release = (): void => {
    running--;
    queue.shift()?.();
  };

  function firing(alert: Alert, fingerprint: string): void {
    if (tracked.has(fingerprint)) return;
    const found = runbookFor(alert, options.index);
    if (!found) {
      tracked.set(fingerprint, {});
      options.log(`firing   ${describeAlert({ ...alert, fingerprint })}  no runbook: nothing run`);
      return;
    }
    const entry: Tracked = {};
    tracked.set(fingerprint, entry);
    entry.waiting = track(
      (async () => {
        if (!(await slot()) || closing) {
          options.log(`skipped  ${alertName(alert)} (${fingerprint}): shutting down before its run started`);
          return undefined;
        }
        let run: StartedRun;
        try {
          run = options.start({ ...alert, fingerprint }, found.file, controller.signal);
        } catch (error) {
          release();
          options.log(`error    ${alertName(alert)} (${fingerprint}) ${found.file}: ${(error as Error).message}`);
          return undefined;
        }
        entry.run = run;
        options.log(`firing   ${describeAlert({ ...alert, fingerprint })}  run ${found.file} read-only  timeline ${run.timeline}`);
        void track(
          run.done.then(
            (end) => options.log(`finished ${alertName(alert)} (${fingerprint})  status=${end.status}${end.outcome ? ` outcome=${end.outcome}` : ''}  timeline ${run.timeline}`),
            (error: unknown) => options.log(`error    ${alertName(alert)} (${fingerprint}): ${(error as Error).message}`),
          ).finally(release),
        );
        return run;
      })(),
    );
  }

  function resolvedAlert(alert: Alert, fingerprint: string): void {
    const entry = tracked.get(fingerprint);
    tracked.delete(fingerprint);
    if (!entry?.waiting) {
      options.log(`resolved ${alertName(alert)} (${fingerprint})${entry ? '  no run to record it in' : '  not seen firing'}`);
      return;
    }
    void track(
      entry.waiting.then(async (run) => {
        if (!run) return;
        await run.done.catch(() => undefined);
        await options.resolved({ ...alert, fingerprint }, run.timeline);
        options.log(`resolved ${alertName(alert)} (${fingerprint})  recorded in ${run.timeline}`);
      }).catch((error: unknown) => options.log(`error    recording ${alertName(alert)} resolved: ${(error as Error).message}`)),
    );
  }

  const answer = (res: ServerResponse, status: number, body: Record<string, unknown>): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(`${JSON.stringify(body)}\n`);
  };

  const authorized = (req: IncomingMessage): boolean => {
    if (options.token === undefined) return true;
    const given = Buffer.from(req.headers.authorization ?? '');
    const wanted = Buffer.from(`Bearer ${options.token}`);
    return given.length === wanted.length && timingSafeEqual(given, wanted);
  };

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://responder');
    if (req.method === 'GET' && url.pathname === '/healthz') return answer(res, 200, { status: closing ? 'stopping' : 'ok', running, waiting: queue.length });
    if (url.pathname !== '/webhook') return answer(res, 404, { error: 'not found; POST /webhook, GET /healthz' });
    if (req.method !== 'POST') return answer(res, 405, { error: 'POST only' });
    if (!authorized(req)) {
      options.log('refused  a webhook without the right Authorization: Bearer token (401)');
      return answer(res, 401, { error: 'missing or wrong Authorization: Bearer token' });
    }
    if (closing) return answer(res, 503, { error: 'shutting down' });
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_WEBHOOK_BYTES) tooBig = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooBig) return answer(res, 413, { error: `more than ${MAX_WEBHOOK_BYTES} bytes` });
      let alerts: Alert[];
      try {
        const data: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (typeof data !== 'object' || data === null || !Array.isArray((data as { alerts?: unknown }).alerts)) throw new Error('not a webhook payload (expected `{version: "4", alerts: […]}`)');
        alerts = parseAlertDocument(data, 'webhook');
      } catch (error) {
        options.log(`refused  a malformed webhook (400): ${(error as Error).message}`);
        return answer(res, 400, { error: (error as Error).message });
      }
      for (const alert of alerts) {
        const fingerprint = fingerprintOf(alert);
        if (alert.state === 'resolved') resolvedAlert(alert, fingerprint);
        else firing(alert, fingerprint);
      }
      answer(res, 200, { received: alerts.length });
    });
    req.on('error', () => res.destroy());
  }

  async function idle(): Promise<void> {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  }

  return {
    handle,
    idle,
    async close() {
      closing = true;
      for (const wake of queue.splice(0)) wake();
      controller.abort();
      await idle();
    },
  };
}
