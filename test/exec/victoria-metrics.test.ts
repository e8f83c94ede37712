/**
 * The executor end to end against a second Prometheus-API engine: the same backfilled incident in
 * Debian's VictoriaMetrics 1.79 and in Prometheus 2.42, the same runbooks run read-only against each, the
 * same step outcomes. runbook needs only the HTTP query API, so any engine that serves it must agree.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/commands/run.js';
import type { TimelineEvent } from '../../src/timeline/events.js';
import { OLD_POD, generateOpenMetrics, startSandbox, type Sandbox } from '../sandbox/index.js';
import { startVictoriaMetrics, type VictoriaMetricsInstance } from '../sandbox/victoria-metrics.js';
import { fixture, memoryIO, ofType } from './helpers.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const LEAD_RUNBOOK = join(ROOT, 'runbooks/payment-gateway-timeout.md');

const lines = (text: string): TimelineEvent[] => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as TimelineEvent);

describe('VictoriaMetrics and Prometheus give the same step outcomes', () => {
  let sandbox: Sandbox;
  let vm: VictoriaMetricsInstance;
  let cwd: string;
  beforeAll(async () => {
    [sandbox, vm] = await Promise.all([startSandbox(), startVictoriaMetrics(generateOpenMetrics())]);
    cwd = mkdtempSync(join(tmpdir(), 'runbook-exec-vm-'));
  });
  afterAll(async () => {
    await Promise.all([sandbox?.stop(), vm?.stop()]);
    rmSync(cwd, { recursive: true, force: true });
  });

  const run = async (engine: string, file: string, at: string) => {
    const io = memoryIO({ env: { ...process.env, ...sandbox.kubeEnv }, cwd });
    const timeline = join(cwd, `${engine}-${at.replace(/\W/g, '')}-${file.length}.jsonl`);
    const code = await runCommand(file, { prometheus: engine, context: sandbox.context, namespace: sandbox.namespace, at, readOnly: true, json: true, timeline }, io);
    const events = lines(io.out());
    const outcomes = Object.fromEntries(ofType(events, 'step.finished').map((e) => [e.step, e.status]));
    return { code, events, outcomes };
  };

  it.each([
    [fixture('incident.md'), '2025-10-26T10:20:00Z'],
    [fixture('incident.md'), '2025-10-26T10:00:00Z'],
    [LEAD_RUNBOOK, '2025-10-26T10:20:00Z'],
    [LEAD_RUNBOOK, '2025-10-26T10:00:00Z'],
  ])('%s at %s', async (file, at) => {
    const prom = await run(sandbox.prometheusUrl, file, at);
    const victoria = await run(vm.url, file, at);
    // The VictoriaMetrics run really queried VictoriaMetrics and found the incident's data.
    expect(ofType(victoria.events, 'run.started')[0]).toMatchObject({ targets: { prometheus: vm.url } });
    expect(Object.keys(victoria.outcomes).length).toBeGreaterThan(3);
    expect(Object.values(victoria.outcomes)).not.toContain('error');
    expect(victoria.outcomes).toEqual(prom.outcomes);
    expect(victoria.code).toBe(prom.code);
    const check = ofType(victoria.events, 'step.finished').find((e) => e.step === 'payment-error-ratio')!;
    if (at.includes('10:20')) {
      expect(check.status).toBe('failed');
      expect(Number(check.violations![0]!.value![1])).toBeGreaterThan(0.35);
      expect(ofType(victoria.events, 'step.finished').find((e) => e.step === 'gateway-pods')!.output!.excerpt).toContain(OLD_POD);
    } else {
      expect(check.status).toBe('passed');
    }
  });
});
