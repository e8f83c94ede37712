/**
 * PromQL runner: instant and range queries through `prometheus-query`, results turned into the recorded
 * shape of the timeline (label sets and string values, as Prometheus sends them).
 */
import { PrometheusDriver, type PrometheusConnectionOptions, type QueryResult } from 'prometheus-query';
import type { RecordedQueryResult, RecordedSeries } from '../timeline/events.js';
import { formatValue } from '../format/number.js';
import { maxOf } from '../format/extent.js';

/** The part of `PrometheusDriver` the executor uses. */
export interface PrometheusQueryClient {
  instantQuery(query: string, time?: Date | number, timeout?: string): Promise<QueryResult>;
  rangeQuery(query: string, start: Date | number, end: Date | number, step: string | number, timeout?: string): Promise<QueryResult>;
}

/** Makes a client; injected so fault tests can shape the transport. The default is `new PrometheusDriver(options)`. */
export type PrometheusClientFactory = (options: PrometheusConnectionOptions) => PrometheusQueryClient;

/** The default factory: the real `prometheus-query` driver. */
export const createPrometheusDriver: PrometheusClientFactory = (options) => new PrometheusDriver(options);

/** A query that failed; `message` is Prometheus's own words when it gave any. */
export class PrometheusQueryError extends Error {
  override name = 'PrometheusQueryError';
  constructor(
    message: string,
    readonly kind: 'bad_data' | 'http' | 'timeout' | 'network' | 'aborted' | 'too_large' | 'unexpected',
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

/** One query to run. */
export interface QueryRequest {
  url: string;
  query: string;
  /** Instant query at `time`, or a range query when `range` is set. */
  time: Date;
  range?: { start: Date; end: Date; stepSeconds: number };
  timeoutMs: number;
  signal?: AbortSignal;
  /** Largest response body accepted, in bytes (default DEFAULT_MAX_RESPONSE_BYTES); a bigger one is a step error. */
  maxResponseBytes?: number;
}

/** Default cap on a Prometheus response body: 64 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * Runs one query; throws PrometheusQueryError. `timeoutMs` is a deadline on the whole exchange (connect,
 * headers and body): axios's own `timeout` is an idle timer, so a server that drips one byte a second would
 * hold the step forever. Our AbortController aborts the request at the deadline wherever it is, and
 * `maxContentLength` makes axios stop reading (and destroy the socket) once the body passes the cap.
 */
export async function runQuery(factory: PrometheusClientFactory, request: QueryRequest): Promise<RecordedQueryResult> {
  if (request.signal?.aborted) throw new PrometheusQueryError('aborted', 'aborted');
  const outer = request.signal;
  const deadline = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    deadline.abort();
  }, Math.max(1, request.timeoutMs));
  const signal = outer ? AbortSignal.any([outer, deadline.signal]) : deadline.signal;
  const maxBytes = request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  // The driver turns a non-API answer (a proxy's 503 page, truncated JSON) into a bare 'client_error';
  // remembering the raw response lets the step say what actually came back.
  const last: LastResponse = {};
  const remember = (response: { status?: number; data?: unknown } | undefined) => {
    last.status = response?.status;
    last.body = typeof response?.data === 'string' ? response.data.slice(0, 200) : undefined;
  };
  const client = factory({
    endpoint: request.url,
    timeout: request.timeoutMs,
    responseInterceptor: {
      onFulfilled: (response) => {
        remember(response);
        return response;
      },
      onRejected: (error: { response?: { status?: number; data?: unknown } }) => {
        remember(error?.response);
        return Promise.reject(error);
      },
    },
    // The driver has no signal or size option; an interceptor hands ours to axios.
    requestInterceptor: {
      onFulfilled: (config) => {
        config.signal = signal;
        config.maxContentLength = maxBytes;
        return config;
      },
    },
  });
  const timeout = `${Math.max(1, Math.ceil(request.timeoutMs / 1000))}s`;
  let result: QueryResult;
  try {
    result = request.range
      ? await client.rangeQuery(request.query, request.range.start, request.range.end, request.range.stepSeconds, timeout)
      : await client.instantQuery(request.query, request.time, timeout);
  } catch (error) {
    if (outer?.aborted) throw new PrometheusQueryError('aborted', 'aborted');
    if (timedOut) {
      throw new PrometheusQueryError(`Prometheus at ${request.url} did not answer within ${request.timeoutMs / 1000}s (the step's timeout, a deadline on the whole exchange)`, 'timeout');
    }
    if (isSizeError(error)) {
      throw new PrometheusQueryError(
        `Prometheus at ${request.url} sent more than ${maxBytes} bytes (the response cap; raise it with --max-response-bytes or RUNBOOK_MAX_RESPONSE_BYTES, or narrow the query)`,
        'too_large',
      );
    }
    throw toQueryError(error, request, last);
  } finally {
    clearTimeout(timer);
  }
  return recordResult(result);
}

function isSizeError(error: unknown): boolean {
  const e = error as { error?: unknown; original?: { message?: unknown } } | undefined;
  const text = `${typeof e?.error === 'string' ? e.error : ''} ${typeof e?.original?.message === 'string' ? e.original.message : ''} ${error instanceof Error ? error.message : ''}`;
  return /maxContentLength size of -?\d+ exceeded/.test(text);
}

interface LastResponse {
  status?: number;
  body?: string;
}

function toQueryError(error: unknown, request: QueryRequest, last: LastResponse): PrometheusQueryError {
  const e = error as { errorType?: string; error?: string; httpStatus?: number; code?: string; prometheus?: { errorType?: string } };
  if (e && typeof e === 'object' && typeof e.errorType === 'string') {
    const detail = e.error ?? 'unknown error';
    switch (e.errorType) {
      case 'http_error': {
        const promType = e.prometheus?.errorType;
        return new PrometheusQueryError(
          `Prometheus answered ${e.httpStatus ?? '?'}${promType ? ` (${promType})` : ''}: ${detail}`,
          promType === 'bad_data' ? 'bad_data' : 'http',
          e.httpStatus,
        );
      }
      case 'timeout_error':
        return new PrometheusQueryError(`Prometheus at ${request.url} did not answer within ${request.timeoutMs / 1000}s (${detail})`, 'timeout');
      case 'network_error':
      case 'ssl_error':
        return new PrometheusQueryError(`Cannot reach Prometheus at ${request.url}: ${detail}${e.code ? ` (${e.code})` : ''}`, 'network');
      case 'client_error':
        return new PrometheusQueryError(
          `Prometheus at ${request.url} answered HTTP ${last.status ?? '?'} with something that is not a Prometheus API response${last.body ? `: ${last.body.trim()}` : ''}`,
          (last.status ?? 0) >= 400 ? 'http' : 'unexpected',
          last.status,
        );
      default:
        return new PrometheusQueryError(`Unexpected answer from Prometheus at ${request.url}: ${detail}`, 'unexpected');
    }
  }
  return new PrometheusQueryError(`Query to ${request.url} failed: ${error instanceof Error ? error.message : String(error)}`, 'unexpected');
}

/** Prometheus's spelling of a sample value (the driver parsed it to a float). */
export function formatSample(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

interface DriverSample {
  time: Date;
  value: number;
}

function labelsOf(metric: { name?: string; labels?: object } | null | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  if (metric?.name) labels.__name__ = metric.name;
  for (const [k, v] of Object.entries(metric?.labels ?? {})) labels[k] = String(v);
  return labels;
}

const seconds = (sample: DriverSample): number => sample.time.getTime() / 1000;

/** Converts the driver's result into the recorded shape. */
export function recordResult(result: QueryResult): RecordedQueryResult {
  const series: RecordedSeries[] = [];
  switch (result.resultType) {
    case 'vector':
      for (const item of result.result as Array<{ metric: { name?: string; labels?: object } | null; value: DriverSample }>) {
        series.push({ labels: labelsOf(item.metric), value: [seconds(item.value), formatSample(item.value.value)] });
      }
      break;
    case 'matrix':
      for (const item of result.result as Array<{ metric: { name?: string; labels?: object } | null; values: DriverSample[] }>) {
        series.push({ labels: labelsOf(item.metric), values: item.values.map((s) => [seconds(s), formatSample(s.value)]) });
      }
      break;
    case 'scalar':
    case 'string': {
      // Raw `[unixSeconds, "value"]`: the driver passes these through untouched.
      const raw = result.result as unknown as [number, string];
      series.push({ labels: {}, value: [Number(raw[0]), String(raw[1])] });
      break;
    }
  }
  return { resultType: result.resultType as RecordedQueryResult['resultType'], series, seriesTotal: series.length };
}

/** Numeric value of a recorded sample string. */
export function sampleNumber(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** The samples of a series: one for an instant result, all for a range result. */
export function samplesOf(series: RecordedSeries): number[] {
  if (series.value) return [sampleNumber(series.value[1])];
  return (series.values ?? []).map(([, v]) => sampleNumber(v));
}

/** The value that ranks a series: its instant value, or its last sample for a range. */
export function headlineValue(series: RecordedSeries): number | undefined {
  if (series.value) return sampleNumber(series.value[1]);
  const last = series.values?.[series.values.length - 1];
  return last ? sampleNumber(last[1]) : undefined;
}

/** One line for people: `3 series, max 0.41`, `no series`, `scalar 2`. */
export function summarizeResult(result: RecordedQueryResult): string {
  if (result.resultType === 'scalar' || result.resultType === 'string') return `${result.resultType} ${result.series[0]?.value?.[1] ?? ''}`;
  const n = result.seriesTotal;
  if (n === 0) return 'no series';
  const values = result.series.map(headlineValue).filter((v): v is number => v !== undefined && !Number.isNaN(v));
  const max = maxOf(values);
  return `${n} series${max !== undefined ? `, max ${formatNumber(max)}` : ''}`;
}

/** A number for a summary line, read the same as in the UI and the postmortem. */
export function formatNumber(value: number): string {
  return formatValue(value);
}
