/**
 * Live mode: a tiny simulator of the payments system that Prometheus scrapes. Same metric and label
 * names as the backfilled scenario, counters advancing with (injected) wall-clock time. It starts in the
 * middle of the outage and heals when told the gateway was restarted.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import {
  BUCKETS,
  CONTAINER,
  GATEWAY_LABELS,
  MEMORY_LIMIT_BYTES,
  NAMESPACE,
  NEW_POD,
  OLD_POD,
  SERVICES,
  STATUSES,
  accumulate,
  appLabels,
  emptyTotals,
  formatLabels,
  serviceProfile,
} from './scenario.js';
import type { Labels, ServiceName, ServiceTotals } from './scenario.js';

/** Where the simulated system is in its story. */
export type SimulatorPhase = 'failing' | 'recovering' | 'healthy';

/** Options of {@link createSimulator} and {@link startSimulator}. */
export interface SimulatorOptions {
  /** Injected clock in milliseconds (defaults to `Date.now`). */
  now?: () => number;
  /** How long the recovery ramp takes, in ms (default 3000). */
  recoverMs?: number;
}

/** The simulated system without a server: what `/metrics` would say at the clock's current time. */
export interface SimulatorModel {
  /** Current phase. */
  phase(): SimulatorPhase;
  /** Current severity: 1 during the outage, 0 when healthy. */
  severity(): number;
  /** Start healing: the gateway is up again on `pod` (default: the scenario's replacement pod). */
  recover(pod?: string): void;
  /** Prometheus text exposition (0.0.4) of all series, advancing counters to now. */
  metrics(): string;
  /** Name of the gateway pod currently reported. */
  gatewayPod(): string;
}

/** A simulator served over HTTP. */
export interface Simulator extends SimulatorModel {
  /** Base URL, e.g. `http://127.0.0.1:41236`. */
  url: string;
  /** `host:port`, as a Prometheus static target. */
  target: string;
  /** Port it listens on. */
  port: number;
  /** Stop the server. Idempotent. */
  stop(): Promise<void>;
}

// Sub-steps for integrating a ramp: a scrape every second over a 3 s ramp needs finer slices.
const MAX_STEP_MS = 100;

/** Build the simulated system; pure apart from the injected clock. */
export function createSimulator(options: SimulatorOptions = {}): SimulatorModel {
  const now = options.now ?? Date.now;
  const recoverMs = options.recoverMs ?? 3_000;
  let recoverAt: number | undefined;
  let pod = OLD_POD;
  let last = now();
  const totals = new Map<ServiceName, ServiceTotals>();
  for (const { service } of SERVICES) {
    // Counters start from days of healthy traffic, like the backfilled ones.
    const t = emptyTotals();
    const healthy = serviceProfile(service, 0);
    accumulate(t, healthy, healthy.rps * 3 * 86_400);
    totals.set(service, t);
  }

  const severityAt = (t: number): number => {
    if (recoverAt === undefined || t < recoverAt) return 1;
    return Math.max(0, 1 - (t - recoverAt) / recoverMs);
  };

  const advance = (): void => {
    const to = now();
    while (last < to) {
      const next = Math.min(to, last + MAX_STEP_MS);
      const sev = severityAt((last + next) / 2);
      for (const { service } of SERVICES) {
        const profile = serviceProfile(service, sev);
        const t = totals.get(service);
        if (t) accumulate(t, profile, (profile.rps * (next - last)) / 1000);
      }
      last = next;
    }
  };

  const phase = (): SimulatorPhase => {
    if (recoverAt === undefined) return 'failing';
    return now() - recoverAt < recoverMs ? 'recovering' : 'healthy';
  };

  return {
    phase,
    severity: () => severityAt(now()),
    gatewayPod: () => pod,
    recover(newPod = NEW_POD) {
      if (recoverAt !== undefined) return;
      // Counters up to now were earned at outage rates.
      advance();
      recoverAt = now();
      pod = newPod;
    },
    metrics() {
      advance();
      const out: string[] = [];
      const family = (name: string, type: string, help: string): void => {
        out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      };
      const line = (name: string, labels: Labels, value: number): void => {
        out.push(`${name}${formatLabels(labels)} ${value}`);
      };

      family('http_requests_total', 'counter', 'HTTP requests served, by status.');
      for (const { service, endpoint } of SERVICES) {
        const t = totals.get(service);
        for (const status of STATUSES) line('http_requests_total', { ...appLabels(service), service, endpoint, status }, Math.floor(t?.requests[status] ?? 0));
      }
      family('http_request_duration_seconds', 'histogram', 'HTTP request latency.');
      for (const { service } of SERVICES) {
        const t = totals.get(service);
        const labels = { ...appLabels(service), service };
        [...BUCKETS.map(String), '+Inf'].forEach((le, i) => line('http_request_duration_seconds_bucket', { ...labels, le }, Math.floor(t?.buckets[i] ?? 0)));
        line('http_request_duration_seconds_sum', labels, Math.round((t?.sum ?? 0) * 1000) / 1000);
        line('http_request_duration_seconds_count', labels, Math.floor(t?.buckets[BUCKETS.length] ?? 0));
      }

      const healing = recoverAt !== undefined;
      family('payment_gateway_up', 'gauge', 'Whether the payment gateway is serving (1) or not (0).');
      line('payment_gateway_up', GATEWAY_LABELS, healing ? 1 : 0);
      family('payment_gateway_connections', 'gauge', 'Payment provider connection pool, by state.');
      const conns = healing ? { active: 12, idle: 38, waiting: 0 } : { active: 0, idle: 0, waiting: 0 };
      for (const state of ['active', 'idle', 'waiting'] as const) line('payment_gateway_connections', { ...GATEWAY_LABELS, state }, conns[state]);

      const podLabels = { namespace: NAMESPACE, pod, container: CONTAINER };
      family('container_memory_usage_bytes', 'gauge', 'Current memory usage in bytes, including all memory regardless of when it was accessed.');
      line('container_memory_usage_bytes', podLabels, healing ? 560 * 1024 ** 2 : MEMORY_LIMIT_BYTES);
      family('kube_pod_container_resource_limits', 'gauge', 'The number of requested limit resource by a container.');
      line('kube_pod_container_resource_limits', { ...podLabels, resource: 'memory' }, MEMORY_LIMIT_BYTES);
      out.push('');
      return out.join('\n');
    },
  };
}

/** Serve a simulator's `/metrics` on a free loopback port. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const model = createSimulator(options);
  const server: Server = createServer((req, res) => {
    if ((req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found: the simulator only serves /metrics\n');
      return;
    }
    const body = model.metrics();
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  let stopped = false;
  return {
    ...model,
    url: `http://127.0.0.1:${port}`,
    target: `127.0.0.1:${port}`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
