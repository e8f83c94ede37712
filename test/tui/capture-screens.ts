/**
 * Regenerates docs/screens/*.txt from real runs of the real CLI in a real terminal (tmux, 80 × 50, NO_COLOR):
 *
 *   npx tsx test/tui/capture-screens.ts
 *
 * 1. Time travel, read-only: `runbook run runbooks/payment-gateway-timeout.md --at 2025-10-26T10:20:00Z
 *    --read-only` against the sandbox's backfilled outage → result tables and the memory sparkline.
 * 2. Live: the same runbook against the live sandbox; `a` at the restart gate → the gate, the mitigation
 *    verifying, and the final summary.
 *
 * Each screen is cut from `capture-pane -p` output (plain text, no escape codes). Times, ports and temp
 * paths differ on every run, so the files change each time they are regenerated; their shape should not.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorRatioQuery, startSandbox, waitForQuery } from '../sandbox/index.js';
import { ROOT, startRunInTmux } from './e2e-helpers.js';
import type { TmuxPane } from './tmux.js';

const SCREENS = join(ROOT, 'docs', 'screens');
const WIDTH = 80;
const HEIGHT = 50;
/** Marks of a finished step's first line in the history (see src/tui/store.ts STATE_MARK). */
const STEP_LINE = /^[✓✗■–!»] /u;

/** The lines of one finished step in the scrolled history: its first line and everything indented under it. */
function stepBlock(text: string, step: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => STEP_LINE.test(line) && line.slice(2).startsWith(`${step} `));
  if (start < 0) throw new Error(`no block for step ${step} in:\n${text}`);
  const end = lines.findIndex((line, i) => i > start && !line.startsWith(' '));
  return lines.slice(start, end < 0 ? undefined : end);
}

/** From the last line that starts with `marker` to the end, without trailing blank lines. */
function from(text: string, marker: string): string[] {
  const lines = text.split('\n');
  const start = lines.findLastIndex((line) => line.startsWith(marker));
  if (start < 0) throw new Error(`no line starting with ${JSON.stringify(marker)} in:\n${text}`);
  return trimEnd(lines.slice(start));
}

function trimEnd(lines: string[]): string[] {
  const out = lines.map((line) => line.trimEnd());
  while (out.length > 0 && out.at(-1) === '') out.pop();
  return out;
}

function save(name: string, lines: string[]): void {
  writeFileSync(join(SCREENS, name), `${lines.join('\n')}\n`);
  process.stdout.write(`wrote docs/screens/${name} (${lines.length} lines)\n`);
}

const sandbox = await startSandbox({ live: true });
const cwd = mkdtempSync(join(tmpdir(), 'runbook-screens-'));
const panes: TmuxPane[] = [];
try {
  await waitForQuery(sandbox.prometheusUrl, errorRatioQuery('payment', '30s'), (v) => v !== undefined && v > 0.3, { timeoutMs: 20_000, intervalMs: 250 });
  const options = { cwd, env: { NO_COLOR: '1' }, width: WIDTH, height: HEIGHT };

  // 1. Time travel to 10:20 UTC on the day of the outage, read-only.
  const past = await startRunInTmux(sandbox, join(cwd, 'at-1020.jsonl'), { ...options, extra: ['--at', '2025-10-26T10:20:00Z', '--read-only'] });
  panes.push(past);
  await past.waitForExit(60_000);
  const history = await past.capture();
  save('results.txt', ['payment-error-ratio', 'request-rate', 'error-ratio-by-service', 'p95-latency', 'gateway-pods'].flatMap((id) => stepBlock(history, id)));
  save('sparkline.txt', ['gateway-memory', 'gateway-connections', 'last-termination'].flatMap((id) => stepBlock(history, id)));

  // 2. Live: stop at the gate, approve, watch the verification, read the summary.
  const live = await startRunInTmux(sandbox, join(cwd, 'live.jsonl'), options);
  panes.push(live);
  const gate = await live.waitFor((s) => s.includes('[a]pprove') && s.includes('GATE  restart-gateway'), 'the restart gate', 60_000);
  save('gate.txt', from(gate, 'runbook · '));
  await live.sendKeys(['a']);
  const verifying = await live.waitFor((s) => /verify attempt [2-9]/.test(s), 'the second verification poll', 60_000);
  save('verify.txt', from(verifying, 'runbook · '));
  await live.waitForExit(90_000);
  const end = await live.capture();
  // From the gate's decision in the history to the summary and the commands printed after it.
  save('summary.txt', trimEnd(from(end, '» gate restart-gateway').filter((line) => !line.startsWith('Pane is dead'))));
} finally {
  for (const pane of panes) await pane.kill();
  await sandbox.stop();
  rmSync(cwd, { recursive: true, force: true });
}
