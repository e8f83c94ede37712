/**
 * The payment-gateway outage of 2025-10-26 (UTC) as deterministic OpenMetrics text.
 *
 * Story: the gateway leaks provider connections from about 09:40, its pool runs dry and requests queue
 * (`payment_gateway_connections{state="waiting"}` climbs), memory grows to the 2 GiB limit and the
 * `gateway` container is OOM-killed at 10:14. It crash-loops until a rollout restart at 10:28 brings up
 * pod `payment-gateway-7d9f8b6c5d-r8m2n`; traffic recovers by 10:35.
 *
 * The latency/error model is shared with the live simulator so both modes tell the same story.
 */

/** Kubernetes namespace of every series and object in the sandbox. */
export const NAMESPACE = 'payments';
/** Deployment that runs the payment gateway. */
export const DEPLOYMENT = 'payment-gateway';
/** Container name inside the gateway pods. */
export const CONTAINER = 'gateway';
/** The pod that leaks memory and is OOM-killed. */
export const OLD_POD = 'payment-gateway-7d9f8b6c5d-x2k4p';
/** The pod that replaces it after the restart. */
export const NEW_POD = 'payment-gateway-7d9f8b6c5d-r8m2n';
/** Memory limit of the gateway container (2 GiB). */
export const MEMORY_LIMIT_BYTES = 2 * 1024 ** 3;
/** Seconds between two samples. */
export const STEP_SECONDS = 15;

const at = (hhmm: string): number => Date.parse(`2025-10-26T${hhmm}:00Z`) / 1000;

/** Key instants of the incident, as Unix seconds. */
export const INSTANTS = {
  /** First sample. */
  start: at('09:00'),
  /** The gateway starts leaking provider connections. */
  leakStart: at('09:40'),
  /** Requests start to queue and fail a little before the OOM. */
  degradeStart: at('10:05'),
  /** The gateway container is OOM-killed; payment_gateway_up drops to 0. */
  oom: at('10:14'),
  /** `kubectl rollout restart` brings up the new pod; payment_gateway_up is 1 again. */
  restart: at('10:28'),
  /** Error ratio and latency are back to normal. */
  recovered: at('10:35'),
  /** Last sample (inclusive). */
  end: at('11:00'),
} as const;

/** The four services of the payments system and their endpoints. */
export const SERVICES = [
  { service: 'frontend', endpoint: '/' },
  { service: 'checkout', endpoint: '/api/checkout' },
  { service: 'payment', endpoint: '/api/pay' },
  { service: 'inventory', endpoint: '/api/stock' },
] as const;

/** A service name of the payments system. */
export type ServiceName = (typeof SERVICES)[number]['service'];

/** HTTP statuses that appear in `http_requests_total`. */
export const STATUSES = ['200', '500', '503', '504'] as const;

/** One of the statuses in {@link STATUSES}. */
export type Status = (typeof STATUSES)[number];

/** Histogram bucket upper bounds of `http_request_duration_seconds` (without +Inf). */
export const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** What a service looks like at one instant: traffic, error mix and latency distribution. */
export interface ServiceProfile {
  /** Requests per second. */
  rps: number;
  /** Fraction of requests per status; sums to 1. */
  statusShare: Record<Status, number>;
  /** Median latency in seconds. */
  medianSeconds: number;
  /** 95th percentile latency in seconds. */
  p95Seconds: number;
}

interface Shape {
  rps: number;
  healthy: Record<Exclude<Status, '200'>, number>;
  outage: Record<Exclude<Status, '200'>, number>;
  healthyLatency: [median: number, p95: number];
  outageLatency: [median: number, p95: number];
}

// Outage mixes are chosen so payment and checkout are >= 35 % 5xx (payment mostly 504: the provider
// times out behind the dead gateway; checkout mostly 503: its circuit breaker to payment is open).
const SHAPES: Record<ServiceName, Shape> = {
  frontend: {
    rps: 120,
    healthy: { '500': 0.001, '503': 0.0005, '504': 0.0005 },
    outage: { '500': 0.002, '503': 0.025, '504': 0.008 },
    healthyLatency: [0.05, 0.15],
    outageLatency: [0.09, 0.45],
  },
  checkout: {
    rps: 40,
    healthy: { '500': 0.001, '503': 0.0005, '504': 0.0005 },
    outage: { '500': 0.02, '503': 0.33, '504': 0.06 },
    healthyLatency: [0.07, 0.19],
    outageLatency: [1.4, 4.5],
  },
  payment: {
    rps: 35,
    healthy: { '500': 0.001, '503': 0.0005, '504': 0.0005 },
    outage: { '500': 0.02, '503': 0.05, '504': 0.36 },
    healthyLatency: [0.08, 0.21],
    outageLatency: [2.2, 7.5],
  },
  inventory: {
    rps: 60,
    healthy: { '500': 0.001, '503': 0.0005, '504': 0.0005 },
    outage: { '500': 0.001, '503': 0.0005, '504': 0.0005 },
    healthyLatency: [0.03, 0.1],
    outageLatency: [0.03, 0.12],
  },
};

const lerp = (a: number, b: number, f: number): number => a + (b - a) * f;
// Latencies interpolate geometrically: a linear blend of 0.1 s and 5 s would sit at 2.5 s far too soon.
const gerp = (a: number, b: number, f: number): number => Math.exp(lerp(Math.log(a), Math.log(b), f));

/**
 * Profile of a service at a given severity (0 = healthy, 1 = full outage). Shared by the backfill
 * generator and the live simulator.
 */
export function serviceProfile(service: ServiceName, severity: number): ServiceProfile {
  const shape = SHAPES[service];
  const s = Math.min(1, Math.max(0, severity));
  const e500 = lerp(shape.healthy['500'], shape.outage['500'], s);
  const e503 = lerp(shape.healthy['503'], shape.outage['503'], s);
  const e504 = lerp(shape.healthy['504'], shape.outage['504'], s);
  return {
    rps: shape.rps,
    statusShare: { '200': 1 - e500 - e503 - e504, '500': e500, '503': e503, '504': e504 },
    medianSeconds: gerp(shape.healthyLatency[0], shape.outageLatency[0], s),
    p95Seconds: gerp(shape.healthyLatency[1], shape.outageLatency[1], s),
  };
}

/**
 * Incident severity at Unix second `t`: 0 healthy, a slow rise while the pool is exhausted, 1 while the
 * gateway is down, and a linear recovery from the restart to {@link INSTANTS.recovered}.
 */
export function severityAt(t: number): number {
  const { degradeStart, oom, restart, recovered } = INSTANTS;
  if (t < degradeStart) return 0;
  if (t < oom) return 0.12 * ((t - degradeStart) / (oom - degradeStart));
  if (t < restart) return 1;
  if (t < recovered) return 1 - (t - restart) / (recovered - restart);
  return 0;
}

// Abramowitz & Stegun 7.1.26: accurate to 1.5e-7, plenty for bucket shares.
function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * ax);
  const y =
    1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-ax * ax);
  return sign * y;
}

const Z95 = 1.6448536;

/** Share of requests at or below `le` seconds for a log-normal latency with the profile's median/p95. */
export function latencyCdf(profile: Pick<ServiceProfile, 'medianSeconds' | 'p95Seconds'>, le: number): number {
  if (!Number.isFinite(le)) return 1;
  const sigma = Math.log(profile.p95Seconds / profile.medianSeconds) / Z95;
  const z = (Math.log(le) - Math.log(profile.medianSeconds)) / sigma;
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

/** Mean of the profile's log-normal latency, used for `_sum`. */
export function latencyMean(profile: Pick<ServiceProfile, 'medianSeconds' | 'p95Seconds'>): number {
  const sigma = Math.log(profile.p95Seconds / profile.medianSeconds) / Z95;
  return profile.medianSeconds * Math.exp((sigma * sigma) / 2);
}

/** Running totals of one service's request counter and duration histogram. */
export interface ServiceTotals {
  /** Requests per status. */
  requests: Record<Status, number>;
  /** Cumulative bucket counts, aligned with {@link BUCKETS}, then +Inf. */
  buckets: number[];
  /** Sum of observed durations. */
  sum: number;
  /** Number of observations. */
  count: number;
}

/** Fresh, all-zero totals. */
export function emptyTotals(): ServiceTotals {
  return { requests: { '200': 0, '500': 0, '503': 0, '504': 0 }, buckets: BUCKETS.map(() => 0).concat(0), sum: 0, count: 0 };
}

/** Add `requests` requests that follow `profile` to `totals` (mutates; counters only grow). */
export function accumulate(totals: ServiceTotals, profile: ServiceProfile, requests: number): void {
  for (const status of STATUSES) totals.requests[status] += requests * profile.statusShare[status];
  BUCKETS.forEach((le, i) => {
    totals.buckets[i] = (totals.buckets[i] ?? 0) + requests * latencyCdf(profile, le);
  });
  totals.buckets[BUCKETS.length] = (totals.buckets[BUCKETS.length] ?? 0) + requests;
  totals.sum += requests * latencyMean(profile);
  totals.count += requests;
}

// mulberry32: tiny, seedable, and identical on every platform, so the generated text (and its cache
// hash) never changes between runs.
/** Deterministic pseudo-random numbers in [0, 1) from a seed (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Label set of one series, in output order. */
export type Labels = Record<string, string>;

/** One generated sample. */
export interface Sample {
  /** Unix seconds. */
  t: number;
  /** Sample value. */
  v: number;
}

/** One generated series: metric name, labels and samples in time order. */
export interface Series {
  /** Full sample name (with `_total`, `_bucket`, … suffixes). */
  name: string;
  /** Labels. */
  labels: Labels;
  /** Samples, strictly increasing in time. */
  samples: Sample[];
}

/** A metric family: TYPE/HELP metadata and its series, emitted together as OpenMetrics requires. */
export interface Family {
  /** Family name (without `_total` for counters). */
  name: string;
  /** OpenMetrics type. */
  type: 'counter' | 'gauge' | 'histogram';
  /** HELP text. */
  help: string;
  /** Optional unit. */
  unit?: string;
  /** Series of the family. */
  series: Series[];
}

/** Labels every app series of `service` carries. */
export function appLabels(service: string): Labels {
  return { namespace: NAMESPACE, job: service };
}

/** Label set of `payment_gateway_*` series (the gateway is its own scrape job). */
export const GATEWAY_LABELS: Labels = appLabels(DEPLOYMENT);

/** Unix seconds of every sample, 09:00 to 11:00 inclusive. */
export function sampleTimes(): number[] {
  const out: number[] = [];
  for (let t = INSTANTS.start; t <= INSTANTS.end; t += STEP_SECONDS) out.push(t);
  return out;
}

/** Gauge values of the gateway's provider connection pool (size 50) at Unix second `t`. */
export function connectionsAt(t: number, jitter = 0): { active: number; idle: number; waiting: number } {
  const { leakStart, oom, restart } = INSTANTS;
  const base = 12 + Math.round(jitter * 4);
  if (t < leakStart || t >= restart) return { active: base, idle: 50 - base, waiting: 0 };
  if (t >= oom) return { active: 0, idle: 0, waiting: 0 };
  // Leaked connections never come back: active grows to the pool size, then callers queue.
  const full = leakStart + 25 * 60;
  const active = Math.min(50, Math.round(lerp(base, 50, (t - leakStart) / (full - leakStart))));
  const waiting = t < full ? 0 : Math.round(lerp(0, 140, (t - full) / (oom - full)) + jitter * 3);
  return { active, idle: 50 - active, waiting };
}

/** Memory of the leaking pod at Unix second `t` (bytes), reaching the limit exactly at the OOM. */
export function oldPodMemoryAt(t: number, jitter = 0): number {
  const { start, oom } = INSTANTS;
  const MiB = 1024 ** 2;
  if (t <= oom) {
    // Slightly convex growth: the leak speeds up as the queue of waiting requests grows.
    const f = (t - start) / (oom - start);
    const v = 600 * MiB + (MEMORY_LIMIT_BYTES - 600 * MiB) * (0.6 * f + 0.4 * f * f);
    return t === oom ? MEMORY_LIMIT_BYTES : Math.min(MEMORY_LIMIT_BYTES - MiB, Math.round(v + jitter * 4 * MiB));
  }
  // Crash-looping: the container is mostly in back-off with a small footprint.
  return Math.round(48 * MiB + jitter * 16 * MiB);
}

/** Memory of the replacement pod (bytes): a normal, flat footprint. */
export function newPodMemoryAt(t: number, jitter = 0): number {
  const MiB = 1024 ** 2;
  return Math.round(560 * MiB + ((t - INSTANTS.restart) / 3600) * 40 * MiB + jitter * 6 * MiB);
}

/** Generate every family of the incident, deterministically. */
export function generateFamilies(): Family[] {
  const rand = seededRandom(20251026);
  const times = sampleTimes();

  const requests: Series[] = [];
  const buckets: Series[] = [];
  const sums: Series[] = [];
  const counts: Series[] = [];
  for (const { service, endpoint } of SERVICES) {
    const labels = { ...appLabels(service), service, endpoint };
    const totals = emptyTotals();
    const perStatus = STATUSES.map((status) => ({ name: 'http_requests_total', labels: { ...labels, status }, samples: [] as Sample[] }));
    const perBucket = [...BUCKETS.map(String), '+Inf'].map((le) => ({
      name: 'http_request_duration_seconds_bucket',
      labels: { ...appLabels(service), service, le },
      samples: [] as Sample[],
    }));
    const sum: Series = { name: 'http_request_duration_seconds_sum', labels: { ...appLabels(service), service }, samples: [] };
    const count: Series = { name: 'http_request_duration_seconds_count', labels: { ...appLabels(service), service }, samples: [] };
    // The services have been up for days: counters start from three healthy days, not from zero.
    const healthy = serviceProfile(service, 0);
    accumulate(totals, healthy, healthy.rps * 3 * 86_400);
    let prev: number | undefined;
    for (const t of times) {
      if (prev !== undefined) {
        // Severity at the interval's midpoint, so ramps integrate smoothly; traffic wobbles +-5 %.
        const profile = serviceProfile(service, severityAt((prev + t) / 2));
        accumulate(totals, profile, profile.rps * (t - prev) * (0.95 + 0.1 * rand()));
      }
      prev = t;
      // Rounding is monotonic, so rounded counters stay monotonic and buckets stay cumulative.
      perStatus.forEach((s, i) => s.samples.push({ t, v: Math.round(totals.requests[STATUSES[i] as Status]) }));
      perBucket.forEach((s, i) => s.samples.push({ t, v: Math.round(totals.buckets[i] ?? 0) }));
      sum.samples.push({ t, v: Math.round(totals.sum * 1000) / 1000 });
      count.samples.push({ t, v: Math.round(totals.count) });
    }
    requests.push(...perStatus);
    buckets.push(...perBucket);
    sums.push(sum);
    counts.push(count);
  }

  const up: Series = { name: 'payment_gateway_up', labels: GATEWAY_LABELS, samples: [] };
  const conns = (['active', 'idle', 'waiting'] as const).map((state) => ({
    state,
    series: { name: 'payment_gateway_connections', labels: { ...GATEWAY_LABELS, state }, samples: [] as Sample[] },
  }));
  const memOld: Series = {
    name: 'container_memory_usage_bytes',
    labels: { namespace: NAMESPACE, pod: OLD_POD, container: CONTAINER },
    samples: [],
  };
  const memNew: Series = {
    name: 'container_memory_usage_bytes',
    labels: { namespace: NAMESPACE, pod: NEW_POD, container: CONTAINER },
    samples: [],
  };
  const limitOld: Series = {
    name: 'kube_pod_container_resource_limits',
    labels: { namespace: NAMESPACE, pod: OLD_POD, container: CONTAINER, resource: 'memory' },
    samples: [],
  };
  const limitNew: Series = {
    name: 'kube_pod_container_resource_limits',
    labels: { namespace: NAMESPACE, pod: NEW_POD, container: CONTAINER, resource: 'memory' },
    samples: [],
  };
  for (const t of times) {
    const jitter = rand() - 0.5;
    up.samples.push({ t, v: t >= INSTANTS.oom && t < INSTANTS.restart ? 0 : 1 });
    const c = connectionsAt(t, jitter);
    for (const { state, series } of conns) series.samples.push({ t, v: c[state] });
    if (t < INSTANTS.restart) {
      memOld.samples.push({ t, v: oldPodMemoryAt(t, jitter) });
      limitOld.samples.push({ t, v: MEMORY_LIMIT_BYTES });
    } else {
      memNew.samples.push({ t, v: newPodMemoryAt(t, jitter) });
      limitNew.samples.push({ t, v: MEMORY_LIMIT_BYTES });
    }
  }

  return [
    { name: 'http_requests', type: 'counter', help: 'HTTP requests served, by status.', series: requests },
    {
      name: 'http_request_duration_seconds',
      type: 'histogram',
      help: 'HTTP request latency.',
      unit: 'seconds',
      series: [...buckets, ...sums, ...counts],
    },
    { name: 'payment_gateway_up', type: 'gauge', help: 'Whether the payment gateway is serving (1) or not (0).', series: [up] },
    {
      name: 'payment_gateway_connections',
      type: 'gauge',
      help: 'Payment provider connection pool, by state.',
      series: conns.map((c) => c.series),
    },
    {
      name: 'container_memory_usage_bytes',
      type: 'gauge',
      help: 'Current memory usage in bytes, including all memory regardless of when it was accessed.',
      unit: 'bytes',
      series: [memOld, memNew],
    },
    {
      name: 'kube_pod_container_resource_limits',
      type: 'gauge',
      help: 'The number of requested limit resource by a container.',
      series: [limitOld, limitNew],
    },
  ];
}

/** Escape a label value per the exposition formats (backslash, quote, newline). */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Render `{a="b",…}` (empty string for no labels). */
export function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** Render families as OpenMetrics text with timestamps in seconds and the closing `# EOF`. */
export function toOpenMetrics(families: Family[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# TYPE ${f.name} ${f.type}`);
    if (f.unit) lines.push(`# UNIT ${f.name} ${f.unit}`);
    lines.push(`# HELP ${f.name} ${f.help}`);
    for (const s of f.series) {
      const l = formatLabels(s.labels);
      for (const { t, v } of s.samples) lines.push(`${s.name}${l} ${v} ${t}`);
    }
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

/** The whole incident as OpenMetrics text, ready for `promtool tsdb create-blocks-from openmetrics`. */
export function generateOpenMetrics(): string {
  return toOpenMetrics(generateFamilies());
}
