/**
 * When a standalone check with `within=` polls: a PromQL check at a fixed `--at` instant is judged once (every
 * poll would get the same answer), and a recovery check polls only once a mitigation was applied in the run.
 * Command checks with the real `sh`, counting their runs in a file; a fake clock, so nothing waits.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvalGate, runRunbook, type RunOptions } from '../../src/exec/index.js';
import { planStep } from '../../src/exec/plan.js';
import type { Runbook } from '../../src/model/index.js';
import { memorySink, ofType, runbookFrom } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-check-polling-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const COUNTING = 'n=$(cat "$COUNT" 2>/dev/null || echo 0); n=$((n+1)); echo "$n" > "$COUNT"; [ "$n" -ge 3 ]';

function run(runbook: Runbook, approve: string[], extra: Partial<RunOptions> = {}) {
  const sink = memorySink();
  let clock = 0;
  const count = join(dir, 'count');
  const options: RunOptions = {
    runbookPath: 'test.md',
    sha256: 'abc',
    params: {},
    mode: 'live',
    at: null,
    targets: {},
    sink,
    gate: approvalGate({ approve }),
    ...extra,
    deps: { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', COUNT: count }, user: 'alice', host: 'box', monotonic: () => clock, sleep: async (ms) => void (clock += ms) },
  };
  return runRunbook(runbook, options).then((result) => ({
    result,
    sink,
    runs: Number(readFileSync(count, 'utf8').trim()),
    finished: (id: string) => ofType(sink.events, 'step.finished').find((e) => e.step === id),
  }));
}

const RECOVERY = runbookFrom(`---
title: Polling
---

# Polling

## Mitigation

:::mitigate{#fix}
\`\`\`sh
true
\`\`\`
:::

## Resolution

\`\`\`check {#healthy run=sh within=1m every=10s}
${COUNTING}
\`\`\`
`);

describe('a recovery check with within=', () => {
  it('polls after a mitigation was applied: passes on the third poll', async () => {
    const { runs, finished, sink } = await run(RECOVERY, ['fix', 'healthy']);
    expect(ofType(sink.events, 'step.started').find((e) => e.step === 'healthy')).toMatchObject({ role: 'recovery' });
    expect(ofType(sink.events, 'action.finished')).toMatchObject([{ step: 'fix', role: 'action', status: 'ok' }]);
    expect(runs).toBe(3);
    expect(finished('healthy')).toMatchObject({ status: 'passed', summary: expect.stringMatching(/\(3 polls within 60s\)$/) });
  });

  it('is judged once when the mitigation was declined: nothing was applied that it could wait for', async () => {
    const { runs, finished, sink } = await run(RECOVERY, ['healthy']);
    expect(ofType(sink.events, 'gate.decided').find((e) => e.step === 'fix')).toMatchObject({ decision: 'declined' });
    expect(ofType(sink.events, 'action.finished')).toEqual([]);
    expect(runs).toBe(1);
    expect(finished('healthy')).toMatchObject({ status: 'failed' });
    expect(finished('healthy')!.summary).not.toMatch(/polls? within/);
  });

  it('a symptom check with within= still polls without any mitigation', async () => {
    const runbook = runbookFrom(`---
title: Polling
---

# Polling

## Symptoms

\`\`\`check {#ready run=sh within=1m every=10s}
${COUNTING}
\`\`\`
`);
    const { runs, finished } = await run(runbook, ['ready']);
    expect(runs).toBe(3);
    expect(finished('ready')).toMatchObject({ status: 'passed' });
  });
});

describe('a PromQL check with within= at a fixed --at instant', () => {
  const runbook = runbookFrom(`---
title: At
---

# At

\`\`\`check {#healthy within=2m every=5s}
up == 0
\`\`\`

\`\`\`check {#cmd run=sh within=2m every=5s}
true
\`\`\`
`);
  const context = (at: Date | null) => ({ params: {}, targets: { prometheus: 'http://127.0.0.1:9' }, at, capture: () => undefined });

  it('is planned without polling under --at, with polling at "now"; a command check polls either way', () => {
    const [promql, command] = runbook.steps;
    expect(planStep(promql!, context(null)).poll).toEqual({ withinMs: 120_000, everyMs: 5_000 });
    expect(planStep(promql!, context(new Date('2025-10-26T10:20:00Z'))).poll).toBeUndefined();
    expect(planStep(command!, context(new Date('2025-10-26T10:20:00Z'))).poll).toEqual({ withinMs: 120_000, everyMs: 5_000 });
  });
});
