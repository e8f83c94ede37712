/**
 * A realistic synthetic run of runbooks/payment-gateway-timeout.md on 2025-10-26 (UTC), written through the
 * real timeline store: read steps, a failing check at 10:20, a declined gate, the restart approved at 10:27,
 * its action, verify polls failing then passing, a note from another responder, the final check.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NewEvent, RecordedQueryResult, TimelineEvent } from '../../src/timeline/events.js';
import { openTimeline } from '../../src/timeline/store.js';

/** The runbook the synthetic run ran (the repo's own). */
export const RUNBOOK_PATH = 'runbooks/payment-gateway-timeout.md';
const repo = join(import.meta.dirname, '..', '..');

const t = (hms: string): string => `2025-10-26T${hms}Z`;
const s = (hms: string): number => Date.parse(t(hms)) / 1000;

const ratioQuery =
  'sum(rate(http_requests_total{namespace="payments",service="payment",status=~"5.."}[5m]))\n  /\nsum(rate(http_requests_total{namespace="payments",service="payment"}[5m]))';
const verifyQuery =
  'sum(rate(http_requests_total{namespace="payments",service="checkout",status=~"5.."}[30s]))\n  /\nsum(rate(http_requests_total{namespace="payments",service="checkout"}[30s]))';
const restartArgv = ['kubectl', 'rollout', 'restart', 'deployment/payment-gateway', '-n', 'payments', '--context', 'sandbox'];

const memoryRange: RecordedQueryResult = {
  resultType: 'matrix',
  series: [
    {
      labels: { pod: 'payment-gateway-7d9f8b6c5d-x2k4p' },
      values: Array.from({ length: 61 }, (_, i) => [s('09:16:00') + i * 60, String(1.2e9 + i * 1.5e7)] as [number, string]),
    },
  ],
  seriesTotal: 1,
};

/** Each event with the wall-clock time it is appended at. */
export function paymentRunEvents(prometheusUrl: string, sha256: string): Array<[string, NewEvent]> {
  const poll = (attempt: number, at: string, ratio: string, passed: boolean): [string, NewEvent] => [
    at,
    {
      type: 'verify.polled',
      step: 'restart-gateway',
      attempt,
      passed,
      summary: passed ? `PASS: ${ratio} < 0.01` : `FAIL: 1 of 1 series violate < 0.01 (${ratio})`,
      result: { resultType: 'vector', series: [{ labels: {}, value: [s(at), ratio] }], seriesTotal: 1 },
    },
  ];
  return [
    [
      '10:16:02.000',
      {
        type: 'run.started',
        runbook: { path: RUNBOOK_PATH, sha256, title: 'Payment gateway timeout' },
        params: { namespace: 'payments', deployment: 'payment-gateway' },
        at: null,
        mode: 'live',
        user: 'alice',
        host: 'ops-laptop-7',
        tool: { name: 'runbook', version: '0.1.0' },
        targets: { prometheus: prometheusUrl, context: 'sandbox', namespace: 'payments' },
      },
    ],
    ['10:16:03.000', { type: 'step.started', step: 'request-rate', kind: 'promql', title: 'Request rate by service', gated: false, command: { query: 'sum by (service) (rate(http_requests_total{namespace="payments"}[5m]))', time: t('10:16:03.000') } }],
    [
      '10:16:03.040',
      {
        type: 'step.finished',
        step: 'request-rate',
        status: 'ok',
        durationMs: 40,
        summary: '4 series, max 41.2',
        result: {
          resultType: 'vector',
          series: ['checkout', 'frontend', 'inventory', 'payment'].map((service, i) => ({ labels: { service }, value: [s('10:16:03'), String(10 + i * 10.4)] as [number, string] })),
          seriesTotal: 4,
        },
      },
    ],
    ['10:16:05.000', { type: 'step.started', step: 'gateway-memory', kind: 'promql', title: 'Gateway memory, last hour', gated: false, command: { query: 'max by (pod) (container_memory_usage_bytes{namespace="payments",container="gateway"})', range: { start: t('09:16:05.000'), end: t('10:16:05.000'), step: '60s' } } }],
    ['10:16:05.090', { type: 'step.finished', step: 'gateway-memory', status: 'ok', durationMs: 90, summary: '1 series, max 2.1e9', result: memoryRange }],
    ['10:18:30.000', { type: 'note', text: 'Pod events show OOMKilled | restarts: 3', by: 'bob' }],
    ['10:20:00.000', { type: 'step.started', step: 'payment-error-ratio', kind: 'check', title: 'Payment error ratio under 1%', gated: false, command: { query: ratioQuery, time: t('10:20:00.000') } }],
    [
      '10:20:00.150',
      {
        type: 'step.finished',
        step: 'payment-error-ratio',
        status: 'failed',
        durationMs: 150,
        summary: 'FAIL: 1 of 1 series violate < 0.01 (0.412)',
        result: { resultType: 'vector', series: [{ labels: {}, value: [s('10:20:00'), '0.412'] }], seriesTotal: 1 },
        violations: [{ labels: {}, value: [s('10:20:00'), '0.412'] }],
      },
    ],
    ['10:21:00.000', { type: 'step.started', step: 'gateway-is-up', kind: 'check', title: 'Gateway reports up', gated: false, command: { query: 'payment_gateway_up{namespace="payments"} == 0', time: t('10:21:00.000') } }],
    ['10:21:00.030', { type: 'step.finished', step: 'gateway-is-up', status: 'failed', durationMs: 30, summary: 'FAIL: 1 series returned', result: { resultType: 'vector', series: [{ labels: { __name__: 'payment_gateway_up', namespace: 'payments' }, value: [s('10:21:00'), '0'] }], seriesTotal: 1 } }],
    ['10:24:10.000', { type: 'gate.decided', step: 'flush-queue', decision: 'declined', by: 'alice', how: 'non-interactive', gate: 'step', command: [{ argv: ['sh', '-c', 'redis-cli -n 3 FLUSHDB'] }] }],
    ['10:24:10.010', { type: 'step.finished', step: 'flush-queue', status: 'declined', durationMs: 0 }],
    [
      '10:27:41.520',
      {
        type: 'gate.decided',
        step: 'restart-gateway',
        decision: 'approved',
        by: 'alice',
        how: 'interactive',
        gate: 'step',
        command: [{ argv: restartArgv }, { query: verifyQuery, time: t('10:27:41.520') }],
        targets: { context: 'sandbox', namespace: 'payments' },
      },
    ],
    ['10:27:41.600', { type: 'step.started', step: 'restart-gateway', kind: 'mitigate', title: 'Restart the payment gateway', gated: true }],
    ['10:27:42.300', { type: 'action.finished', step: 'restart-gateway', role: 'action', index: 0, command: { argv: restartArgv }, status: 'ok', durationMs: 700, output: { exitCode: 0, excerpt: 'deployment.apps/payment-gateway restarted\n', truncated: false, bytes: 42 } }],
    poll(1, '10:27:47.300', '0.39', false),
    poll(2, '10:27:52.300', '0.31', false),
    ['10:27:55.000', { type: 'note', text: 'new pod payment-gateway-7d9f8b6c5d-r8m2n is Running; alice is watching checkout', by: 'bob' }],
    poll(3, '10:27:57.300', '0.12', false),
    poll(4, '10:28:02.300', '0.04', false),
    poll(5, '10:28:07.300', '0.004', true),
    ['10:28:07.310', { type: 'step.finished', step: 'restart-gateway', status: 'passed', durationMs: 25_710, summary: 'PASS after 5 polls' }],
    ['10:36:00.000', { type: 'step.started', step: 'all-services-healthy', kind: 'check', title: 'No service above 1% errors', gated: false, command: { query: 'sum by (service) (rate(http_requests_total{namespace="payments",status=~"5.."}[5m])) / sum by (service) (rate(http_requests_total{namespace="payments"}[5m])) > 0.01', time: t('10:36:00.000') } }],
    ['10:36:00.200', { type: 'step.finished', step: 'all-services-healthy', status: 'passed', durationMs: 200, summary: 'PASS: no series', result: { resultType: 'vector', series: [], seriesTotal: 0 } }],
    ['10:36:10.000', { type: 'run.finished', status: 'failed', counts: { ok: 2, passed: 2, failed: 2, error: 0, skipped: 0, declined: 1, aborted: 0 }, durationMs: 1_208_000 }],
  ];
}

/** Writes the payment-gateway run to `path` through the store; returns the stamped events. */
export async function writePaymentRun(path: string, options: { prometheusUrl?: string; sha256?: string } = {}): Promise<TimelineEvent[]> {
  const sha256 = options.sha256 ?? createHash('sha256').update(await readFile(join(repo, RUNBOOK_PATH))).digest('hex');
  let now = new Date(0);
  const store = await openTimeline(path, { run: 'run-2025-10-26-pgw', clock: () => now });
  const events: TimelineEvent[] = [];
  for (const [hms, event] of paymentRunEvents(options.prometheusUrl ?? 'http://127.0.0.1:1', sha256)) {
    now = new Date(t(hms));
    events.push(await store.append(event));
  }
  await store.close();
  return events;
}

/** The repository root: the export reads the runbook relative to it, as a run started there would. */
export const REPO_ROOT = repo;
