/**
 * `runbook exec`: ad-hoc steps in a run's timeline, against the historical sandbox (real Prometheus, the
 * real kubectl talking to the API stub). The run is a real `runbook run` of the lead runbook.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execCommand } from '../../src/cli/commands/exec.js';
import { exportCommand } from '../../src/cli/commands/export.js';
import { runCommand } from '../../src/cli/commands/run.js';
import { UsageError } from '../../src/errors.js';
import { validateTimelineEvent } from '../../src/timeline/schema.js';
import type { TimelineEvent } from '../../src/timeline/events.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { memoryIO, ofType } from '../exec/helpers.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'dist/cli.js');
const LEAD_RUNBOOK = join(ROOT, 'runbooks/payment-gateway-timeout.md');

const lines = (text: string): TimelineEvent[] => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as TimelineEvent);

describe('runbook exec on the historical sandbox', () => {
  let sandbox: Sandbox;
  let cwd: string;
  beforeAll(async () => {
    sandbox = await startSandbox();
    cwd = mkdtempSync(join(tmpdir(), 'runbook-learn-exec-'));
    copyFileSync(LEAD_RUNBOOK, join(cwd, 'runbook.md'));
  });
  afterAll(async () => {
    await sandbox?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  const env = (): NodeJS.ProcessEnv => ({ ...process.env, ...sandbox.kubeEnv, LANG: 'C' });
  const run = async (timeline: string, args: Record<string, unknown> = {}) => {
    const io = memoryIO({ env: env(), cwd });
    const code = await runCommand('runbook.md', { prometheus: sandbox.prometheusUrl, context: sandbox.context, namespace: sandbox.namespace, at: '2025-10-26T10:20:00Z', timeline, json: true, ...args }, io);
    return { code, io };
  };
  const exec = async (timeline: string, kind: string, body: string[], options: Record<string, unknown> = {}) => {
    const io = memoryIO({ env: env(), cwd });
    const code = await execCommand(timeline, kind, body, { json: true, ...options }, io);
    return { code, io, events: lines(io.out()) };
  };

  it('records a read as an ad-hoc step after the last runbook step, in its section, leaving earlier bytes as they were', async () => {
    const timeline = join(cwd, 'read.jsonl');
    expect((await run(timeline)).code).toBe(1);
    const before = readFileSync(timeline);
    const { code, events } = await exec(timeline, 'kubectl', ['get', 'deployments', '-n', 'payments']);
    expect(code).toBe(0);
    const after = readFileSync(timeline);
    expect(after.subarray(0, before.length).equals(before)).toBe(true);
    const all = lines(after.toString('utf8'));
    expect(all.slice(-events.length)).toEqual(events);
    for (const e of all) expect(validateTimelineEvent(e).errors).toEqual([]);
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    const run0 = ofType(all, 'run.started')[0]!;
    expect(new Set(all.map((e) => e.run))).toEqual(new Set([run0.run]));

    expect(events.map((e) => e.type)).toEqual(['step.added', 'step.started', 'step.finished']);
    expect(events[0]).toMatchObject({
      type: 'step.added',
      step: 'get-deployments',
      kind: 'kubectl',
      title: 'kubectl get deployments -n payments',
      body: 'get deployments -n payments',
      after: 'all-services-healthy',
      section: ['Payment gateway timeout', 'Resolution'],
      via: 'exec',
    });
    const startedStep = ofType(events, 'step.started')[0]!;
    expect(startedStep).toMatchObject({ step: 'get-deployments', gated: false });
    expect(startedStep.position).toBeUndefined();
    expect(startedStep.command!.argv).toEqual(['kubectl', '--context=sandbox', 'get', 'deployments', '-n', 'payments']);
    const finishedStep = ofType(events, 'step.finished')[0]!;
    expect(finishedStep.status).toBe('ok');
    expect(finishedStep.output!.excerpt).toContain('payment-gateway');
    // A second ad-hoc step gets its own id, and still goes after the last runbook step.
    const second = await exec(timeline, 'kubectl', ['get', 'deployments', '-n', 'payments']);
    expect(second.events[0]).toMatchObject({ type: 'step.added', step: 'get-deployments-2', after: 'all-services-healthy' });

    // The postmortem marks them in the timeline table and proposes adding each to the runbook, owner/priority/due to fill.
    const out = memoryIO({ env: env(), cwd });
    expect(await exportCommand(timeline, { format: 'postmortem' }, out)).toBe(0);
    const postmortem = out.out();
    expect(postmortem).toMatch(/\| Ad-hoc step kubectl `get-deployments` kubectl get deployments -n payments added \(not in the runbook\) — `kubectl get deployments -n payments` \| by \S+ \(`runbook exec`\) \|/);
    expect(postmortem).toMatch(/\| kubectl `get-deployments` kubectl get deployments -n payments \(ad hoc\) — `kubectl get deployments -n payments` \| OK/);
    const items = postmortem.split('\n').filter((l) => l.startsWith('| Add to the runbook:'));
    expect(items).toHaveLength(2);
    expect(items[0]).toMatch(/^\| Add to the runbook: ad-hoc step `get-deployments` \(kubectl get deployments -n payments\), kubectl `get deployments -n payments`, run by \S+ at \d\d:\d\d(:\d\d)? UTC \(`runbook learn` proposes it\) \| TODO \(P0–P2\) \| TODO \| TODO \(YYYY-MM-DD\) \|$/);
  });

  it('a mutating kubectl command without --approve sends nothing to the stub and records the declined gate; with --approve it runs once', async () => {
    const timeline = join(cwd, 'write.jsonl');
    await run(timeline);
    sandbox.stub.clearRequests();
    const declined = await exec(timeline, 'kubectl', ['scale', 'deployment/checkout', '--replicas=3', '-n', 'payments'], { title: 'Scale out checkout' });
    expect(declined.code).toBe(0);
    expect(sandbox.stub.requests()).toEqual([]);
    expect(declined.events.map((e) => e.type)).toEqual(['step.added', 'gate.decided', 'step.finished']);
    expect(declined.events[1]).toMatchObject({ type: 'gate.decided', step: 'scale-deployment-checkout', decision: 'declined', how: 'non-interactive' });
    expect(declined.events[2]).toMatchObject({ type: 'step.finished', status: 'declined' });

    const approved = await exec(timeline, 'kubectl', ['scale', 'deployment/checkout', '--replicas=3', '-n', 'payments'], { approve: true });
    expect(approved.code).toBe(0);
    expect(approved.events.map((e) => e.type)).toEqual(['step.added', 'gate.decided', 'step.started', 'step.finished']);
    expect(approved.events[1]).toMatchObject({ decision: 'approved', how: 'approve-flag', step: 'scale-deployment-checkout-2' });
    const mutations = sandbox.stub.mutations();
    expect(mutations).toHaveLength(1);
    expect(mutations[0]!.path).toContain('/deployments/checkout');
    expect(sandbox.stub.deployment('checkout')).toMatchObject({ spec: { replicas: 3 } });
  });

  it('a read-only run declines an ad-hoc write even with --approve; PromQL runs at the run\'s --at', async () => {
    const timeline = join(cwd, 'read-only.jsonl');
    await run(timeline, { readOnly: true });
    sandbox.stub.clearRequests();
    const write = await exec(timeline, 'sh', ['echo', 'hi'], { approve: true });
    expect(write.events[1]).toMatchObject({ type: 'gate.decided', decision: 'declined', how: 'read-only' });
    expect(ofType(write.events, 'step.started')).toEqual([]);
    const query = await exec(timeline, 'promql', ['sum(up)']);
    expect(query.code).toBe(0);
    expect(ofType(query.events, 'step.started')[0]!.command).toMatchObject({ query: 'sum(up)', time: '2025-10-26T10:20:00.000Z' });
    expect(ofType(query.events, 'step.finished')[0]).toMatchObject({ status: 'ok' });
  });

  it('refuses an unknown kind, an empty body and a body that cannot be planned, appending nothing', async () => {
    const timeline = join(cwd, 'refused.jsonl');
    await run(timeline, { readOnly: true });
    const before = readFileSync(timeline);
    await expect(exec(timeline, 'bash', ['ls'])).rejects.toThrow(UsageError);
    await expect(exec(timeline, 'kubectl', [])).rejects.toThrow(/has no body/);
    await expect(exec(timeline, 'kubectl', ['exec', '-it', 'pod', '--', 'sh'])).rejects.toThrow(/nothing was run or recorded/);
    await expect(exec(timeline, 'kubectl', ['get', 'pods', '-n', '{{nope}}'])).rejects.toThrow(/nothing was run or recorded/);
    await expect(exec(join(cwd, 'missing.jsonl'), 'kubectl', ['get', 'pods'])).rejects.toThrow(/no timeline/);
    expect(readFileSync(timeline).equals(before)).toBe(true);
  });

  it('appends beside a run that is still writing: earlier bytes unchanged, seq strictly in order', async () => {
    const timeline = join(cwd, 'concurrent.jsonl');
    const go = join(cwd, 'go');
    writeFileSync(
      join(cwd, 'waiting.md'),
      [
        '---', 'title: Waiting', '---', '', '# Waiting', '', '## Investigation', '',
        '```promql {#up title="Up"}', 'sum(up)', '```', '',
        '```sh {#wait title="Wait for go" timeout=60s}', `while [ ! -f ${go} ]; do sleep 0.05; done; echo go`, '```', '',
        '```promql {#after title="After"}', 'sum(up)', '```', '',
      ].join('\n'),
    );
    const io = memoryIO({ env: env(), cwd });
    const running = runCommand('waiting.md', { prometheus: sandbox.prometheusUrl, approve: ['wait'], timeline, json: true }, io);
    while (!(existsSync(timeline) && readFileSync(timeline, 'utf8').includes('"step.started","step":"wait"'))) await new Promise((r) => setTimeout(r, 20));
    const before = readFileSync(timeline);
    const added = await exec(timeline, 'promql', ['count(up)'], { title: 'How many targets' });
    expect(added.code).toBe(0);
    expect(added.events[0]).toMatchObject({ type: 'step.added', after: 'up', section: ['Waiting', 'Investigation'] });
    expect(readFileSync(timeline).subarray(0, before.length).equals(before)).toBe(true);
    const middle = readFileSync(timeline);
    writeFileSync(go, '');
    expect(await running).toBe(0);
    const final = readFileSync(timeline);
    expect(final.subarray(0, middle.length).equals(middle)).toBe(true);
    const all = lines(final.toString('utf8'));
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all.map((e) => `${e.type}${'step' in e ? ` ${e.step}` : ''}`)).toEqual([
      'run.started', 'step.started up', 'step.finished up', 'gate.decided wait', 'step.started wait',
      'step.added promql-up', 'step.started promql-up', 'step.finished promql-up',
      'step.finished wait', 'step.started after', 'step.finished after', 'run.finished',
    ]);
  });

  it('works as a real process: `--` ends the options, --new starts a timeline of ad-hoc steps', async () => {
    const timeline = join(cwd, 'new.jsonl');
    const result = await execa('node', [BIN, 'exec', timeline, 'kubectl', '--new', 'Checkout is slow', '--context', sandbox.context, '--json', '--', 'get', 'pods', '-n', 'payments'], { cwd, env: env(), reject: false });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const all = lines(readFileSync(timeline, 'utf8'));
    expect(all.map((e) => e.type)).toEqual(['run.started', 'step.added', 'step.started', 'step.finished']);
    expect(all[0]).toMatchObject({ runbook: { path: '', title: 'Checkout is slow' }, targets: { context: 'sandbox' }, mode: 'live' });
    expect(all[1]).toMatchObject({ step: 'get-pods', body: 'get pods -n payments' });
    expect(all[3]).toMatchObject({ status: 'ok' });
    const again = await execa('node', [BIN, 'exec', timeline, 'kubectl', '--new', 'Again', '--', 'get', 'pods'], { cwd, env: env(), reject: false });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/already holds events/);
  });
});
