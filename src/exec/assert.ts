/** Check outcomes: an expectation applied to a PromQL result, or exit code and `match` applied to a command. */
import { compare, type Expectation } from '../steps/expect.js';
import type { RecordedQueryResult, RecordedSeries } from '../timeline/events.js';
import { maxOf } from '../format/extent.js';
import { formatNumber, headlineValue, samplesOf } from './prometheus.js';

/** The outcome of one assertion. */
export interface AssertionOutcome {
  passed: boolean;
  summary: string;
  violations: RecordedSeries[];
}

/**
 * Applies `expect` to a result. With a comparison, every series must satisfy it (every sample, for a
 * range result); `empty`/`not-empty` are about the number of series; without `expect` the check is
 * alert-style and passes when there is no series. A NaN sample never satisfies a comparison. A comparison
 * over no series fails: "every series is under 1%" said of no data would let a typo in a metric name, or a
 * Prometheus that has not scraped yet, verify a mitigation. `expect=empty` says "no data is fine".
 */
export function assertQuery(result: RecordedQueryResult, expectation: Expectation | undefined): AssertionOutcome {
  const n = result.series.length;
  if (!expectation) {
    return n === 0
      ? { passed: true, summary: 'PASS: no series (alert-style)', violations: [] }
      : { passed: false, summary: `FAIL: ${n} series returned, expected none${maxText(result.series)}`, violations: result.series };
  }
  if (expectation.op === 'empty') {
    return n === 0
      ? { passed: true, summary: 'PASS: empty', violations: [] }
      : { passed: false, summary: `FAIL: ${n} series, expected empty${maxText(result.series)}`, violations: result.series };
  }
  if (expectation.op === 'not-empty') {
    return n > 0
      ? { passed: true, summary: `PASS: ${n} series, expected not-empty`, violations: [] }
      : { passed: false, summary: 'FAIL: no series, expected not-empty', violations: [] };
  }
  const what = expectation.source.trim();
  if (n === 0) {
    return { passed: false, summary: `FAIL: no series, so nothing shows ${what} (no data; use \`expect=empty\` if none is fine)`, violations: [] };
  }
  const violations = result.series.filter((series) => samplesOf(series).some((v) => !compare(expectation, v)));
  if (violations.length === 0) {
    return { passed: true, summary: `PASS: ${n} series satisfy ${what}${maxText(result.series)}`, violations: [] };
  }
  return { passed: false, summary: `FAIL: ${violations.length} of ${n} series violate ${what}${maxText(violations)}`, violations };
}

function maxText(series: readonly RecordedSeries[]): string {
  const values = series.map(headlineValue).filter((v): v is number => v !== undefined && !Number.isNaN(v));
  const max = maxOf(values);
  return max !== undefined ? `, max ${formatNumber(max)}` : '';
}

/** Applies `expect-exit` (default 0) and `match` to a command's result. */
export function assertCommand(exitCode: number | undefined, output: string, expectExit: number, match: RegExp | undefined): AssertionOutcome {
  const problems: string[] = [];
  if (exitCode !== expectExit) problems.push(`exit ${exitCode ?? 'none'}, expected ${expectExit}`);
  if (match && !match.test(output)) problems.push(`output does not match /${match.source}/`);
  if (problems.length === 0) {
    return { passed: true, summary: `PASS: exit ${exitCode}${match ? `, output matches /${match.source}/` : ''}`, violations: [] };
  }
  return { passed: false, summary: `FAIL: ${problems.join('; ')}`, violations: [] };
}
