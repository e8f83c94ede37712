/**
 * `runbook learn` on real runs of the lead runbook against the historical sandbox: ad-hoc steps recorded
 * with `runbook exec` come back as typed steps in the right section, the rest of the file byte for byte.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execCommand } from '../../src/cli/commands/exec.js';
import { learnCommand } from '../../src/cli/commands/learn.js';
import { runCommand } from '../../src/cli/commands/run.js';
import { UsageError } from '../../src/errors.js';
import { lintRunbook } from '../../src/lint/index.js';
import { parseRunbook } from '../../src/parse/index.js';
import type { TimelineEvent } from '../../src/timeline/events.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { memoryIO, ofType } from '../exec/helpers.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const LEAD_RUNBOOK = join(ROOT, 'runbooks/payment-gateway-timeout.md');

const lines = (text: string): TimelineEvent[] => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as TimelineEvent);

describe('runbook learn on the historical sandbox', () => {
  let sandbox: Sandbox;
  let cwd: string;
  const original = readFileSync(LEAD_RUNBOOK, 'utf8');
  beforeAll(async () => {
    sandbox = await startSandbox();
    cwd = mkdtempSync(join(tmpdir(), 'runbook-learn-'));
  });
  afterAll(async () => {
    await sandbox?.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  const env = (): NodeJS.ProcessEnv => ({ ...process.env, ...sandbox.kubeEnv, LANG: 'C' });
  const io = () => memoryIO({ env: env(), cwd });
  const run = async (file: string, timeline: string, args: Record<string, unknown> = {}) => {
    const out = io();
    const code = await runCommand(file, { prometheus: sandbox.prometheusUrl, context: sandbox.context, at: '2025-10-26T10:20:00Z', timeline, json: true, ...args }, out);
    return { code, events: lines(out.out()) };
  };
  const exec = async (timeline: string, kind: string, body: string[], options: Record<string, unknown> = {}) => execCommand(timeline, kind, body, { json: true, ...options }, io());
  const learn = async (timeline: string, options: Record<string, unknown> = {}) => {
    const out = io();
    const code = await learnCommand(timeline, options, out);
    return { code, out: out.out(), err: out.err() };
  };

  /** A read-only run of a copy of the lead runbook. */
  async function incident(name: string): Promise<{ file: string; timeline: string }> {
    const file = `${name}.md`;
    copyFileSync(LEAD_RUNBOOK, join(cwd, file));
    const timeline = join(cwd, `${name}.jsonl`);
    await run(file, timeline, { readOnly: true });
    return { file, timeline };
  }

  it('proposes each ad-hoc step that ran after the step that finished before it, params written back, as a diff that applies', async () => {
    const file = 'diff.md';
    copyFileSync(LEAD_RUNBOOK, join(cwd, file));
    const timeline = join(cwd, 'diff.jsonl');
    // A run interrupted after the pods were listed: the responder goes off-script there.
    const controller = new AbortController();
    const first = io();
    await runCommand(file, { prometheus: sandbox.prometheusUrl, context: sandbox.context, at: '2025-10-26T10:20:00Z', timeline, json: true }, first, {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'step.finished' && e.step === 'gateway-pods') controller.abort();
      },
    });
    expect(ofType(lines(readFileSync(timeline, 'utf8')), 'step.finished').at(-1)!.step).not.toBe('namespace-events');
    expect(await exec(timeline, 'kubectl', ['get', 'deployments', '-n', 'payments'])).toBe(0);
    expect(await exec(timeline, 'kubectl', ['scale', 'deployment/payment-gateway', '--replicas=2', '-n', 'payments'])).toBe(0);
    const events = lines(readFileSync(timeline, 'utf8'));
    const added = ofType(events, 'step.added');
    expect(added.map((e) => e.after)).toEqual(['gateway-pods', 'gateway-pods']);

    const { code, out } = await learn(timeline);
    expect(code).toBe(0);
    expect(out.startsWith(`--- a/${file}\n+++ b/${file}\n@@ `)).toBe(true);
    expect(out).toContain('+```kubectl {#get-deployments title="kubectl get deployments -n payments"}\n+get deployments -n {{namespace}}\n+```\n');
    expect(out).toMatch(/\+## Learned on 2025-\d\d-\d\d|\+## Learned on \d{4}-\d\d-\d\d/);
    expect(out).toContain('`scale-deployment-payment-gateway` (kubectl `scale deployment/payment-gateway --replicas=2 -n payments`) was declined at its gate (non-interactive); not added.');
    expect(out).toContain('Check `payment-error-ratio` (Payment error ratio under 1%) crossed its threshold');
    // Only additions: no line of the original is removed or changed.
    expect(out.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---'))).toEqual([]);
    // The diff applies with git to the original and gives what --out writes.
    const scratch = mkdtempSync(join(tmpdir(), 'runbook-learn-apply-'));
    try {
      copyFileSync(join(cwd, file), join(scratch, file));
      writeFileSync(join(scratch, 'p.diff'), out);
      const applied = await execa('git', ['apply', 'p.diff'], { cwd: scratch, reject: false });
      expect(applied.stderr).toBe('');
      expect((await learn(timeline, { out: join(scratch, 'out.md') })).code).toBe(0);
      expect(readFileSync(join(scratch, file), 'utf8')).toBe(readFileSync(join(scratch, 'out.md'), 'utf8'));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    // The file itself is untouched without --write.
    expect(readFileSync(join(cwd, file), 'utf8')).toBe(original);
  });

  it('--write gives a runbook that parses, lints clean, keeps every original line in order, runs the new step next time, and learns nothing twice', async () => {
    const file = 'write.md';
    copyFileSync(LEAD_RUNBOOK, join(cwd, file));
    const timeline = join(cwd, 'write.jsonl');
    expect((await run(file, timeline, { readOnly: true })).code).toBe(1);
    expect(await exec(timeline, 'kubectl', ['get', 'deployments', '-n', 'payments'])).toBe(0);
    expect((await learn(timeline, { write: true })).code).toBe(0);
    const learned = readFileSync(join(cwd, file), 'utf8');
    const { runbook, file: vfile } = parseRunbook(learned, { path: file });
    expect(vfile.messages.filter((m) => m.fatal)).toEqual([]);
    const step = runbook.steps.find((s) => s.id === 'get-deployments')!;
    expect(step).toMatchObject({ kind: 'kubectl', title: 'kubectl get deployments -n payments', body: 'get deployments -n {{namespace}}' });
    expect(step.section).toEqual(['Payment gateway timeout', 'Resolution']);
    expect(runbook.steps.map((s) => s.id).indexOf('get-deployments')).toBe(runbook.steps.map((s) => s.id).indexOf('all-services-healthy') + 1);
    const lint = lintRunbook(learned, { path: file });
    expect(lint.messages.filter((m) => m.severity === 2)).toEqual([]);
    // No warning either that the original did not have.
    expect(lint.warningCount).toBe(lintRunbook(original, { path: file }).warningCount);
    // Every original line is there, in order (only lines were added).
    const kept = learned.split('\n');
    let at = 0;
    for (const line of original.split('\n')) {
      at = kept.indexOf(line, at);
      expect(at).toBeGreaterThanOrEqual(0);
      at++;
    }
    // The learned runbook's next run runs the step.
    const next = await run(file, join(cwd, 'write-next.jsonl'), { readOnly: true });
    expect(ofType(next.events, 'step.finished').find((e) => e.step === 'get-deployments')).toMatchObject({ status: 'ok' });
    expect(ofType(next.events, 'step.started').find((e) => e.step === 'get-deployments')!.command!.argv).toEqual(['kubectl', '--context=sandbox', 'get', 'deployments', '-n', 'payments']);
    // Learning again: refused as changed, and with --allow-changed nothing is added twice.
    await expect(learn(timeline)).rejects.toThrow(UsageError);
    const again = await learn(timeline, { write: true, allowChanged: true });
    expect(again.code).toBe(0);
    expect(again.err).toMatch(/nothing to add/);
    expect(readFileSync(join(cwd, file), 'utf8')).toBe(learned);
  });

  it('a gated kubectl step that ran becomes a mitigate step; errored ad-hoc steps are listed, not added', async () => {
    const file = 'gated.md';
    copyFileSync(LEAD_RUNBOOK, join(cwd, file));
    const timeline = join(cwd, 'gated.jsonl');
    await run(file, timeline);
    expect(await exec(timeline, 'kubectl', ['scale', 'deployment/checkout', '--replicas=3', '-n', 'payments'], { approve: true })).toBe(0);
    expect(await exec(timeline, 'kubectl', ['get', 'deployment', 'nope', '-n', 'payments'])).toBe(1);
    const out = await learn(timeline, { out: join(cwd, 'gated.next.md') });
    expect(out.code).toBe(0);
    const next = readFileSync(join(cwd, 'gated.next.md'), 'utf8');
    const { runbook } = parseRunbook(next, { path: 'gated.next.md' });
    expect(runbook.steps.find((s) => s.id === 'scale-deployment-checkout')).toMatchObject({ kind: 'mitigate', body: 'kubectl scale deployment/checkout --replicas=3 -n {{namespace}}' });
    expect(runbook.steps.some((s) => s.id === 'get-deployment')).toBe(false);
    expect(next).toMatch(/- Ad-hoc step `get-deployment` \(kubectl `get deployment nope -n payments`\) errored: `exit 1/);
    const lint = lintRunbook(next, { path: 'gated.next.md' });
    expect(lint.messages.filter((m) => m.severity === 2)).toEqual([]);
    // A short mitigation has no verifying check: the one warning the proposal adds, for the responder to fill in.
    expect(lint.messages.filter((m) => m.severity === 1).map((m) => m.ruleId)).toEqual([...lintRunbook(original).messages.filter((m) => m.severity === 1).map((m) => m.ruleId), 'mitigate-verify'].sort());
  });

  it('refuses a timeline of a run without a runbook, and a changed runbook', async () => {
    const timeline = join(cwd, 'none.jsonl');
    expect(await exec(timeline, 'kubectl', ['get', 'pods'], { new: 'No runbook', context: sandbox.context })).toBe(0);
    await expect(learn(timeline)).rejects.toThrow(/runbook new --from/);
    const { file, timeline: t2 } = await incident('changed');
    writeFileSync(join(cwd, file), `${original}\n`);
    await expect(learn(t2)).rejects.toThrow(/changed since run/);
  });
});
