import { afterEach, describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  // Frames show local time; pin the zone (2025-10-26 10:20Z is 11:20 in Berlin, after the DST change).
  process.env.TZ = 'Europe/Berlin';
});

import { cleanup, render } from 'ink-testing-library';
import type { GateAnswer } from '../../src/exec/gate.js';
import type { NewEvent } from '../../src/timeline/events.js';
import { RunApp } from '../../src/tui/app.js';
import { RunStore } from '../../src/tui/store.js';
import { AT, eventually, now, restartGate, runbook, runStarted, stamp, targets } from './fixtures.js';

const TIMELINE = '.runbook/runs/2025-10-26T10-30-00Z-payment-gateway-timeout.jsonl';

function mount(options: { color?: boolean; width?: number } = {}) {
  const store = new RunStore(runbook, { width: options.width ?? 80, now });
  const onNote = vi.fn<(text: string) => void>();
  const onInterrupt = vi.fn<() => void>();
  const app = render(
    <RunApp
      store={store}
      runbook={runbook}
      mode="live"
      targets={targets}
      at={AT}
      timelinePath={TIMELINE}
      color={options.color ?? false}
      width={options.width ?? 80}
      viewerHeight={3}
      now={now}
      onNote={onNote}
      onInterrupt={onInterrupt}
    />,
  );
  const emit = (event: NewEvent): void => store.onEvent(stamp(event));
  emit(runStarted);
  const frame = (): string => app.lastFrame() ?? '';
  return { store, app, emit, frame, onNote, onInterrupt };
}

/** Resolves to the answer, or 'pending' when the gate is still open after the UI has settled. */
async function settle(promise: Promise<GateAnswer>): Promise<GateAnswer | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 50))]);
}

afterEach(() => cleanup());

const HEADER = [
  'runbook · Payment gateway timeout  [critical]                        LIVE  00:42',
  'prometheus http://127.0.0.1:9090  ·  kube sandbox / payments',
  'at 2025-10-26 10:20:00 UTC  ·  11:20:00 local (+01:00)',
];

describe('gate', () => {
  it('shows exactly what will run and where, the step id and the keys', async () => {
    const { store, frame } = mount();
    void store.openGate(restartGate());
    await eventually(() => expect(frame()).toContain('[a]pprove'));
    expect(frame()).toBe(
      [
        ...HEADER,
        '── Mitigation ─────────────────────────────────────────────────── step 5 of 6 ──',
        '  ⋮ 1 earlier',
        '  ○ request-rate          Request rate by service',
        '  ○ gateway-memory        Gateway memory, last hour',
        '  ○ gateway-pods          Gateway pods',
        '▸ ? restart-gateway       Restart the payment gateway',
        '  ○ all-services-healthy  No service above 1% errors',
        '',
        '╔══════════════════════════════════════════════════════════════════════════════╗',
        '║ GATE  restart-gateway  (mitigate)                                            ║',
        '║ Restart the payment gateway                                                  ║',
        '║ A rolling restart replaces the gateway pod and frees its connection pool. It ║',
        '║ is safe during an outage: the pod is not serving anyway.                     ║',
        '║ Why a gate: `kubectl rollout restart` is not a read-only command             ║',
        '║                                                                              ║',
        '║ Will run, exactly, in this order (2 commands):                               ║',
        '║   $ kubectl --context sandbox rollout restart deployment/payment-gateway -n  ║',
        '║       payments                                                               ║',
        '║   where: context [sandbox]  namespace [payments]                             ║',
        '║   sum(rate(http_requests_total{namespace="payments",service="checkout",statu ║',
        '║       s=~"5.."}[30s]))                                                       ║',
        '║     /                                                                        ║',
        '║   sum(rate(http_requests_total{namespace="payments",service="checkout"}[30s] ║',
        '║       ))                                                                     ║',
        '║   where: prometheus http://127.0.0.1:9090                                    ║',
        '║                                                                              ║',
        '║ [a]pprove  [s]kip  [q] abort                                                 ║',
        '╚══════════════════════════════════════════════════════════════════════════════╝',
        '',
        '[a]pprove  [s]kip  [q] abort · n note · ? help · Ctrl-C stop',
      ].join('\n'),
    );
  });

  it.each([
    ['a', 'approve', '» gate restart-gateway: approved'],
    ['s', 'skip', '» gate restart-gateway: skipped'],
    ['q', 'abort', '» gate restart-gateway: aborted'],
  ] as const)('key %s answers %s and echoes the decision', async (key, answer, echo) => {
    const { store, app, frame } = mount();
    const decision = store.openGate(restartGate());
    await eventually(() => expect(frame()).toContain('[a]pprove'));
    // Other keys, Enter included, decide nothing.
    app.stdin.write('x');
    app.stdin.write('\r');
    app.stdin.write('y');
    expect(await settle(decision)).toBe('pending');
    expect(frame()).not.toContain('» gate');

    app.stdin.write(key);
    expect(await decision).toBe(answer);
    await eventually(() => expect(frame()).toContain(echo));
    expect(frame()).not.toContain('GATE  restart-gateway');
  });

  it('Ctrl-C hands the interrupt to the executor and answers an open gate with abort', async () => {
    const { store, app, frame, onInterrupt } = mount();
    const decision = store.openGate(restartGate());
    await eventually(() => expect(frame()).toContain('[a]pprove'));
    app.stdin.write('\u0003');
    expect(await decision).toBe('abort');
    expect(onInterrupt).toHaveBeenCalledTimes(1);
    await eventually(() => expect(frame()).toContain('» gate restart-gateway: aborted (interrupted)'));
    expect(frame()).toContain('Interrupting: stopping the running step…');
  });

  it('closes when the executor withdraws the gate (request.signal aborted)', async () => {
    const { store, frame } = mount();
    const controller = new AbortController();
    const decision = store.openGate(restartGate(controller.signal));
    controller.abort();
    expect(await decision).toBe('abort');
    await eventually(() => expect(frame()).not.toContain('[a]pprove'));
  });

  it('echoes gates decided without a person (read-only, --approve)', async () => {
    const { emit, frame } = mount();
    emit({ type: 'gate.decided', step: 'restart-gateway', decision: 'declined', by: 'ana', how: 'read-only' });
    await eventually(() => expect(frame()).toContain('» gate restart-gateway: declined (read-only)'));
  });
});

describe('results', () => {
  it('renders an instant query as a sorted table and a range query as sparklines', async () => {
    const { emit, frame } = mount();
    emit({ type: 'step.started', step: 'request-rate', kind: 'promql', gated: false });
    emit({
      type: 'step.finished',
      step: 'request-rate',
      status: 'ok',
      durationMs: 12,
      result: {
        resultType: 'vector',
        seriesTotal: 3,
        series: [
          { labels: { service: 'checkout' }, value: [1761474000, '12.5'] },
          { labels: { service: 'payment' }, value: [1761474000, '10.25'] },
          { labels: { service: 'frontend' }, value: [1761474000, '40'] },
        ],
      },
    });
    const t0 = 1761469200;
    emit({ type: 'step.started', step: 'gateway-memory', kind: 'promql', gated: false, command: { query: 'x', range: { start: 'a', end: 'b', step: '1m' } } });
    emit({
      type: 'step.finished',
      step: 'gateway-memory',
      status: 'ok',
      durationMs: 30,
      result: {
        resultType: 'matrix',
        seriesTotal: 1,
        series: [{ labels: { pod: 'payment-gateway-7d9f8' }, values: Array.from({ length: 8 }, (_, i) => [t0 + i * 60, String(600e6 + i * 50e6)] as [number, string]) }],
      },
    });
    await eventually(() => expect(frame()).toContain('gateway-memory  Gateway memory'));
    const history = frame().split(HEADER[0]!)[0]!;
    expect(history).toBe(
      [
        '✓ request-rate  Request rate by service  · ok · 12ms',
        '  service   value',
        '  frontend     40',
        '  checkout   12.5',
        '  payment   10.25',
        '✓ gateway-memory  Gateway memory, last hour  · ok · 30ms',
        '  2025-10-26 09:00:00 → 09:07:00 UTC · 7m · step 1m',
        '  pod                               min   max  last',
        '  payment-gateway-7d9f8  ▁▂▃▄▅▆▇█  600M  950M  950M',
        '',
      ].join('\n'),
    );
  });

  it('shows a failed check with its offending series', async () => {
    const { emit, frame } = mount();
    emit({ type: 'step.started', step: 'payment-error-ratio', kind: 'check', gated: false });
    emit({
      type: 'step.finished',
      step: 'payment-error-ratio',
      status: 'failed',
      durationMs: 20,
      summary: 'FAIL: 1 of 1 series violate < 0.01',
      violations: [{ labels: { namespace: 'payments', service: 'payment' }, value: [1761474000, '0.4123'] }],
    });
    await eventually(() => expect(frame()).toContain('FAIL: 1 of 1'));
    expect(frame().split(HEADER[0]!)[0]).toBe(
      [
        '✗ payment-error-ratio  Payment error ratio under 1%  · failed · 20ms',
        '  FAIL: 1 of 1 series violate < 0.01',
        '    namespace  service   value',
        '    payments   payment  0.4123',
        '',
      ].join('\n'),
    );
    expect(frame()).toContain('▸ ✗ payment-error-ratio');
  });

  it('shows kubectl output with the exit code, and scrolls the full output with o', async () => {
    const { app, emit, frame } = mount();
    const excerpt = Array.from({ length: 20 }, (_, i) => `payment-gateway-${i}   1/1   Running   0   5m`).join('\n');
    emit({ type: 'step.started', step: 'gateway-pods', kind: 'kubectl', gated: false, command: { argv: ['kubectl', 'get', 'pods'] } });
    emit({ type: 'step.finished', step: 'gateway-pods', status: 'ok', durationMs: 60, output: { exitCode: 0, excerpt, truncated: true, bytes: 9000 } });
    await eventually(() => expect(frame()).toContain('… 5 more lines (press o to scroll)'));
    expect(frame()).toContain('  exit 0 · 9 kB · truncated: the first 869 B are shown');
    app.stdin.write('o');
    await eventually(() => expect(frame()).toContain('Output 1/1: gateway-pods  Gateway pods'));
    const live = frame().split('Output 1/1')[1]!;
    expect(live).toContain('payment-gateway-0 ');
    expect(live).toContain('lines 1–3 of 20');
    app.stdin.write('G');
    await eventually(() => expect(frame().split('Output 1/1')[1]).toContain('lines 18–20 of 20'));
    expect(frame().split('Output 1/1')[1]).toContain('payment-gateway-19 ');
    app.stdin.write('\u001B');
    await eventually(() => expect(frame()).not.toContain('Output 1/1'));
  });

  it('shows the running step as a card with its command and a spinner', async () => {
    const { emit, frame } = mount();
    emit({
      type: 'step.started',
      step: 'gateway-pods',
      kind: 'kubectl',
      gated: false,
      command: { argv: ['kubectl', '--context', 'sandbox', 'get', 'pods', '-n', 'payments', '-l', 'app=payment-gateway'] },
    });
    await eventually(() => expect(frame()).toContain('● gateway-pods · kubectl · Gateway pods'));
    expect(frame()).toContain('── Investigation › Pods and logs ──');
    expect(frame()).toContain('step 4 of 6');
    expect(frame()).toMatch(/● gateway-pods · kubectl · Gateway pods +⠋ 0ms\n {2}\$ kubectl --context sandbox get pods -n payments -l app=payment-gateway\n/);
  });
});

describe('notes and help', () => {
  it('n opens a note input; Enter saves it, Esc cancels', async () => {
    const { app, frame, onNote } = mount();
    app.stdin.write('n');
    await eventually(() => expect(frame()).toContain('Note: █  Enter save · Esc cancel'));
    app.stdin.write('paged DB team');
    // Keys that mean something elsewhere are text here.
    app.stdin.write(' a?');
    await eventually(() => expect(frame()).toContain('Note: paged DB team a?█'));
    app.stdin.write('\u007F');
    await eventually(() => expect(frame()).toContain('Note: paged DB team a█'));
    app.stdin.write('\r');
    await eventually(() => expect(frame()).toContain('✎ note saved: paged DB team a'));
    expect(onNote).toHaveBeenCalledExactlyOnceWith('paged DB team a');
    expect(frame()).not.toContain('Note: ');

    app.stdin.write('n');
    await eventually(() => expect(frame()).toContain('Note: █'));
    app.stdin.write('never mind');
    app.stdin.write('\u001B');
    await eventually(() => expect(frame()).not.toContain('Note: '));
    expect(onNote).toHaveBeenCalledTimes(1);
  });

  it('does not echo the operator\'s own note twice when its event comes back, but shows notes from elsewhere', async () => {
    const { app, emit, frame } = mount();
    app.stdin.write('n');
    await eventually(() => expect(frame()).toContain('Note: █'));
    app.stdin.write('rollback ready');
    app.stdin.write('\r');
    await eventually(() => expect(frame()).toContain('✎ note saved: rollback ready'));
    emit({ type: 'note', text: 'rollback ready', by: 'ana' });
    emit({ type: 'note', text: 'DB team joined', by: 'bo' });
    await eventually(() => expect(frame()).toContain('✎ note by bo: DB team joined'));
    expect(frame()).not.toContain('✎ note by ana');
  });

  it('? shows the keys and hides them again', async () => {
    const { app, frame } = mount();
    app.stdin.write('?');
    await eventually(() => expect(frame()).toContain('Keys\n'));
    expect(frame()).toContain('  n        add a note to the timeline');
    expect(frame()).toContain('  Ctrl-C   stop the running step and end the run (exit 130)');
    app.stdin.write('?');
    await eventually(() => expect(frame()).not.toContain('Keys\n'));
  });
});

describe('summary', () => {
  it('ends with Run finished, the counts, failed checks, mitigations and the export and resume commands', async () => {
    const { store, app, emit, frame } = mount();
    emit({ type: 'step.started', step: 'payment-error-ratio', kind: 'check', gated: false });
    emit({ type: 'step.finished', step: 'payment-error-ratio', status: 'failed', durationMs: 20, summary: 'FAIL: 1 of 1 series violate < 0.01' });
    const decision = store.openGate(restartGate());
    await eventually(() => expect(frame()).toContain('[a]pprove'));
    app.stdin.write('a');
    expect(await decision).toBe('approve');
    emit({ type: 'gate.decided', step: 'restart-gateway', decision: 'approved', by: 'ana', how: 'interactive' });
    emit({ type: 'step.started', step: 'restart-gateway', kind: 'mitigate', gated: true });
    emit({
      type: 'action.finished',
      step: 'restart-gateway',
      role: 'action',
      index: 0,
      command: { argv: ['kubectl', 'rollout', 'restart', 'deployment/payment-gateway', '-n', 'payments'] },
      status: 'ok',
      durationMs: 80,
      output: { exitCode: 0, excerpt: 'deployment.apps/payment-gateway restarted\n', truncated: false, bytes: 42 },
    });
    emit({ type: 'verify.polled', step: 'restart-gateway', attempt: 1, passed: false, summary: 'max 0.31' });
    await eventually(() => expect(frame()).toContain('verify attempt 1: FAIL  max 0.31'));
    emit({ type: 'step.finished', step: 'restart-gateway', status: 'passed', durationMs: 31_000, summary: 'PASS: verified after 4 polls' });
    emit({
      type: 'run.finished',
      status: 'failed',
      durationMs: 95_000,
      counts: { ok: 0, passed: 1, failed: 1, error: 0, skipped: 0, declined: 0, aborted: 0 },
    });
    await eventually(() => expect(frame()).toContain('Run finished'));
    const summary = frame().split(HEADER[2]!)[1]!;
    expect(summary).toBe(
      [
        '',
        '',
        // The outcome first (#20), wrapped rather than cut.
        'Outcome: mitigated — Mitigated by `restart-gateway`, applied, no verification of',
        ' its own',
        'Run finished: failed in 1m 35s',
        '  1 passed · 1 failed · 0 skipped · 0 declined',
        'Failed checks:',
        '  ✗ payment-error-ratio  Payment error ratio under 1% — FAIL: 1 of 1 series vio…',
        'Mitigations applied:',
        '  ✓ restart-gateway  Restart the payment gateway — passed',
        `Timeline: ${TIMELINE}`,
        'Write the postmortem:',
        // In the frame, never cut: wrapped at a space (the real terminal prints them after exit, unwrapped).
        '  runbook export',
        `${TIMELINE} --format`,
        'postmortem --out postmortem.md',
        'Resume this run:',
        '  runbook resume',
        TIMELINE,
      ].join('\n'),
    );
    expect(frame()).toContain('  ✓ action 1: $ kubectl rollout restart deployment/payment-gateway -n payments');
    expect(frame()).toContain('    deployment.apps/payment-gateway restarted');
    expect(frame()).toContain('runbook · Payment gateway timeout  [critical]                        LIVE  01:35');
  });
});

describe('colour', () => {
  it('without colour no escape code reaches the terminal', async () => {
    const { store, emit, frame, app } = mount({ color: false });
    emit({ type: 'step.started', step: 'payment-error-ratio', kind: 'check', gated: false });
    emit({ type: 'step.finished', step: 'payment-error-ratio', status: 'failed', durationMs: 20, summary: 'FAIL', violations: [] });
    void store.openGate(restartGate());
    app.stdin.write('n');
    await eventually(() => expect(frame()).toContain('Note: █'));
    for (const f of app.frames) expect(f).not.toMatch(/\u001B\[/);
    expect(app.frames.length).toBeGreaterThan(0);
  });
});
