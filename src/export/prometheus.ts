/**
 * Re-fetching evidence as a range over the incident window, for charts of steps that only recorded an
 * instant. Plain `query_range` over an injected fetch; nothing here is needed when charts are not drawn.
 */
import type { RecordedQueryResult } from '../timeline/events.js';

/** Failure of a range query: `unreachable` means no more queries should be tried against this server. */
export class RangeFetchError extends Error {
  override name = 'RangeFetchError';
  constructor(
    message: string,
    readonly unreachable: boolean,
  ) {
    super(message);
  }
}

/** Runs `query_range` and returns the result in the timeline's recorded form. */
export async function fetchRange(
  baseUrl: string,
  query: string,
  range: { startMs: number; endMs: number; stepSeconds: number },
  fetchFn: typeof fetch = fetch,
  timeoutMs = 5_000,
): Promise<RecordedQueryResult> {
  const url = new URL('api/v1/query_range', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const body = new URLSearchParams({
    query,
    start: String(range.startMs / 1000),
    end: String(range.endMs / 1000),
    step: String(range.stepSeconds),
  });
  let response: Response;
  try {
    response = await fetchFn(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new RangeFetchError(`Prometheus at ${baseUrl} did not answer (${(error as Error).message})`, true);
  }
  let payload: { status?: string; error?: string; data?: { resultType?: string; result?: Array<{ metric?: Record<string, string>; values?: Array<[number, string]> }> } };
  try {
    payload = (await response.json()) as typeof payload;
  } catch {
    throw new RangeFetchError(`Prometheus at ${baseUrl} answered ${response.status} with something that is not JSON`, true);
  }
  if (payload.status !== 'success' || payload.data?.resultType !== 'matrix') {
    throw new RangeFetchError(`Prometheus refused the range query: ${payload.error ?? `HTTP ${response.status}`}`, false);
  }
  const series = (payload.data.result ?? []).map((s) => ({ labels: s.metric ?? {}, values: s.values ?? [] }));
  return { resultType: 'matrix', series, seriesTotal: series.length };
}
