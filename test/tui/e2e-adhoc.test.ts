/**
 * Acceptance of #17 end to end in a real terminal: the lead runbook (a copy) against the live sandbox in
 * tmux. The runbook has no step listing the deployments; at the restart gate the responder types one with
 * `:`, it runs and is recorded; a mutating ad-hoc step stops at its own gate and is skipped; `runbook learn
 * --write` puts the read into the runbook, which parses, lints clean, and whose next run runs it.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { learnCommand } from '../../src/cli/commands/learn.js';
import { runCommand } from '../../src/cli/commands/run.js';
import { lintRunbook } from '../../src/lint/index.js';
import { parseRunbook } from '../../src/parse/index.js';
import { errorRatioQuery, startSandbox, waitForQuery } from '../sandbox/index.js';
import { memoryIO } from '../exec/helpers.js';
import { CLI_SOURCE, ofType, readEvents, RUNBOOK, terminalEnv, TSX_LOADER } from './e2e-helpers.js';
import { startTmux, type TmuxPane } from './tmux.js';

describe('interactive run in tmux: an ad-hoc step with `:`, then runbook learn', () => {
  it('runs a typed read, gates a typed write, records both, and learn --write makes it a step of the runbook', async () => {
    const sandbox = await startSandbox({ live: true });
    const cwd = mkdtempSync(join(tmpdir(), 'runbook-tui-adhoc-'));
    copyFileSync(RUNBOOK, join(cwd, 'runbook.md'));
    const original = readFileSync(RUNBOOK, 'utf8');
    const timeline = join(cwd, 'adhoc.jsonl');
    let pane: TmuxPane | undefined;
    try {
      await waitForQuery(sandbox.prometheusUrl, errorRatioQuery('payment', '30s'), (v) => v !== undefined && v > 0.3, { timeoutMs: 20_000, intervalMs: 250 });
      pane = await startTmux({
        argv: [process.execPath, '--import', TSX_LOADER, CLI_SOURCE, 'run', 'runbook.md', '--prometheus', sandbox.prometheusUrl, '--kubeconfig', sandbox.kubeconfigPath, '--context', sandbox.context, '--timeline', timeline],
        cwd,
        env: terminalEnv(sandbox),
        width: 100,
        height: 50,
      });
      const gate = await pane.waitFor((s) => s.includes('[a]pprove'), 'the restart gate', 40_000);
      expect(gate).toContain('GATE  restart-gateway');
      expect(gate).toContain(': step');

      // A read: typed, run at once, shown and recorded; the restart gate still waits.
      await pane.sendKeys([':']);
      await pane.waitFor((s) => s.includes('Step: '), 'the step input', 10_000);
      await pane.sendKeys(['kubectl get deployments -n payments'], { literal: true });
      await pane.sendKeys(['Enter']);
      await pane.waitFor((s) => /✓ get-deployments .*· ok/.test(s), 'the ad-hoc step finished', 20_000);
      expect(await pane.screen()).toContain('GATE  restart-gateway');
      expect(sandbox.stub.mutations()).toEqual([]);

      // A write: its own gate opens above the restart's; skipping it changes nothing and shows the restart again.
      await pane.sendKeys([':']);
      await pane.waitFor((s) => s.includes('Step: '), 'the step input', 10_000);
      await pane.sendKeys(['kubectl scale deployment/checkout --replicas=3 -n payments'], { literal: true });
      await pane.sendKeys(['Enter']);
      await pane.waitFor((s) => s.includes('GATE  scale-deployment-checkout'), 'the ad-hoc gate', 20_000);
      expect(sandbox.stub.mutations()).toEqual([]);
      await pane.sendKeys(['s']);
      await pane.waitFor((s) => s.includes('gate scale-deployment-checkout: skipped') && s.includes('GATE  restart-gateway'), 'the restart gate again', 20_000);
      expect(sandbox.stub.mutations()).toEqual([]);

      await pane.sendKeys(['s']);
      await pane.waitFor((s) => s.includes('Run finished:'), 'the end of the run', 60_000);
      await pane.waitForExit(10_000);
      expect(sandbox.stub.mutations()).toEqual([]);

      const events = readEvents(timeline);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      const added = ofType(events, 'step.added');
      expect(added).toMatchObject([
        { step: 'get-deployments', kind: 'kubectl', body: 'kubectl get deployments -n payments', after: 'gateway-memory-headroom', section: ['Payment gateway timeout', 'Mitigation'], via: 'ui' },
        { step: 'scale-deployment-checkout', kind: 'kubectl', via: 'ui' },
      ]);
      expect(ofType(events, 'step.finished').find((e) => e.step === 'get-deployments')).toMatchObject({ status: 'ok' });
      expect(ofType(events, 'gate.decided').find((e) => e.step === 'scale-deployment-checkout')).toMatchObject({ decision: 'skipped', how: 'interactive' });
      // The run's own gate was answered by the person, after the ad-hoc steps.
      const restart = ofType(events, 'gate.decided').find((e) => e.step === 'restart-gateway')!;
      expect(restart).toMatchObject({ decision: 'skipped', how: 'interactive' });
      expect(restart.seq).toBeGreaterThan(added[1]!.seq);

      // runbook learn --write: the read becomes a step after the one that finished before it.
      const learnIO = memoryIO({ env: { ...process.env }, cwd });
      expect(await learnCommand(timeline, { write: true }, learnIO)).toBe(0);
      const learned = readFileSync(join(cwd, 'runbook.md'), 'utf8');
      const { runbook, file } = parseRunbook(learned, { path: 'runbook.md' });
      expect(file.messages.filter((m) => m.fatal)).toEqual([]);
      const ids = runbook.steps.map((s) => s.id);
      expect(ids.indexOf('get-deployments')).toBe(ids.indexOf('gateway-memory-headroom') + 1);
      expect(runbook.steps.find((s) => s.id === 'get-deployments')).toMatchObject({ kind: 'kubectl', body: 'kubectl get deployments -n {{namespace}}', section: ['Payment gateway timeout', 'Diagnosis'] });
      expect(ids).not.toContain('scale-deployment-checkout');
      expect(learned).toContain('`scale-deployment-checkout` (kubectl `kubectl scale deployment/checkout --replicas=3 -n payments`) was skipped at its gate (interactive); not added.');
      const lint = lintRunbook(learned, { path: 'runbook.md' });
      expect(lint.errorCount).toBe(0);
      expect(lint.warningCount).toBe(lintRunbook(original, { path: 'runbook.md' }).warningCount);

      // Its next run runs the step.
      const next = memoryIO({ env: { ...process.env, ...sandbox.kubeEnv }, cwd });
      await runCommand('runbook.md', { prometheus: sandbox.prometheusUrl, context: sandbox.context, readOnly: true, json: true, timeline: join(cwd, 'next.jsonl') }, next);
      const nextEvents = readEvents(join(cwd, 'next.jsonl'));
      expect(ofType(nextEvents, 'step.finished').find((e) => e.step === 'get-deployments')).toMatchObject({ status: 'ok' });
    } finally {
      await pane?.kill();
      await sandbox.stop();
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 120_000);
});
