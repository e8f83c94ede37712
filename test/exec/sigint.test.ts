/**
 * Ctrl-C on the real CLI process, plain mode (no TTY): the first SIGINT stops the running step's whole
 * process group, records the step `aborted` and the run `interrupted`, and the CLI exits 130 with nothing
 * of the step left running. The fake kubectl starts a `sleep` child, so a grandchild of the CLI must go too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../../src/timeline/events.js';
import { cliEnv, startCli, tempDir, writeExecutable, type CliRun } from '../reliability/support.js';
import { isRunning } from './helpers.js';
import { SH_FAKE_PROXY } from '../sandbox/fake-kubectl.js';

/** A kubectl that starts a `sleep` child, writes "<own pid> <sleep pid>" to $PIDS_FILE, then waits. */
const HANGING_KUBECTL = `#!/bin/sh
${SH_FAKE_PROXY}sleep 300 &
echo "$$ $!" > "$PIDS_FILE.tmp"
mv "$PIDS_FILE.tmp" "$PIDS_FILE"
wait
`;

/** The same, but it and its child ignore SIGTERM (ignored signals survive exec): only SIGKILL ends them. */
const STUBBORN_KUBECTL = HANGING_KUBECTL.replace('#!/bin/sh\n', "#!/bin/sh\ntrap '' TERM\n");

const RUNBOOK = `---
title: Hanging step
---

# Hanging step

\`\`\`kubectl {#hang timeout=5m}
kubectl -n payments get pods -l app=payment-gateway
\`\`\`

\`\`\`kubectl {#after}
kubectl -n payments get pods
\`\`\`
`;

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(25);
  }
}

/** The CLI's end, or a clear failure when it hangs (e.g. on a pipe that a leftover process holds open). */
async function exited(done: Promise<CliRun>, timeoutMs = 8_000): Promise<CliRun> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      done,
      delay(timeoutMs, undefined, { signal: timer.signal }).then(() => Promise.reject(new Error(`the CLI did not exit within ${timeoutMs} ms of SIGINT`))),
    ]);
  } finally {
    timer.abort();
  }
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs the hanging runbook with `kubectlScript` as kubectl, sends SIGINT once both processes exist. */
async function interruptedRun(kubectlScript: string) {
  const { dir, cleanup } = await tempDir('sigint');
  cleanups.push(cleanup);
  const bin = path.join(dir, 'bin');
  await mkdir(bin);
  await writeExecutable(path.join(bin, 'kubectl'), kubectlScript);
  await writeFile(path.join(dir, 'hang.md'), RUNBOOK);
  const pidsFile = path.join(dir, 'pids');
  const timeline = path.join(dir, 'run.jsonl');

  const cli = startCli(['run', 'hang.md', '--timeline', timeline], { cwd: dir, env: cliEnv([bin], { PIDS_FILE: pidsFile }, dir) });
  const pids: number[] = [];
  cleanups.push(() => {
    // Never leave a process behind, even when an assertion failed.
    for (const pid of pids) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
  });

  const [kubectlPid, sleepPid] = await waitFor(() => {
    if (!existsSync(pidsFile)) return undefined;
    const numbers = readFileSync(pidsFile, 'utf8').trim().split(/\s+/).map(Number);
    return numbers.length === 2 && numbers.every((n) => n > 0) ? (numbers as [number, number]) : undefined;
  }, 'the fake kubectl to start its child');
  pids.push(kubectlPid, sleepPid);
  expect([isRunning(kubectlPid), isRunning(sleepPid)]).toEqual([true, true]);

  // Only the CLI gets the signal (as from `kill -INT <pid>`): the step runs in its own process group, so
  // it is the CLI that has to stop it.
  cli.child.kill('SIGINT');
  const run = await exited(cli.done);
  const events = readFileSync(timeline, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as TimelineEvent);
  // A killed process may take a moment to be reaped; allow it, then look.
  await waitFor(() => (!isRunning(kubectlPid) && !isRunning(sleepPid) ? true : undefined), 'the step processes to go', 3_000).catch(() => undefined);
  const left = { kubectl: isRunning(kubectlPid), sleep: isRunning(sleepPid) };
  return { run, events, left, timeline };
}

describe('Ctrl-C on a real `runbook run` process (plain log, no TTY)', () => {
  it('kills the running step and its child, records it aborted, ends the run interrupted and exits 130', async () => {
    const { run, events, left, timeline } = await interruptedRun(HANGING_KUBECTL);

    expect(run.signal).toBeNull();
    expect(run.code).toBe(130);
    expect(events.slice(-2)).toMatchObject([
      { type: 'step.finished', step: 'hang', status: 'aborted', error: 'interrupted' },
      { type: 'run.finished', status: 'interrupted', counts: { aborted: 1, ok: 0 } },
    ]);
    // The step after the interrupted one never started.
    expect(events.some((e) => e.type === 'step.started' && e.step === 'after')).toBe(false);
    expect(left).toEqual({ kubectl: false, sleep: false });

    // Plain words on the terminal, no stack trace.
    expect(run.stdout).toMatch(/! hang {2}aborted/);
    expect(run.stdout).toMatch(/# run interrupted {2}1 aborted/);
    expect(run.stderr).toContain(`timeline: ${timeline}`);
    expect(run.stderr).not.toMatch(/Error|\bat .*:\d+:\d+/);
  }, 15_000);

  it('a step that ignores SIGTERM is killed after the grace period, its child with it', async () => {
    const { run, events, left } = await interruptedRun(STUBBORN_KUBECTL);

    expect(run.code).toBe(130);
    expect(events.at(-2)).toMatchObject({ type: 'step.finished', step: 'hang', status: 'aborted' });
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'interrupted' });
    expect(left).toEqual({ kubectl: false, sleep: false });
  }, 15_000);
});
