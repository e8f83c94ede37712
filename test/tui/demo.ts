/**
 * A scripted run on the real terminal, for looking at the screen without the executor: `npx tsx
 * test/tui/demo.ts` in an interactive terminal. Answer the gate with a, s or q. (docs/screens/*.txt come from
 * real runs instead: test/tui/capture-screens.ts.)
 */
import type { NewEvent } from '../../src/timeline/events.js';
import { startInteractiveRun } from '../../src/tui/index.js';
import { AT, restartGate, runbook, runStarted, stamp, targets } from './fixtures.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const ui = await startInteractiveRun({
  runbook,
  mode: 'live',
  targets,
  at: AT,
  timelinePath: '.runbook/runs/2025-10-26T10-30-00Z-payment-gateway-timeout.jsonl',
  stdin: process.stdin,
  stdout: process.stdout,
  noColor: process.argv.includes('--no-color') || Boolean(process.env.NO_COLOR),
  onNote: () => {},
  onInterrupt: () => process.exit(130),
});
const emit = (event: NewEvent): void => ui.onEvent({ ...stamp(event), time: new Date().toISOString() });
emit(runStarted);
emit({ type: 'step.started', step: 'payment-error-ratio', kind: 'check', gated: false, command: { query: 'sum(rate(x[5m]))', time: AT.toISOString() } });
await sleep(400);
emit({
  type: 'step.finished', step: 'payment-error-ratio', status: 'failed', durationMs: 400, summary: 'FAIL: 1 of 1 series violate < 0.01',
  violations: [{ labels: {}, value: [1761474000, '0.4123'] }],
});
emit({ type: 'step.started', step: 'request-rate', kind: 'promql', gated: false, command: { query: 'sum by (service) (rate(http_requests_total{namespace="payments"}[5m]))', time: AT.toISOString() } });
await sleep(300);
emit({
  type: 'step.finished', step: 'request-rate', status: 'ok', durationMs: 300,
  result: { resultType: 'vector', seriesTotal: 3, series: [
    { labels: { service: 'checkout' }, value: [1761474000, '12.5'] },
    { labels: { service: 'payment' }, value: [1761474000, '10.25'] },
    { labels: { service: 'frontend' }, value: [1761474000, '40'] },
  ] },
});
const t0 = 1761470400;
emit({ type: 'step.started', step: 'gateway-memory', kind: 'promql', gated: false, command: { query: 'max by (pod) (container_memory_usage_bytes)', range: { start: 'a', end: 'b', step: '1m' } } });
await sleep(300);
emit({
  type: 'step.finished', step: 'gateway-memory', status: 'ok', durationMs: 300,
  result: { resultType: 'matrix', seriesTotal: 1, series: [{ labels: { pod: 'payment-gateway-7d9f8c6b5-x2x9q' }, values: Array.from({ length: 61 }, (_, i) => [t0 + i * 60, String(i < 14 ? 300e6 + i * 50e6 : i < 28 ? 200e6 : 200e6 + (i - 28) * 5e6)] as [number, string]) }] },
});
emit({ type: 'step.started', step: 'gateway-pods', kind: 'kubectl', gated: false, command: { argv: ['kubectl', '--context', 'sandbox', 'get', 'pods', '-n', 'payments', '-l', 'app=payment-gateway'] } });
await sleep(500);
emit({
  type: 'step.finished', step: 'gateway-pods', status: 'ok', durationMs: 500,
  output: { exitCode: 0, excerpt: 'NAME                              READY   STATUS    RESTARTS   AGE\npayment-gateway-7d9f8c6b5-x2x9q   1/1     Running   1          2h\n', truncated: false, bytes: 130 },
});
const answer = await ui.gate.decide(restartGate());
if (answer === 'approve') {
  emit({ type: 'gate.decided', step: 'restart-gateway', decision: 'approved', by: 'ana', how: 'interactive' });
  emit({ type: 'step.started', step: 'restart-gateway', kind: 'mitigate', gated: true });
  emit({ type: 'action.finished', step: 'restart-gateway', role: 'action', index: 0, command: restartGate().commands[0]!, status: 'ok', durationMs: 90, output: { exitCode: 0, excerpt: 'deployment.apps/payment-gateway restarted\n', truncated: false, bytes: 42 } });
  for (let attempt = 1; attempt <= 3; attempt++) {
    await sleep(500);
    emit({ type: 'verify.polled', step: 'restart-gateway', attempt, passed: attempt === 3, summary: `max ${attempt === 3 ? '0.004' : '0.2'}` });
  }
  emit({ type: 'step.finished', step: 'restart-gateway', status: 'passed', durationMs: 1600, summary: 'PASS: verified after 3 polls' });
} else {
  emit({ type: 'step.finished', step: 'restart-gateway', status: answer === 'skip' ? 'skipped' : 'aborted', durationMs: 0 });
}
emit({ type: 'run.finished', status: answer === 'abort' ? 'aborted' : 'failed', durationMs: 5000, counts: { ok: 3, passed: answer === 'approve' ? 1 : 0, failed: 1, error: 0, skipped: answer === 'skip' ? 1 : 0, declined: 0, aborted: answer === 'abort' ? 1 : 0 } });
await ui.waitUntilExit();
