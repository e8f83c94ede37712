/**
 * `oc` as a kubectl-compatible CLI: ```` ```kubectl {bin=oc} ```` steps use kubectl's verb table plus `oc`'s own
 * commands, gate the same way, and run as `oc`. `oc` cannot be installed here, so the real kubectl runs under the
 * name `oc` (a link in a temporary PATH) against the loopback API stub.
 */
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/commands/run.js';
import { preflight } from '../../src/exec/executor.js';
import { lintRunbook } from '../../src/lint/index.js';
import { parseRunbook } from '../../src/parse/index.js';
import { splitCommandLine } from '../../src/steps/command-line.js';
import { classifyKubectl, interactiveKubectl } from '../../src/steps/kubectl-verbs.js';
import { readTimeline } from '../../src/timeline/index.js';
import { memoryIO } from '../exec/helpers.js';
import { startKubeStub, type KubeStub } from '../sandbox/kube-stub.js';

const argv = (line: string): string[] => splitCommandLine(line).words.map((w) => w.value);

describe('oc commands in the one verb table', () => {
  it.each([
    ['oc get pods -n payments', true],
    ['oc -n payments describe deployment/payment-gateway', true],
    ['oc logs -l app=x --tail=10', true],
    ['oc whoami', true],
    ['oc whoami --show-server', true],
    ['oc status', true],
    ['oc adm top pods', true],
    ['oc adm top nodes', true],
    ['oc rollout status deployment/x --watch=false', true],
    ['oc whoami -t', false],
    ['oc whoami --show-token', false],
    ['oc adm drain node-1', false],
    ['oc adm cordon node-1', false],
    ['oc adm upgrade', false],
    ['oc adm inspect ns/payments', false],
    ['oc adm', false],
    ['oc project payments', false],
    ['oc new-app nginx', false],
    ['oc start-build gateway', false],
    ['oc rollout restart deployment/x', false],
    ['oc delete pod x', false],
    ['oc label namespace x a=b', false],
    ['oc rsh pod-1 ls', false],
    ['oc --token=x get pods', false],
    // A kubectl plugin called `oc` is not `oc`.
    ['kubectl oc get pods', false],
    ['kubectl whoami', false],
  ])('`%s` reads: %s', (line, reads) => {
    expect(classifyKubectl(argv(line)).readOnly).toBe(reads);
  });

  it.each([
    ['oc rsh pod-1', 'remote shell'],
    ['oc debug node/x', 'opens a shell'],
    ['oc login https://api.example:6443', 'oc login'],
    ['oc exec -it pod-1 -- bash', 'terminal'],
    ['oc logs -f pod-1', 'follows'],
    ['oc edit deployment/x', 'editor'],
  ])('`%s` cannot run in a step (%s)', (line, words) => {
    expect(interactiveKubectl(argv(line))?.reason).toContain(words);
  });

  it('`oc debug … -- cmd` and `oc rsh pod cmd` are not interactive (they are gated)', () => {
    expect(interactiveKubectl(argv('oc debug node/x -- chroot /host df -h'))).toBeUndefined();
    expect(interactiveKubectl(argv('oc rsh pod-1 ls /'))).toBeUndefined();
  });
});

const RUNBOOK = [
  '---',
  'title: OpenShift gateway',
  '---',
  '',
  '# OpenShift gateway',
  '',
  '```kubectl {#pods bin=oc}',
  'oc get pods -n payments',
  '```',
  '',
  ':::mitigate{#restart}',
  '```kubectl {bin=oc}',
  'oc -n payments rollout restart deployment/payment-gateway',
  '```',
  ':::',
  '',
].join('\n');

describe('kubectl {bin=oc} steps', () => {
  it('parse, lint clean, and plan as `oc` argv: the read ungated, the change gated', async () => {
    const { runbook, file } = parseRunbook(RUNBOOK, { path: 'oc.md' });
    expect(file.messages.filter((m) => m.fatal)).toEqual([]);
    const lint = await lintRunbook(RUNBOOK, { path: 'oc.md' });
    expect(lint.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId} ${m.message}`)).toEqual([]);
    const plan = preflight(runbook, { params: {}, targets: {}, at: null });
    expect(plan[0]).toMatchObject({ id: 'pods', gated: false, command: { argv: ['oc', 'get', 'pods', '-n', 'payments'], readOnly: true } });
    expect(plan[1]).toMatchObject({ id: 'restart', gated: true, mitigation: { actions: [{ argv: ['oc', '-n', 'payments', 'rollout', 'restart', 'deployment/payment-gateway'] }] } });
  });

  it('a write outside a mitigation is a lint error, as for kubectl', async () => {
    const source = RUNBOOK.replace('oc get pods -n payments', 'oc adm drain node-1');
    const lint = await lintRunbook(source, { path: 'oc.md' });
    expect(lint.messages.filter((m) => m.severity === 2).map((m) => `${m.line}:${m.column} ${m.ruleId}`)).toEqual(['8:4 kubectl-mutating-outside-gate']);
  });

  it('refuses a bin that is not kubectl-compatible (parse error at the attribute) and `oc …` without bin=oc (plan)', () => {
    const bad = parseRunbook(RUNBOOK.replace('{#pods bin=oc}', '{#pods bin=helm}'), { path: 'oc.md' });
    expect(bad.file.messages.filter((m) => m.fatal).map((m) => `${m.line}:${m.column} ${m.ruleId}`)).toEqual(['7:19 invalid-attribute']);
    const missing = parseRunbook(RUNBOOK.replace('{#pods bin=oc}', '{#pods}'), { path: 'oc.md' });
    expect(() => preflight(missing.runbook, { params: {}, targets: {}, at: null })).toThrow(/starts with `oc` but the step runs `kubectl`; add `\{bin=oc\}`/);
  });
});

describe('kubectl {bin=oc} against the API stub, with the real kubectl installed as `oc`', () => {
  let stub: KubeStub;
  let root: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    stub = await startKubeStub();
    root = mkdtempSync(join(tmpdir(), 'runbook-oc-'));
    const bin = join(root, 'bin');
    mkdirSync(bin);
    // Only `oc` on PATH: a step that ran `kubectl` would fail with "not found".
    symlinkSync(realpathSync('/usr/bin/kubectl'), join(bin, 'oc'));
    env = { PATH: bin, ...stub.env, LANG: 'C.UTF-8' };
    writeFileSync(join(root, 'oc.md'), RUNBOOK);
  });
  afterAll(async () => {
    await stub?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('--read-only runs the read through `oc` and declines the mitigation: nothing changes', async () => {
    stub.clearRequests();
    const io = memoryIO({ env, cwd: root });
    const timeline = join(root, 'ro.jsonl');
    const code = await runCommand('oc.md', { readOnly: true, timeline }, io);
    expect(code, io.err()).toBe(0);
    expect(stub.requests().some((r) => r.method === 'GET' && r.path.startsWith('/api/v1/namespaces/payments/pods'))).toBe(true);
    expect(stub.mutations()).toEqual([]);
    const { events } = await readTimeline(timeline);
    const started = events.find((e) => e.type === 'step.started' && e.step === 'pods') as { command?: { argv: string[] } } | undefined;
    expect(started?.command?.argv[0]).toBe('oc');
    expect(events.filter((e) => e.type === 'gate.decided')).toMatchObject([{ step: 'restart', decision: 'declined', how: 'read-only' }]);
  });

  it('an approved mitigation runs `oc rollout restart`, which reaches the API', async () => {
    stub.clearRequests();
    const io = memoryIO({ env, cwd: root });
    const code = await runCommand('oc.md', { approve: ['restart'], timeline: join(root, 'live.jsonl') }, io);
    expect(code, io.err()).toBe(0);
    expect(stub.mutations().map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual(['PATCH /apis/apps/v1/namespaces/payments/deployments/payment-gateway']);
    expect(readFileSync(join(root, 'live.jsonl'), 'utf8')).toContain('"argv":["oc","-n","payments","rollout","restart"');
  });
});
