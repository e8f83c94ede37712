/**
 * `runbook new --from`: a runbook from an incident that had none — six ad-hoc steps recorded with
 * `runbook exec --new` / `runbook exec` against the historical sandbox.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execCommand } from '../../src/cli/commands/exec.js';
import { newCommand } from '../../src/cli/commands/new.js';
import { runCommand } from '../../src/cli/commands/run.js';
import { UsageError } from '../../src/errors.js';
import { lintRunbook } from '../../src/lint/index.js';
import { parseRunbook } from '../../src/parse/index.js';
import type { TimelineEvent } from '../../src/timeline/events.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { memoryIO, ofType } from '../exec/helpers.js';

const BIN = new URL('../../dist/cli.js', import.meta.url).pathname;
const lines = (text: string): TimelineEvent[] => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as TimelineEvent);

describe('runbook new --from on the historical sandbox', () => {
  let sandbox: Sandbox;
  let cwd: string;
  beforeAll(async () => {
    sandbox = await startSandbox();
    cwd = mkdtempSync(join(tmpdir(), 'runbook-learn-new-'));
  });
  afterAll(async () => {
    await sandbox?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });
  const io = () => memoryIO({ env: { ...process.env, ...sandbox.kubeEnv, LANG: 'C' }, cwd });

  it('six ad-hoc steps give a runbook in the usual sections that parses, lints clean and runs', async () => {
    const timeline = join(cwd, 'incident.jsonl');
    const exec = (kind: string, body: string[], options: Record<string, unknown> = {}) => execCommand(timeline, kind, body, { json: true, ...options }, io());
    expect(await exec('check', ['payment_gateway_up{namespace="payments"} == 0'], {
      new: 'Payments are failing', prometheus: sandbox.prometheusUrl, context: sandbox.context, namespace: sandbox.namespace, at: '2025-10-26T10:20:00Z', title: 'Gateway reports up',
    })).toBe(1);
    expect(await exec('promql', ['sum by (service) (rate(http_requests_total{namespace="payments"}[5m]))'], { title: 'Request rate by service' })).toBe(0);
    expect(await exec('kubectl', ['get', 'pods'])).toBe(0);
    expect(await exec('kubectl', ['get', 'events'])).toBe(0);
    expect(await exec('kubectl', ['delete', 'pod', 'payment-gateway-x'])).toBe(0); // declined: listed, not a step
    expect(await exec('kubectl', ['rollout', 'restart', 'deployment/payment-gateway'], { approve: true, title: 'Restart the gateway' })).toBe(0);
    expect(await exec('promql', ['max(container_memory_usage_bytes{namespace="payments",container="gateway"})'])).toBe(0);
    const events = lines(readFileSync(timeline, 'utf8'));
    expect(ofType(events, 'step.added')).toHaveLength(7);

    const out = join(cwd, 'payments-failing.md');
    const made = io();
    expect(await newCommand({ from: timeline, out }, made)).toBe(0);
    const text = readFileSync(out, 'utf8');
    const { runbook, file } = parseRunbook(text, { path: out });
    expect(file.messages.filter((m) => m.fatal)).toEqual([]);
    const lint = lintRunbook(text, { path: out });
    expect(lint.errorCount).toBe(0);
    // The one warning: the restart has no verifying check, which only a person can write.
    expect(lint.messages.map((m) => m.ruleId)).toEqual(['mitigate-verify']);
    expect(runbook.meta).toMatchObject({ title: 'Payments are failing', namespace: 'payments' });
    expect(runbook.sections.children[0]!.children.map((s) => s.title)).toEqual(['Symptoms', 'Detection', 'Investigation', 'Diagnosis', 'Mitigation', 'Resolution', 'Prevention', `Learned on ${events[0]!.time.slice(0, 10)}`]);
    const where = Object.fromEntries(runbook.steps.map((s) => [s.id, `${s.section.at(-1)} ${s.kind}`]));
    expect(where).toEqual({
      'check-payment-gateway-up': 'Detection check',
      'promql-http-requests-total': 'Investigation promql',
      'get-pods': 'Investigation kubectl',
      'get-events': 'Investigation kubectl',
      'rollout-restart': 'Mitigation mitigate',
      'promql-container-memory-usage-bytes': 'Investigation promql',
    });
    expect(runbook.steps.find((s) => s.id === 'rollout-restart')).toMatchObject({ title: 'Restart the gateway', body: 'kubectl rollout restart deployment/payment-gateway' });
    expect(text).toContain('- `delete-pod` (kubectl `delete pod payment-gateway-x`) was declined at its gate (non-interactive).');

    // It runs: reads run, the restart stops at its gate.
    const ran = io();
    sandbox.stub.clearRequests();
    const code = await runCommand(out, { prometheus: sandbox.prometheusUrl, context: sandbox.context, at: '2025-10-26T10:20:00Z', json: true, timeline: join(cwd, 'rerun.jsonl') }, ran);
    const rerun = lines(ran.out());
    expect(code).toBe(1);
    expect(ofType(rerun, 'step.finished').map((e) => `${e.step} ${e.status}`)).toEqual([
      'check-payment-gateway-up failed', 'promql-http-requests-total ok', 'get-pods ok', 'get-events ok', 'promql-container-memory-usage-bytes ok', 'rollout-restart declined',
    ]);
    expect(sandbox.stub.mutations()).toEqual([]);

    // --out never overwrites; stdout is the same text.
    await expect(newCommand({ from: timeline, out }, io())).rejects.toThrow(/already exists/);
    const printed = await execa('node', [BIN, 'new', '--from', timeline], { cwd, reject: false });
    expect(printed.exitCode).toBe(0);
    expect(printed.stdout + '\n').toBe(text);
  });

  it('refuses without --from, and a timeline with no ad-hoc step that ran', async () => {
    await expect(newCommand({}, io())).rejects.toThrow(UsageError);
    const timeline = join(cwd, 'empty.jsonl');
    expect(await execCommand(timeline, 'sh', ['rm', '-rf', '/tmp/nothing'], { new: 'Nothing ran' }, io())).toBe(0);
    await expect(newCommand({ from: timeline }, io())).rejects.toThrow(/no ad-hoc step that ran/);
    expect(existsSync(join(cwd, 'nothing.md'))).toBe(false);
  });
});
