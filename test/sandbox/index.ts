/**
 * The incident sandbox: a real Prometheus with the payment-gateway outage backfilled (historical mode)
 * or scraping a live simulator (live mode), plus a Kubernetes API stub the real kubectl talks to.
 */
import { generateOpenMetrics } from './scenario.js';
import { buildBlocks, startPrometheus } from './prometheus.js';
import type { PrometheusInstance } from './prometheus.js';
import { startKubeStub } from './kube-stub.js';
import type { GatewayRestartInfo, KubeStub } from './kube-stub.js';
import { startSimulator } from './simulator.js';
import type { Simulator } from './simulator.js';

export * from './scenario.js';
export { PrometheusSandboxError } from './prometheus.js';
export type { PrometheusInstance } from './prometheus.js';
export type { GatewayRestartInfo, KubeObject, KubeStub, RecordedRequest } from './kube-stub.js';
export type { Simulator, SimulatorPhase } from './simulator.js';

/** Options of {@link startSandbox}. */
export interface StartSandboxOptions {
  /** Live mode: Prometheus scrapes a simulator every second and a restart heals it. */
  live?: boolean;
  /** Also load the backfilled incident in live mode (default true; always loaded in historical mode). */
  history?: boolean;
  /** Injected clock for the kube stub (object ages, log timestamps). */
  now?: () => Date;
  /** Alerting rule files Prometheus loads (e.g. rules/payments.rules.yml). */
  ruleFiles?: string[];
  /** Alertmanager base URLs Prometheus sends to. */
  alertmanagers?: string[];
  /** Called after the stub replaced the gateway pods (after the simulator was told to recover). */
  onGatewayRestart?: (info: GatewayRestartInfo) => void;
}

/** A running sandbox. */
export interface Sandbox {
  /** Whether this is the live sandbox. */
  live: boolean;
  /** Base URL of Prometheus, e.g. `http://127.0.0.1:41234`. */
  prometheusUrl: string;
  /** Kubeconfig that points kubectl at the stub. */
  kubeconfigPath: string;
  /** Environment for the real kubectl: its own KUBECONFIG and HOME (discovery cache). */
  kubeEnv: { KUBECONFIG: string; HOME: string };
  /** Kubeconfig context name. */
  context: 'sandbox';
  /** Namespace of the incident. */
  namespace: 'payments';
  /** The Kubernetes API stub, with the requests it recorded. */
  stub: KubeStub;
  /** The live simulator (live mode only). */
  simulator?: Simulator;
  /** The Prometheus process and its run dir. */
  prometheus: PrometheusInstance;
  /** Prometheus's query log: empty or absent means no query was evaluated. */
  queryLogPath: string;
  /** Stop everything and remove temp dirs. Idempotent. */
  stop(): Promise<void>;
}

/** Scrape job name of the simulator; metric relabelling strips it so live and backfilled labels match. */
export const SIMULATOR_JOB = 'sandbox-simulator';

/** Start the sandbox (historical by default). */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<Sandbox> {
  const live = options.live ?? false;
  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    // Reverse order: Prometheus stops scraping before the simulator goes away.
    const errors: unknown[] = [];
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length) throw new AggregateError(errors, 'sandbox did not stop cleanly');
  };

  try {
    let simulator: Simulator | undefined;
    if (live) {
      simulator = await startSimulator();
      cleanups.push(() => (simulator as Simulator).stop());
    }
    const stub = await startKubeStub({
      ...(options.now ? { now: options.now } : {}),
      onGatewayRestart: (info) => {
        simulator?.recover(info.pods[0]);
        options.onGatewayRestart?.(info);
      },
    });
    cleanups.push(() => stub.stop());

    const blocksDir = !live || (options.history ?? true) ? await buildBlocks(generateOpenMetrics()) : undefined;
    const prometheus = await startPrometheus({
      ...(blocksDir ? { blocksDir } : {}),
      ...(options.ruleFiles ? { ruleFiles: options.ruleFiles } : {}),
      ...(options.alertmanagers ? { alertmanagers: options.alertmanagers } : {}),
      ...(simulator
        ? {
            scrapeInterval: '1s',
            scrapeConfigs: [
              {
                job_name: SIMULATOR_JOB,
                scrape_interval: '1s',
                scrape_timeout: '1s',
                // The simulator sets `job` itself, like the backfilled series.
                honor_labels: true,
                static_configs: [{ targets: [simulator.target] }],
                metric_relabel_configs: [
                  // Series without their own job (memory, limits) must not inherit the scrape job, and
                  // `instance` would make live label sets differ from the backfilled ones.
                  { source_labels: ['job'], regex: SIMULATOR_JOB, target_label: 'job', replacement: '' },
                  { regex: 'instance', action: 'labeldrop' },
                ],
              },
            ],
          }
        : {}),
    });
    cleanups.push(() => prometheus.stop());

    let stopping: Promise<void> | undefined;
    return {
      live,
      prometheusUrl: prometheus.url,
      kubeconfigPath: stub.kubeconfigPath,
      kubeEnv: stub.env,
      context: 'sandbox',
      namespace: 'payments',
      stub,
      ...(simulator ? { simulator } : {}),
      prometheus,
      queryLogPath: prometheus.queryLogPath,
      stop: () => (stopping ??= stopAll()),
    };
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
}

/** One element of an instant vector. */
export interface VectorSample {
  /** Labels of the series. */
  metric: Record<string, string>;
  /** Value at the evaluation time. */
  value: number;
}

/** Options of the query helpers. */
export interface QueryOptions {
  /** Evaluation time (Date, RFC 3339 or Unix seconds); defaults to Prometheus's now. */
  time?: Date | string | number;
  /** Injected fetch. */
  fetch?: typeof fetch;
}

/** Raised when Prometheus answers a query with an error. */
export class PrometheusQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrometheusQueryError';
  }
}

/** Raised by {@link waitForQuery} when the condition never held; carries the last value seen. */
export class QueryTimeoutError extends Error {
  /** The last value the query returned. */
  readonly lastValue: number | undefined;

  constructor(message: string, lastValue: number | undefined) {
    super(message);
    this.name = 'QueryTimeoutError';
    this.lastValue = lastValue;
  }
}

/** Run an instant query through `/api/v1/query` and return the vector (a scalar becomes one sample). */
export async function queryPrometheus(prometheusUrl: string, expr: string, options: QueryOptions = {}): Promise<VectorSample[]> {
  const params = new URLSearchParams({ query: expr });
  if (options.time !== undefined) {
    const t = options.time;
    params.set('time', t instanceof Date ? String(t.getTime() / 1000) : String(t));
  }
  const res = await (options.fetch ?? fetch)(`${prometheusUrl}/api/v1/query?${params.toString()}`);
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data?: { resultType: string; result: unknown };
  };
  if (body.status !== 'success' || !body.data) throw new PrometheusQueryError(`query \`${expr}\` failed: ${body.error ?? res.statusText}`);
  const { resultType, result } = body.data;
  if (resultType === 'scalar') return [{ metric: {}, value: Number((result as [number, string])[1]) }];
  if (resultType !== 'vector') throw new PrometheusQueryError(`query \`${expr}\` returned a ${resultType}, expected an instant vector`);
  return (result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
}

/** The value of the first sample of an instant query, or undefined when the result is empty. */
export async function queryValue(prometheusUrl: string, expr: string, options: QueryOptions = {}): Promise<number | undefined> {
  return (await queryPrometheus(prometheusUrl, expr, options))[0]?.value;
}

/** Options of {@link waitForQuery}. */
export interface WaitForQueryOptions extends QueryOptions {
  /** Give up after this many ms (default 30 000). */
  timeoutMs?: number;
  /** Poll interval in ms (default 1000). */
  intervalMs?: number;
}

/**
 * Poll an instant query until `predicate` holds for its first value (undefined when empty, NaN
 * included); resolves with that value, or throws {@link QueryTimeoutError}.
 */
export async function waitForQuery(
  prometheusUrl: string,
  expr: string,
  predicate: (value: number | undefined) => boolean,
  options: WaitForQueryOptions = {},
): Promise<number | undefined> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 1_000;
  const deadline = Date.now() + timeoutMs;
  let last: number | undefined;
  for (;;) {
    last = await queryValue(prometheusUrl, expr, options);
    if (predicate(last)) return last;
    if (Date.now() + intervalMs > deadline) {
      throw new QueryTimeoutError(`\`${expr}\` did not reach the expected condition within ${timeoutMs} ms (last value: ${String(last)})`, last);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The error ratio query the runbooks use, for one service and range. */
export function errorRatioQuery(service: string, range = '5m'): string {
  return `sum(rate(http_requests_total{service="${service}",status=~"5.."}[${range}])) / sum(rate(http_requests_total{service="${service}"}[${range}]))`;
}

/** p95 latency of one service from the duration histogram. */
export function p95Query(service: string, range = '5m'): string {
  return `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service="${service}"}[${range}])))`;
}
