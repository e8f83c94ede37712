/**
 * End to end in a real terminal: stopping a run from the interactive UI. `q` at the restart gate aborts
 * the run before anything changes; Ctrl-C while the mitigation verifies stops the step, ends the run
 * `interrupted` and exits 130 — the same path as SIGINT for the plain log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorRatioQuery, startSandbox, waitForQuery, type Sandbox } from '../sandbox/index.js';
import { ofType, readEvents, startRunInTmux } from './e2e-helpers.js';
import type { TmuxPane } from './tmux.js';

/** A live sandbox with the outage visible to Prometheus, a temp dir, and a run of the lead runbook in tmux. */
async function withRun(name: string, body: (context: { sandbox: Sandbox; pane: TmuxPane; timeline: string }) => Promise<void>): Promise<void> {
  const sandbox = await startSandbox({ live: true });
  const cwd = mkdtempSync(join(tmpdir(), 'runbook-tui-e2e-'));
  const timeline = join(cwd, `${name}.jsonl`);
  let pane: TmuxPane | undefined;
  try {
    await waitForQuery(sandbox.prometheusUrl, errorRatioQuery('payment', '30s'), (v) => v !== undefined && v > 0.3, { timeoutMs: 20_000, intervalMs: 250 });
    pane = await startRunInTmux(sandbox, timeline, { cwd, width: 100, height: 50 });
    await body({ sandbox, pane, timeline });
  } finally {
    await pane?.kill();
    await sandbox.stop();
    rmSync(cwd, { recursive: true, force: true });
  }
}

describe('interactive run in tmux: stopping', () => {
  it('`q` at the restart gate aborts the run: nothing changed, run.finished aborted, the process exits 1', async () => {
    await withRun('abort', async ({ sandbox, pane, timeline }) => {
      await pane.waitFor((s) => s.includes('[a]pprove') && s.includes('GATE  restart-gateway'), 'the restart gate', 40_000);
      await pane.sendKeys(['q']);
      const exitCode = await pane.waitForExit(20_000);
      expect(exitCode).toBe(1);
      expect(sandbox.stub.mutations()).toEqual([]);

      const all = await pane.capture();
      expect(all).toContain('Run finished: aborted');
      expect(all).toContain(`Timeline: ${timeline}`);

      const events = readEvents(timeline);
      expect(ofType(events, 'gate.decided').find((e) => e.step === 'restart-gateway')).toMatchObject({ decision: 'aborted', how: 'interactive' });
      expect(ofType(events, 'step.finished').find((e) => e.step === 'restart-gateway')?.status).toBe('aborted');
      // Nothing after the gate ran.
      expect(ofType(events, 'step.started').map((e) => e.step)).not.toContain('restart-gateway');
      expect(ofType(events, 'step.started').map((e) => e.step)).not.toContain('all-services-healthy');
      expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'aborted' });
    });
  }, 90_000);

  it('Ctrl-C while the mitigation verifies stops the step, ends the run interrupted and exits 130', async () => {
    await withRun('interrupt', async ({ sandbox, pane, timeline }) => {
      await pane.waitFor((s) => s.includes('[a]pprove') && s.includes('GATE  restart-gateway'), 'the restart gate', 40_000);
      await pane.sendKeys(['a']);
      // Wait for the restart itself, then for the verifying check to be under way (its first poll recorded).
      await expect.poll(() => ofType(readEvents(timeline), 'verify.polled').length, { timeout: 30_000, interval: 200 }).toBeGreaterThan(0);
      expect(ofType(readEvents(timeline), 'step.finished').find((e) => e.step === 'restart-gateway')).toBeUndefined();

      await pane.sendKeys(['C-c']);
      // Exited by itself with 130 (killed by SIGINT would be 128 + 2 as well, but then the timeline would
      // not end with run.finished, checked below).
      expect(await pane.waitForExit(20_000)).toBe(130);

      const events = readEvents(timeline);
      expect(ofType(events, 'step.finished').find((e) => e.step === 'restart-gateway')).toMatchObject({ status: 'aborted' });
      expect(ofType(events, 'step.started').map((e) => e.step)).not.toContain('all-services-healthy');
      expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'interrupted' });
      // The restart itself had been approved and done before the interrupt.
      expect(sandbox.stub.mutations().map((m) => `${m.method} ${m.path}`)).toEqual(['PATCH /apis/apps/v1/namespaces/payments/deployments/payment-gateway']);
      expect(await pane.capture()).toContain('Run finished: interrupted');
    });
  }, 90_000);
});
