/**
 * The run's outcome (src/exec/outcome.ts): check roles by place and `role=`, and the outcome of real runs
 * against the sandbox (the real Prometheus, the real kubectl and the API stub), each with the first line of
 * the plain summary.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/commands/run.js';
import { assessRun, checkRoles } from '../../src/exec/outcome.js';
import type { TimelineEvent } from '../../src/timeline/events.js';
import { errorRatioQuery, startSandbox, waitForQuery, type Sandbox } from '../sandbox/index.js';
import { fixture, memoryIO, runbookFrom } from './helpers.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const LEAD_RUNBOOK = join(ROOT, 'runbooks/payment-gateway-timeout.md');

const readTimeline = (file: string): TimelineEvent[] => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TimelineEvent);
const finishedEvent = (events: TimelineEvent[]) => events.find((e) => e.type === 'run.finished');

/** The plain summary: everything after the `run.finished` line, which it must follow directly. */
function plainSummary(out: string): string[] {
  const lines = out.trimEnd().split('\n');
  const end = lines.findIndex((l) => /^\S+ {2}[■#] run /.test(l));
  expect(end, out).toBeGreaterThanOrEqual(0);
  return lines.slice(end + 1);
}

describe('check roles', () => {
  it('by place, by section and by role=', () => {
    const runbook = runbookFrom(
      [
        '# T',
        '## Detection',
        '```check {#a}', 'up', '```',
        '```check {#forced role=recovery}', 'up', '```',
        '## Mitigation',
        '```check {#before-mitigation}', 'up', '```',
        ':::mitigate{#m}', '```kubectl', 'kubectl rollout restart deploy/x', '```', ':::',
        '```check {#after}', 'up', '```',
        '## Diagnosis again',
        '```check {#diagnosis-after}', 'up', '```',
        '## Verification',
        '```check {#verify}', 'up', '```',
        '```check {#symptom-forced role=symptom}', 'up', '```',
      ].join('\n'),
    );
    expect(Object.fromEntries(checkRoles(runbook))).toEqual({
      a: 'symptom',
      forced: 'recovery',
      'before-mitigation': 'symptom',
      after: 'recovery',
      'diagnosis-after': 'symptom',
      verify: 'recovery',
      'symptom-forced': 'symptom',
    });
  });

  it('timelines without recorded roles are read by place', () => {
    const base = { v: 1 as const, run: 'r', time: '2025-10-26T10:20:00.000Z' };
    let seq = 0;
    const e = (event: Record<string, unknown>) => ({ ...base, seq: ++seq, ...event }) as TimelineEvent;
    const events = [
      e({ type: 'step.started', step: 'c1', kind: 'check', gated: false }),
      e({ type: 'step.finished', step: 'c1', status: 'failed', durationMs: 1 }),
      e({ type: 'gate.decided', step: 'm', decision: 'approved', by: 'ana', how: 'interactive' }),
      e({ type: 'step.started', step: 'm', kind: 'mitigate', gated: true }),
      e({ type: 'verify.polled', step: 'm', attempt: 1, passed: true, time: '2025-10-26T10:20:35.000Z' }),
      e({ type: 'step.finished', step: 'm', status: 'ok', durationMs: 35_000 }),
      e({ type: 'step.started', step: 'c2', kind: 'check', gated: false }),
      e({ type: 'step.finished', step: 'c2', status: 'failed', durationMs: 1 }),
      e({ type: 'run.finished', status: 'failed', durationMs: 40_000, counts: { ok: 1, passed: 0, failed: 2, error: 0, skipped: 0, declined: 0, aborted: 0 } }),
    ];
    const report = assessRun(events);
    expect(report.outcome).toBe('not-recovered');
    expect(report.confirmed.map((s) => s.step)).toEqual(['c1']);
    expect(report.stillFailing.map((s) => s.step)).toEqual(['c2']);
    expect(report.mitigations).toMatchObject([{ step: 'm', result: 'verified', verifiedAfterMs: 35_000 }]);
    // Without the failing recovery check the same run is mitigated; an interrupted one stays interrupted.
    const recovered = events.filter((x) => !('step' in x) || x.step !== 'c2');
    expect(assessRun(recovered)).toMatchObject({ outcome: 'mitigated', headline: 'Mitigated by `m`, verified 35 s after approval' });
    expect(assessRun(recovered.slice(0, -1)).outcome).toBe('interrupted');
  });
});

describe('outcome on the historical sandbox', () => {
  let sandbox: Sandbox;
  let cwd: string;
  beforeAll(async () => {
    sandbox = await startSandbox();
    cwd = mkdtempSync(join(tmpdir(), 'runbook-outcome-'));
  });
  afterAll(async () => {
    await sandbox?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  const run = async (file: string, args: Record<string, unknown>) => {
    const io = memoryIO({ env: { ...process.env, ...sandbox.kubeEnv, LANG: 'C.UTF-8' }, cwd });
    const timeline = join(cwd, `${Math.random().toString(36).slice(2)}.jsonl`);
    const code = await runCommand(file, { prometheus: sandbox.prometheusUrl, context: sandbox.context, namespace: sandbox.namespace, timeline, ...args }, io);
    return { code, out: io.out(), events: readTimeline(timeline) };
  };

  it('read-only at 10:20: symptoms-confirmed, and the exit code stays 1', async () => {
    const { code, out, events } = await run(LEAD_RUNBOOK, { at: '2025-10-26T10:20:00Z', readOnly: true });
    expect(code).toBe(1);
    const summary = plainSummary(out);
    expect(summary[0]).toMatch(/^Outcome: symptoms-confirmed — Symptoms confirmed: `payment-error-ratio`.*; nothing was applied \(`restart-gateway` not run\)$/);
    expect(summary).toContain('Symptoms confirmed:');
    expect(summary.find((l) => l.includes('✗ payment-error-ratio'))).toMatch(/ — confirmed: FAIL: /);
    expect(finishedEvent(events)).toMatchObject({ status: 'failed', outcome: 'symptoms-confirmed' });
    expect(events.find((e) => e.type === 'step.started' && e.step === 'payment-error-ratio')).toMatchObject({ role: 'symptom' });
    expect(events.find((e) => e.type === 'step.started' && e.step === 'all-services-healthy')).toMatchObject({ role: 'recovery' });
  });

  it('read-only at 10:00: no-symptoms, exit 0 with --exit-on-outcome', async () => {
    const { code, out, events } = await run(LEAD_RUNBOOK, { at: '2025-10-26T10:00:00Z', readOnly: true, exitOnOutcome: true });
    const summary = plainSummary(out);
    expect(summary[0]).toMatch(/^Outcome: no-symptoms — No symptoms: `payment-error-ratio`, .* not seen$/);
    expect(summary.find((l) => l.includes('✓ payment-error-ratio'))).toMatch(/ — not seen$/);
    expect(finishedEvent(events)).toMatchObject({ outcome: 'no-symptoms' });
    expect(code).toBe(0);
  });

  it('a mitigation whose verification times out: not-recovered (exit 1; 4 with --exit-on-outcome)', async () => {
    const file = join(cwd, 'never-recovers.md');
    writeFileSync(
      file,
      [
        '---',
        'title: Never recovers',
        '---',
        '# Never recovers',
        '## Symptoms',
        '```check {#payment-error-ratio expect="< 0.01"}',
        'sum(rate(http_requests_total{service="checkout",status=~"5.."}[5m])) / sum(rate(http_requests_total{service="checkout"}[5m]))',
        '```',
        '## Mitigation',
        ':::mitigate{#restart-gateway}',
        '```kubectl',
        'kubectl rollout restart deployment/payment-gateway',
        '```',
        // At a fixed --at the error ratio never falls, so the verification runs out of time.
        '```check {expect="< 0.01" within=2s every=1s}',
        'sum(rate(http_requests_total{service="checkout",status=~"5.."}[5m])) / sum(rate(http_requests_total{service="checkout"}[5m]))',
        '```',
        ':::',
        '',
      ].join('\n'),
    );
    const plain = await run(file, { at: '2025-10-26T10:20:00Z', approve: ['restart-gateway'] });
    expect(plain.code).toBe(1);
    const summary = plainSummary(plain.out);
    expect(summary[0]).toBe('Outcome: not-recovered — Not recovered: `restart-gateway` applied, but `restart-gateway` still fails');
    expect(summary).toContain('  ✗ restart-gateway — applied, verification failed');
    expect(finishedEvent(plain.events)).toMatchObject({ status: 'failed', outcome: 'not-recovered' });
    const scripted = await run(file, { at: '2025-10-26T10:20:00Z', approve: ['restart-gateway'], exitOnOutcome: true, json: true });
    expect(scripted.code).toBe(4);
    expect(finishedEvent(scripted.events)).toMatchObject({ outcome: 'not-recovered' });
  }, 30_000);
});

describe('outcome on the live sandbox', () => {
  let sandbox: Sandbox;
  let cwd: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ live: true });
    cwd = mkdtempSync(join(tmpdir(), 'runbook-outcome-live-'));
    await waitForQuery(sandbox.prometheusUrl, errorRatioQuery('checkout', '10s'), (v) => v !== undefined && v > 0.2, { timeoutMs: 20_000, intervalMs: 500 });
  });
  afterAll(async () => {
    await sandbox?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('the restart approved and verified: mitigated, though the symptom check failed (exit 1; 0 with --exit-on-outcome)', async () => {
    const io = memoryIO({ env: { ...process.env, ...sandbox.kubeEnv, LANG: 'C.UTF-8' }, cwd });
    const timeline = join(cwd, 'approved.jsonl');
    const code = await runCommand(
      fixture('incident.md'),
      { prometheus: sandbox.prometheusUrl, context: sandbox.context, approve: ['restart-gateway'], exitOnOutcome: true, timeline },
      io,
    );
    const summary = plainSummary(io.out());
    expect(summary[0]).toMatch(/^Outcome: mitigated — Mitigated by `restart-gateway`, verified \d+ s after approval$/);
    expect(summary.find((l) => l.includes('payment-error-ratio'))).toMatch(/ — confirmed: FAIL: /);
    const events = readTimeline(timeline);
    expect(finishedEvent(events)).toMatchObject({ status: 'failed', outcome: 'mitigated' });
    expect(code).toBe(0);
  }, 90_000);
});
