/** One event of every type, as the executor would append them (before the store stamps them). */
import type { NewEvent } from '../../src/timeline/events.js';

/** A short run that touches every event type. */
export const everyEventType: NewEvent[] = [
  {
    type: 'run.started',
    runbook: { path: 'runbooks/payment-gateway-timeout.md', sha256: 'a'.repeat(64), title: 'Payment gateway timeouts' },
    params: { namespace: 'payments' },
    at: null,
    mode: 'live',
    user: 'alice',
    host: 'laptop',
    tool: { name: 'runbook', version: '0.1.0' },
    targets: { prometheus: 'http://127.0.0.1:9090', context: 'sandbox', namespace: 'payments' },
  },
  {
    type: 'step.started',
    step: 'error-ratio',
    kind: 'check',
    title: '5xx ratio',
    gated: false,
    command: { query: 'sum(rate(http_requests_total{status=~"5.."}[5m]))', time: '2025-10-26T10:20:00Z' },
    position: { start: { line: 10, column: 1, offset: 200 }, end: { line: 14, column: 4, offset: 300 } },
  },
  {
    type: 'step.finished',
    step: 'error-ratio',
    status: 'failed',
    durationMs: 12,
    summary: 'FAIL: 1 of 1 series violate < 0.01',
    result: { resultType: 'vector', series: [{ labels: { service: 'checkout' }, value: [1761474000, '0.41'] }], seriesTotal: 1 },
    violations: [{ labels: { service: 'checkout' }, value: [1761474000, '0.41'] }],
  },
  {
    type: 'gate.decided',
    step: 'restart',
    decision: 'approved',
    by: 'alice',
    how: 'interactive',
    gate: 'step',
    command: [{ argv: ['kubectl', 'rollout', 'restart', 'deployment/payment-gateway', '-n', 'payments'] }],
    targets: { context: 'sandbox', namespace: 'payments' },
  },
  {
    type: 'action.finished',
    step: 'restart',
    role: 'action',
    index: 0,
    command: { argv: ['kubectl', 'rollout', 'restart', 'deployment/payment-gateway', '-n', 'payments'] },
    status: 'ok',
    durationMs: 80,
    output: { exitCode: 0, excerpt: 'deployment.apps/payment-gateway restarted\n', truncated: false, bytes: 42 },
  },
  {
    type: 'verify.polled',
    step: 'restart',
    attempt: 1,
    passed: true,
    summary: 'PASS',
    result: {
      resultType: 'matrix',
      series: [{ labels: {}, values: [[1761474000, '0.002'], [1761474060, '0.001']] }],
      seriesTotal: 1,
    },
  },
  { type: 'note', text: 'memory looks flat again\nsecond line', by: 'bob' },
  {
    type: 'run.finished',
    status: 'ok',
    counts: { ok: 1, passed: 0, failed: 1, error: 0, skipped: 0, declined: 0, aborted: 0 },
    durationMs: 600_000,
  },
  {
    type: 'alert.received',
    name: 'CheckoutHighErrorRate',
    labels: { alertname: 'CheckoutHighErrorRate', namespace: 'payments' },
    annotations: { summary: 'Checkout 5xx above 5%' },
    startsAt: '2025-10-26T10:15:00Z',
    fingerprint: '0123456789abcdef',
    source: 'http://127.0.0.1:9093',
  },
  { type: 'alert.resolved', name: 'CheckoutHighErrorRate', fingerprint: '0123456789abcdef', endsAt: '2025-10-26T10:40:00Z', source: 'webhook' },
  {
    type: 'step.added',
    step: 'get-deployments',
    kind: 'kubectl',
    title: 'kubectl get deployments -n payments',
    body: 'get deployments -n payments',
    after: 'gateway-pods',
    section: ['Payment gateway timeouts', 'Investigation'],
    by: 'bob',
    via: 'exec',
  },
];

/** A clock that starts at `start` and moves one second per call. */
export function steppingClock(start = '2025-10-26T10:14:00.000Z', stepMs = 1000): () => Date {
  let t = Date.parse(start);
  return () => {
    const now = new Date(t);
    t += stepMs;
    return now;
  };
}
