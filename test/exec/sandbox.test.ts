/**
 * Acceptance: `runbook run` against the real sandbox Prometheus and the real kubectl talking to the API
 * stub. In-process through runCommand with an injected CliIO, and once as a real process.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/commands/run.js';
import { UsageError } from '../../src/errors.js';
import type { TimelineEvent } from '../../src/timeline/events.js';
import { OLD_POD, errorRatioQuery, startSandbox, waitForQuery, type Sandbox } from '../sandbox/index.js';
import { fakeKubectl, fixture, memoryIO, ofType } from './helpers.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const LEAD_RUNBOOK = join(ROOT, 'runbooks/payment-gateway-timeout.md');

const lines = (text: string): TimelineEvent[] => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as TimelineEvent);
const finished = (events: TimelineEvent[], step: string) => ofType(events, 'step.finished').find((e) => e.step === step);

function queryLogLines(sandbox: Sandbox): number {
  return existsSync(sandbox.queryLogPath) ? readFileSync(sandbox.queryLogPath, 'utf8').split('\n').filter(Boolean).length : 0;
}

describe('historical sandbox', () => {
  let sandbox: Sandbox;
  let cwd: string;
  beforeAll(async () => {
    sandbox = await startSandbox();
    cwd = mkdtempSync(join(tmpdir(), 'runbook-exec-run-'));
  });
  afterAll(async () => {
    await sandbox?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  const run = async (file: string, args: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => {
    const io = memoryIO({ env: { ...process.env, ...sandbox.kubeEnv, ...env }, cwd });
    const code = await runCommand(file, { prometheus: sandbox.prometheusUrl, context: sandbox.context, namespace: sandbox.namespace, ...args }, io);
    return { code, io, events: args.json ? lines(io.out()) : [] };
  };

  it.each([fixture('incident.md'), LEAD_RUNBOOK])('at 10:20 the payment error-ratio check fails and the gateway pods are listed (%s)', async (file) => {
    const timeline = join(cwd, `at-1020-${file.length}.jsonl`);
    const { code, events } = await run(file, { at: '2025-10-26T10:20:00Z', readOnly: true, json: true, timeline });
    expect(code).toBe(1);
    expect(ofType(events, 'run.started')[0]).toMatchObject({ mode: 'read-only', at: '2025-10-26T10:20:00.000Z', targets: { prometheus: sandbox.prometheusUrl } });
    const check = finished(events, 'payment-error-ratio')!;
    expect(check.status).toBe('failed');
    expect(Number(check.violations![0]!.value![1])).toBeGreaterThan(0.35);
    const pods = finished(events, 'gateway-pods')!;
    expect(pods.status).toBe('ok');
    expect(pods.output!.excerpt).toContain(OLD_POD);
    expect(pods.output!.excerpt).toContain('CrashLoopBackOff');
    // The mitigation is declined (read-only), and nothing was changed.
    const gate = ofType(events, 'gate.decided').find((e) => e.step === 'restart-gateway');
    expect(gate).toMatchObject({ decision: 'declined', how: 'read-only' });
    expect(sandbox.stub.mutations()).toEqual([]);
    // The timeline on disk holds the same events, in order.
    expect(lines(readFileSync(timeline, 'utf8'))).toEqual(events);
    expect(ofType(events, 'run.finished')[0]).toMatchObject({ status: 'failed' });
  });

  it.each([fixture('incident.md'), LEAD_RUNBOOK])('at 10:00 the same check passes (%s)', async (file) => {
    const { events } = await run(file, { at: '2025-10-26T10:00:00Z', readOnly: true, json: true, timeline: join(cwd, `at-1000-${file.length}.jsonl`) });
    expect(finished(events, 'payment-error-ratio')).toMatchObject({ status: 'passed' });
  });

  it('captures flow from PromQL and kubectl -o json into later steps', async () => {
    const { events } = await run(fixture('incident.md'), { at: '2025-10-26T10:20:00Z', readOnly: true, json: true, timeline: join(cwd, 'captures.jsonl') });
    expect(finished(events, 'error-ratio-by-service')!.captures).toMatchObject({ worst: 'payment' });
    expect(finished(events, 'gateway-pod-name')!.captures).toEqual({ pod: OLD_POD });
    expect(ofType(events, 'step.started').find((e) => e.step === 'last-termination')!.command!.argv).toEqual([
      'kubectl', '--context=sandbox', '--namespace=payments', 'get', 'pod', OLD_POD, '-o', 'jsonpath={.status.containerStatuses[0].lastState.terminated.reason}',
    ]);
    expect(finished(events, 'last-termination')).toMatchObject({ status: 'ok', captures: { reason: 'OOMKilled' } });
    expect(finished(events, 'worst-is-known')).toMatchObject({ status: 'passed' });
    const memory = finished(events, 'gateway-memory')!;
    expect(memory.result!.resultType).toBe('matrix');
    expect(memory.result!.series[0]!.values!.at(-1)![0]).toBe(Date.parse('2025-10-26T10:20:00Z') / 1000);
  });

  it('prints a plain one-line-per-event log without --json', async () => {
    const { code, io } = await run(fixture('incident.md'), { at: '2025-10-26T10:20:00Z', readOnly: true, timeline: join(cwd, 'plain.jsonl') }, { LANG: 'C' });
    expect(code).toBe(1);
    const out = io.out();
    expect(out).toMatch(/^\d\d:\d\d:\d\d\.\d{3} {2}x payment-error-ratio {2}failed {2}FAIL: 1 of 1 series violate < 0.01, max 0\.4\d+$/m);
    expect(out).toMatch(/^\d\d:\d\d:\d\d\.\d{3} {2}\? restart-gateway {2}gate declined \(read-only\) by /m);
    expect(out).toContain(OLD_POD);
    expect(io.err()).toContain('timeline: ');
  });

  it('--dry-run spawns no process, sends no query, and prints the resolved plan', async () => {
    const kube = fakeKubectl();
    try {
      const queriesBefore = queryLogLines(sandbox);
      const requestsBefore = sandbox.stub.requests().length;
      const timeline = join(cwd, 'dry.jsonl');
      const { code, io } = await run(fixture('incident.md'), { at: '2025-10-26T10:20:00Z', dryRun: true, approve: ['restart-gateway'], timeline }, { PATH: kube.path });
      expect(code).toBe(0);
      expect(kube.calls()).toEqual([]);
      expect(queryLogLines(sandbox)).toBe(queriesBefore);
      expect(sandbox.stub.requests()).toHaveLength(requestsBefore);
      const plan = io.out();
      expect(plan).toContain('query: sum(rate(http_requests_total{namespace="payments",service="payment",status=~"5.."}[5m]))');
      expect(plan).toContain(`target: prometheus ${sandbox.prometheusUrl}  at 2025-10-26T10:20:00.000Z`);
      expect(plan).toContain('argv: ["kubectl","--context=sandbox","--namespace=payments","get","pod","<steps.gateway-pod-name.pod>","-o","jsonpath={.status.containerStatuses[0].lastState.terminated.reason}"]');
      expect(plan).toMatch(/restart-gateway {2}mitigate {2}GATED/);
      expect(plan).toContain('argv: ["kubectl","--context=sandbox","--namespace=payments","rollout","restart","deployment/payment-gateway"]');
      expect(plan).toContain('target: kube context sandbox  namespace payments');
      const events = lines(readFileSync(timeline, 'utf8'));
      expect(ofType(events, 'run.started')[0]!.mode).toBe('dry-run');
      expect(ofType(events, 'gate.decided')).toMatchObject([{ step: 'restart-gateway', decision: 'declined', how: 'dry-run' }]);
    } finally {
      kube.cleanup();
    }
  });

  it('writes the timeline to .runbook/runs/<UTC timestamp>-<name>.jsonl by default; a clean run exits 0', async () => {
    const { code, events } = await run(fixture('incident.md'), { at: '2025-10-26T10:00:00Z', readOnly: true, json: true });
    // Every check passes at 10:00 and the declined mitigation alone is not a failure.
    expect(ofType(events, 'run.finished')[0]).toMatchObject({ status: 'ok', counts: { failed: 0, error: 0, declined: 1 } });
    expect(code).toBe(0);
    const files = readdirSync(join(cwd, '.runbook/runs'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{8}T\d{6}Z-incident\.jsonl$/);
    expect(lines(readFileSync(join(cwd, '.runbook/runs', files[0]!), 'utf8'))).toEqual(events);
  });

  it('an injected value never reaches a shell and never becomes a flag', async () => {
    const kube = fakeKubectl();
    try {
      const { code, events } = await run(
        fixture('injection.md'),
        { param: ['pod=x; rm -rf /', 'label=--kubeconfig=/tmp/evil'], approve: ['echo-pod'], json: true, timeline: join(cwd, 'inject.jsonl') },
        { PATH: kube.path },
      );
      expect(code).toBe(0);
      expect(kube.calls()).toEqual([['--context=sandbox', '--namespace=payments', 'get', 'pod', 'x; rm -rf /', '-l', 'app=--kubeconfig=/tmp/evil']]);
      const echo = finished(events, 'echo-pod')!;
      expect(echo.output!.excerpt).toBe('x; rm -rf /\nin quotes: x; rm -rf /\nsingle: x; rm -rf /\n');
      expect(ofType(events, 'step.started').find((e) => e.step === 'echo-pod')!.command!.argv).toEqual([
        'sh', '-c', `printf '%s\\n' "$RUNBOOK_P_pod" "in quotes: \${RUNBOOK_P_pod}" 'single: '"$RUNBOOK_P_pod"''`,
      ]);
      // A value that would be a flag is refused before anything runs: usage error, no process, no timeline.
      await expect(
        run(fixture('injection.md'), { param: ['pod=--kubeconfig=/tmp/evil'], json: true, timeline: join(cwd, 'refused.jsonl') }, { PATH: kube.path }),
      ).rejects.toThrow(UsageError);
      expect(kube.calls()).toHaveLength(1);
      expect(existsSync(join(cwd, 'refused.jsonl'))).toBe(false);
    } finally {
      kube.cleanup();
    }
  });

  it('the real kubectl gets the injected label as one selector value', async () => {
    const before = sandbox.stub.requests().length;
    const { events } = await run(fixture('labels.md'), { param: ['label=--kubeconfig=/tmp/evil'], json: true, timeline: join(cwd, 'labels.jsonl') });
    const step = finished(events, 'pods-by-label')!;
    const seen = sandbox.stub.requests().slice(before).filter((r) => r.path.endsWith('/pods'));
    // kubectl either sent the selector verbatim or refused it as a selector; it never read /tmp/evil as a kubeconfig.
    if (step.status === 'ok') expect(seen[0]!.query.labelSelector).toBe('app=--kubeconfig=/tmp/evil');
    else expect(step.error).toMatch(/selector|label|invalid/i);
    expect(step.error ?? '').not.toMatch(/\/tmp\/evil.*(no such file|not exist)/);
  });

  it('Prometheus errors become step errors carrying its own message', async () => {
    const { events } = await run(fixture('incident.md'), { at: '2025-10-26T10:20:00Z', readOnly: true, json: true, timeline: join(cwd, 'bad-url.jsonl'), prometheus: 'http://127.0.0.1:1' });
    expect(finished(events, 'payment-error-ratio')).toMatchObject({ status: 'error', error: expect.stringMatching(/Cannot reach Prometheus at http:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/) });
  });

  it('runs as a real process through main.ts', async () => {
    const result = await execa('npx', ['tsx', join(ROOT, 'src/cli/main.ts'), 'run', fixture('incident.md'), '--at', '2025-10-26T10:20:00Z', '--read-only', '--json',
      '--prometheus', sandbox.prometheusUrl, '--context', 'sandbox', '--namespace', 'payments', '--timeline', join(cwd, 'process.jsonl')], {
      // npx finds the project's tsx from the project folder.
      cwd: ROOT, env: { ...process.env, ...sandbox.kubeEnv }, reject: false,
    });
    expect(result.exitCode).toBe(1);
    const events = lines(result.stdout);
    expect(finished(events, 'payment-error-ratio')!.status).toBe('failed');
    expect(finished(events, 'gateway-pods')!.output!.excerpt).toContain(OLD_POD);
    expect(statSync(join(cwd, 'process.jsonl')).size).toBeGreaterThan(0);
  });
});

describe('live sandbox: the mitigation', () => {
  let sandbox: Sandbox;
  let cwd: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ live: true });
    cwd = mkdtempSync(join(tmpdir(), 'runbook-exec-live-'));
    // Wait until the outage is visible in the window the fixture's verification uses.
    await waitForQuery(sandbox.prometheusUrl, errorRatioQuery('checkout', '10s'), (v) => v !== undefined && v > 0.2, { timeoutMs: 20_000, intervalMs: 500 });
  });
  afterAll(async () => {
    await sandbox?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  const run = async (args: Record<string, unknown>) => {
    const io = memoryIO({ env: { ...process.env, ...sandbox.kubeEnv }, cwd });
    const code = await runCommand(fixture('incident.md'), { prometheus: sandbox.prometheusUrl, context: sandbox.context, json: true, ...args }, io);
    return { code, events: lines(io.out()) };
  };

  it('without --approve: no PATCH, and the timeline says declined', async () => {
    const { events } = await run({ timeline: join(cwd, 'declined.jsonl') });
    expect(sandbox.stub.mutations()).toEqual([]);
    expect(ofType(events, 'gate.decided')).toMatchObject([{ step: 'restart-gateway', decision: 'declined', how: 'non-interactive' }]);
    expect(finished(events, 'restart-gateway')!.status).toBe('declined');
    expect(ofType(events, 'action.finished')).toEqual([]);
  });

  it('with --approve: exactly one PATCH, and the verification goes from failing to passing', async () => {
    const { events } = await run({ approve: ['restart-gateway'], timeline: join(cwd, 'approved.jsonl') });
    const patches = sandbox.stub.mutations().filter((m) => m.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0]).toMatchObject({ path: '/apis/apps/v1/namespaces/payments/deployments/payment-gateway' });
    expect(ofType(events, 'gate.decided')).toMatchObject([{ step: 'restart-gateway', decision: 'approved', how: 'approve-flag' }]);
    expect(ofType(events, 'action.finished')).toMatchObject([{ role: 'action', status: 'ok', output: { excerpt: expect.stringContaining('restarted') } }]);
    const polls = ofType(events, 'verify.polled');
    expect(polls[0]!.passed).toBe(false);
    expect(polls.at(-1)!.passed).toBe(true);
    expect(finished(events, 'restart-gateway')).toMatchObject({ status: 'ok' });
  }, 90_000);
});
