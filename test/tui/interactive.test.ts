import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  // chalk (inside ink) decides its colour level when first imported: force colours on, so that "no escape
  // codes with --no-color" is proven against a terminal that would otherwise get them.
  process.env.FORCE_COLOR = '3';
  process.env.TZ = 'UTC';
  // ink draws only its final frame when CI is set (read once, at import); this test drives a live screen.
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
});

import type { NewEvent } from '../../src/timeline/events.js';
import { startInteractiveRun } from '../../src/tui/index.js';
import { AT, eventually, now, restartGate, runbook, runStarted, stamp, targets } from './fixtures.js';

class FakeStdin extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write(data: string): void {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  }
  read = (): string | null => {
    const data = this.data;
    this.data = null;
    return data;
  };
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
}

class FakeStdout extends EventEmitter {
  isTTY = true;
  columns = 80;
  rows = 60;
  chunks: string[] = [];
  write = (chunk: string, callback?: () => void): boolean => {
    this.chunks.push(chunk);
    callback?.();
    return true;
  };
  text = (): string => this.chunks.join('');
}

const SGR = /\u001B\[[0-9;]*m/;
const TIMELINE = '.runbook/runs/2025-10-26T10-30-00Z-payment-gateway-timeout.jsonl';

async function run(noColor: boolean) {
  const stdin = new FakeStdin();
  const stdout = new FakeStdout();
  const onNote = vi.fn<(text: string) => void>();
  const onInterrupt = vi.fn<() => void>();
  const ui = await startInteractiveRun({
    runbook,
    mode: 'live',
    targets,
    at: AT,
    timelinePath: TIMELINE,
    stdin: stdin as unknown as NodeJS.ReadStream,
    stdout: stdout as unknown as NodeJS.WriteStream,
    noColor,
    onNote,
    onInterrupt,
    now,
    patchConsole: false,
  });
  const emit = (event: NewEvent): void => ui.onEvent(stamp(event));
  emit(runStarted);
  emit({ type: 'step.started', step: 'payment-error-ratio', kind: 'check', gated: false });
  emit({
    type: 'step.finished',
    step: 'payment-error-ratio',
    status: 'failed',
    durationMs: 20,
    summary: 'FAIL: 1 of 1 series violate < 0.01',
    violations: [{ labels: { service: 'payment' }, value: [1761474000, '0.41'] }],
  });
  const decision = ui.gate.decide(restartGate());
  await eventually(() => expect(stdout.text()).toContain('[a]pprove'));
  stdin.write('\u0003');
  expect(await decision).toBe('abort');
  expect(onInterrupt).toHaveBeenCalledTimes(1);
  emit({
    type: 'run.finished',
    status: 'interrupted',
    durationMs: 50_000,
    counts: { ok: 0, passed: 0, failed: 1, error: 0, skipped: 0, declined: 0, aborted: 1 },
  });
  await ui.waitUntilExit();
  return stdout.text();
}

describe('startInteractiveRun', () => {
  it('runs the screen on a terminal, exits after run.finished and prints the next commands unwrapped', async () => {
    const out = await run(true);
    expect(out).toContain('GATE  restart-gateway  (mitigate)');
    expect(out).toContain('Run finished: interrupted in 50.0s');
    expect(out).toContain(`Timeline: ${TIMELINE}`);
    // After ink let go: whole lines, longer than the 80 columns, ready to copy.
    expect(out.endsWith(
      [
        'Write the postmortem:',
        `  runbook export ${TIMELINE} --format postmortem --out postmortem.md`,
        'Resume this run:',
        `  runbook resume ${TIMELINE}`,
        '',
      ].join('\n'),
    )).toBe(true);
  });

  it('with noColor writes no colour or style escape codes; with colour it does', async () => {
    expect(await run(true)).not.toMatch(SGR);
    const coloured = await run(false);
    expect(coloured).toMatch(SGR);
    expect(coloured).toContain('\u001B[31m'); // the failed check in red
  });
});
