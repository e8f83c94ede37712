/**
 * End to end in a real terminal: `runbook run` on the lead runbook against the live sandbox, inside tmux.
 * A person writes a note and approves the restart at its gate; the real kubectl restarts the gateway, the
 * sandbox recovers, the verifying check passes, and the summary is drawn.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeForRun } from '../../src/exec/index.js';
import { errorRatioQuery, startSandbox, waitForQuery } from '../sandbox/index.js';
import { ofType, readEvents, startRunInTmux } from './e2e-helpers.js';
import type { TmuxPane } from './tmux.js';

describe('interactive run in tmux: approve', () => {
  it('stops at the restart gate, records a note, restarts once on `a`, verifies and shows the summary', async () => {
    const sandbox = await startSandbox({ live: true });
    const cwd = mkdtempSync(join(tmpdir(), 'runbook-tui-e2e-'));
    const timeline = join(cwd, 'approve.jsonl');
    let pane: TmuxPane | undefined;
    try {
      // The outage must be visible to Prometheus before the run, or the first checks see no data.
      await waitForQuery(sandbox.prometheusUrl, errorRatioQuery('payment', '30s'), (v) => v !== undefined && v > 0.3, { timeoutMs: 20_000, intervalMs: 250 });
      pane = await startRunInTmux(sandbox, timeline, { cwd, width: 100, height: 50 });

      const gate = await pane.waitFor((s) => s.includes('[a]pprove'), 'the restart gate', 40_000);
      expect(gate).toContain('GATE  restart-gateway');
      expect(gate).toMatch(/\$ kubectl --context=sandbox rollout restart deployment\/payment-gateway -n payments/);
      // The gate waits: nothing has been changed yet.
      expect(sandbox.stub.mutations()).toEqual([]);

      await pane.sendKeys(['n']);
      await pane.waitFor((s) => s.includes('Note: '), 'the note input', 10_000);
      await pane.sendKeys(['paged the payments team'], { literal: true });
      await pane.sendKeys(['Enter']);
      await pane.waitFor((s) => s.includes('note saved: paged the payments team') && !s.includes('Note: '), 'the saved note', 10_000);
      // A note is not an answer: the gate is still open and still nothing changed.
      expect(await pane.screen()).toContain('[a]pprove');
      expect(sandbox.stub.mutations()).toEqual([]);

      await pane.sendKeys(['a']);
      // The verification passes about 35 s after the restart, the last check (one-minute windows) about 30 s later.
      await pane.waitFor((s) => s.includes('Run finished:'), 'the end of the run', 150_000);
      const exitCode = await pane.waitForExit(10_000);
      const all = await pane.capture();

      // The screen: the verification passed, then the summary with the timeline.
      // The outcome first: the restart verified and the last check recovered (#20).
      expect(all).toMatch(/^Outcome: mitigated — Mitigated by `restart-gateway`, verified \d+ s after approval$/m);
      expect(all).toMatch(/✓ restart-gateway +Restart the payment gateway +· ok/);
      expect(all).toMatch(/verified after \d+ poll\(s\): PASS/);
      expect(all).toMatch(/Mitigations applied:\n +✓ restart-gateway/);
      expect(all).toContain(`Timeline: ${timeline}`);
      expect(all).toContain(`runbook export ${timeline} --format postmortem --out postmortem.md`);

      // Exactly one change reached the cluster: the rollout restart's PATCH.
      const mutations = sandbox.stub.mutations();
      expect(mutations.map((m) => `${m.method} ${m.path}`)).toEqual(['PATCH /apis/apps/v1/namespaces/payments/deployments/payment-gateway']);

      const events = readEvents(timeline);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      const note = ofType(events, 'note');
      expect(note).toEqual([expect.objectContaining({ text: 'paged the payments team', by: userInfo().username })]);
      const decided = ofType(events, 'gate.decided').find((e) => e.step === 'restart-gateway');
      expect(decided).toMatchObject({ decision: 'approved', how: 'interactive', by: userInfo().username });
      // The note was written while the gate waited, so it sits before the decision.
      expect(note[0]!.seq).toBeLessThan(decided!.seq);
      expect(ofType(events, 'action.finished')).toEqual([expect.objectContaining({ step: 'restart-gateway', role: 'action', status: 'ok' })]);
      const polls = ofType(events, 'verify.polled').filter((e) => e.step === 'restart-gateway');
      expect(polls.at(-1)?.passed).toBe(true);
      expect(ofType(events, 'step.finished').find((e) => e.step === 'restart-gateway')?.status).toBe('ok');
      // The run ends with run.finished, and the process exits with that status's code.
      expect(events.at(-1)?.type).toBe('run.finished');
      const [finished] = ofType(events, 'run.finished');
      expect(exitCode).toBe(exitCodeForRun(finished!.status));
    } finally {
      await pane?.kill();
      await sandbox.stop();
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 200_000);
});
