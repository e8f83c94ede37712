/** The PromQL runner: an instant or range query against the step's Prometheus. */
import type { PlannedQuery } from '../plan.js';
import { PrometheusQueryError, runQuery } from '../prometheus.js';
import type { Runner } from './types.js';

/** Runs a planned query; a missing URL, a bad answer or a deadline is an error, never a throw. */
export const runPromql: Runner<PlannedQuery> = async (command, io) => {
  if (!command.prometheus) {
    return {
      kind: 'error',
      aborted: false,
      error: 'No Prometheus URL: pass `--prometheus`, set `prometheus` in the front matter, RUNBOOK_PROMETHEUS_URL, or `.runbookrc`',
    };
  }
  const end = command.at ?? io.clock();
  try {
    const query = await runQuery(io.prometheus, {
      url: command.prometheus,
      query: command.query,
      time: end,
      ...(command.range ? { range: { start: new Date(end.getTime() - command.range.ms), end, stepSeconds: command.range.stepSeconds } } : {}),
      timeoutMs: command.timeoutMs,
      signal: io.signal,
      ...(io.maxResponseBytes !== undefined ? { maxResponseBytes: io.maxResponseBytes } : {}),
    });
    return { kind: 'ok', query };
  } catch (error) {
    if (error instanceof PrometheusQueryError) return { kind: 'error', error: error.message, aborted: error.kind === 'aborted' };
    return { kind: 'error', error: String(error), aborted: io.signal.aborted };
  }
};
