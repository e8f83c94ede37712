/**
 * `runbook serve --listen host:port --out dir [paths…]`: a long-running read-only responder for
 * Alertmanager webhooks (src/alerts/responder.ts). Each newly firing alert with a runbook is run with every
 * gate declined (read-only is enforced: there is no flag to approve anything), its timeline written under
 * `--out`. Loopback unless `--listen` says otherwise; `--token` (or RUNBOOK_SERVE_TOKEN) requires
 * `Authorization: Bearer`. SIGTERM/SIGINT: stop accepting, interrupt running runs (recorded), exit 0.
 */
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { alertName, indexRunbooks, type Alert } from '../../alerts/source.js';
import { createResponder, type RunEnd } from '../../alerts/responder.js';
import { EXIT, UsageError } from '../../errors.js';
import { readTimeline } from '../../timeline/reader.js';
import { openTimeline } from '../../timeline/store.js';
import type { CliIO } from '../io.js';

/** Options of `runbook serve`. */
export interface ServeCliOptions {
  listen?: string;
  out?: string;
  token?: string;
  maxRuns?: string;
  prometheus?: string;
  alertmanager?: string;
  context?: string;
  namespace?: string;
  kubeconfig?: string;
}

function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  if (!match || !Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--listen expects host:port such as \`127.0.0.1:9095\`, found \`${text}\``);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

/** Runs `runbook serve` until `signal` aborts or SIGTERM/SIGINT; returns the exit code. */
export async function serveCommand(paths: string[], rawOptions: Record<string, unknown>, io: CliIO, deps: { signal?: AbortSignal; onListening?: (url: string) => void } = {}): Promise<number> {
  const options = rawOptions as ServeCliOptions;
  if (!options.out) throw new UsageError('`runbook serve` needs `--out <dir>` for the timelines it writes');
  const { host, port } = parseListen(options.listen ?? '127.0.0.1:9095');
  const maxRuns = options.maxRuns !== undefined ? Number(options.maxRuns) : 4;
  if (!Number.isInteger(maxRuns) || maxRuns < 1) throw new UsageError(`--max-runs expects a whole number of at least 1, found \`${options.maxRuns}\``);
  const token = options.token ?? (io.env.RUNBOOK_SERVE_TOKEN || undefined);
  const outDir = path.resolve(io.cwd, options.out);
  await mkdir(outDir, { recursive: true });
  const index = await indexRunbooks(paths, io.cwd);
  const log = (line: string): void => {
    io.stdout.write(`${new Date().toISOString()} ${line}\n`);
  };
  let counter = 0;

  const responder = createResponder({
    index,
    maxRuns,
    ...(token ? { token } : {}),
    log,
    start(alert: Alert, file: string, signal: AbortSignal) {
      const stamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
      const timeline = path.join(outDir, `${stamp}-${alertName(alert) || 'alert'}-${alert.fingerprint}-${++counter}.jsonl`);
      const quiet = new PassThrough();
      quiet.resume();
      const errors = new PassThrough();
      let stderr = '';
      errors.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const runIO: CliIO = { stdout: quiet, stderr: errors, stdin: new PassThrough(), env: io.env, cwd: io.cwd };
      const run = import('./run.js').then(({ runCommand }) => runCommand(
        file,
        {
          // Enforced: a responder nobody watches declines every gate.
          readOnly: true,
          json: true,
          timeline,
          ...(options.prometheus ? { prometheus: options.prometheus } : {}),
          ...(options.context ? { context: options.context } : {}),
          ...(options.namespace ? { namespace: options.namespace } : {}),
          ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
        },
        runIO,
        { alert: { alert, source: 'webhook', file }, signal },
      ));
      const done = run.then(
        async (): Promise<RunEnd> => {
          const { events } = await readTimeline(timeline);
          const finished = events.findLast((e) => e.type === 'run.finished');
          return finished?.type === 'run.finished' ? { status: finished.status, ...(finished.outcome ? { outcome: finished.outcome } : {}) } : { status: 'unknown' };
        },
        (error: unknown) => {
          throw new Error(`${(error as Error).message}${stderr ? ` ${stderr.trim()}` : ''}`);
        },
      );
      return { timeline, done };
    },
    async resolved(alert: Alert, timeline: string) {
      const { events } = await readTimeline(timeline);
      const started = events.findLast((e) => e.type === 'run.started');
      if (!started) throw new Error(`${timeline} has no run.started`);
      const store = await openTimeline(timeline, { run: started.run });
      try {
        await store.append({ type: 'alert.resolved', name: alertName(alert), ...(alert.fingerprint ? { fingerprint: alert.fingerprint } : {}), endsAt: alert.endsAt ?? new Date().toISOString(), source: 'webhook' });
      } finally {
        await store.close();
      }
    },
  });

  const server = createServer((req, res) => responder.handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new UsageError(`Cannot listen on ${host}:${port}: ${error.message}`)));
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${typeof address === 'object' && address ? address.port : port}`;
  log(`listening on ${url} (POST /webhook, GET /healthz); ${index.length} runbook${index.length === 1 ? '' : 's'}; read-only; at most ${maxRuns} runs at once${token ? '; Bearer token required' : ''}`);
  deps.onListening?.(url);

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      deps.signal?.removeEventListener('abort', stop);
      resolve();
    };
    if (deps.signal) deps.signal.addEventListener('abort', stop, { once: true });
    else {
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    }
  });
  log('stopping: no new runs; running runs are interrupted and recorded');
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await responder.close();
  await closed;
  log('stopped');
  return EXIT.ok;
}
