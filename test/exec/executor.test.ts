/**
 * The executor without Prometheus: kubectl steps against a fake kubectl that records its argv, `sh`
 * steps and command checks with the real `sh`. Gates, dry runs, captures, mitigations, interrupts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvalGate, preflight, runRunbook, validateApprovals, type Gate, type GateRequest, type RunOptions } from '../../src/exec/index.js';
import { spawnProcess, type SpawnFn } from '../../src/exec/process.js';
import { UsageError } from '../../src/errors.js';
import type { Runbook } from '../../src/parse/model.js';
import { fakeKubectl, isRunning, memorySink, ofType, runbookFrom, type FakeKubectl } from './helpers.js';

let kube: FakeKubectl;
beforeEach(() => {
  kube = fakeKubectl();
});
afterEach(() => kube.cleanup());

const fm = (body = '') => `---\ntitle: Test\n${body}---\n\n# Test\n\n`;

function options(runbook: Runbook, extra: Partial<RunOptions> = {}) {
  const sink = memorySink();
  const spawned: string[][] = [];
  const spawn: SpawnFn = (request) => {
    spawned.push([...request.argv]);
    return spawnProcess(request);
  };
  const opts: RunOptions = {
    runbookPath: 'test.md',
    sha256: 'abc',
    params: {},
    mode: 'live',
    at: null,
    targets: { context: 'sandbox', namespace: 'payments' },
    sink,
    ...extra,
    deps: { spawn, env: { PATH: kube.path, ...extra.deps?.env }, user: 'alice', host: 'box', sleep: async () => undefined, ...extra.deps },
  };
  return { opts, sink, spawned, run: () => runRunbook(runbook, opts) };
}

const READ_AND_WRITE = runbookFrom(`${fm()}
\`\`\`kubectl {#pods}
kubectl get pods -l app=gw
\`\`\`

\`\`\`kubectl {#restart}
kubectl rollout restart deployment/gw
\`\`\`

\`\`\`kubectl {#after}
kubectl get deploy gw
\`\`\`
`);

describe('gates', () => {
  it('runs read-only steps ungated and declines every gate in read-only mode', async () => {
    const { run, sink } = options(READ_AND_WRITE, { mode: 'read-only', approve: ['restart'], gate: approvalGate({ approve: ['restart'] }) });
    const result = await run();
    expect(kube.calls()).toEqual([
      ['--context=sandbox', '--namespace=payments', 'get', 'pods', '-l', 'app=gw'],
      ['--context=sandbox', '--namespace=payments', 'get', 'deploy', 'gw'],
    ]);
    expect(ofType(sink.events, 'gate.decided')).toMatchObject([{ step: 'restart', decision: 'declined', how: 'read-only', by: 'alice', gate: 'step' }]);
    expect(ofType(sink.events, 'step.finished').map((e) => [e.step, e.status])).toEqual([
      ['pods', 'ok'],
      ['restart', 'declined'],
      ['after', 'ok'],
    ]);
    // A declined gate alone is not a failure.
    expect(result.status).toBe('ok');
    expect(sink.events.map((e) => e.type)).toEqual([
      'run.started', 'step.started', 'step.finished', 'gate.decided', 'step.finished', 'step.started', 'step.finished', 'run.finished',
    ]);
  });

  it('declines without --approve and without a person (non-interactive)', async () => {
    const { run, sink } = options(READ_AND_WRITE, { gate: approvalGate({ approve: [] }) });
    await run();
    expect(kube.calls().some((argv) => argv.includes('restart'))).toBe(false);
    expect(ofType(sink.events, 'gate.decided')).toMatchObject([{ decision: 'declined', how: 'non-interactive' }]);
  });

  it('records the approval before the approved command runs', async () => {
    const sink = memorySink();
    const seenAtSpawn: string[][] = [];
    const { run } = options(READ_AND_WRITE, {
      approve: ['restart'],
      gate: approvalGate({ approve: ['restart'] }),
      sink,
      deps: {
        spawn: (request) => {
          seenAtSpawn.push(sink.events.map((e) => e.type));
          return spawnProcess(request);
        },
      },
    });
    const result = await run();
    expect(result.status).toBe('ok');
    expect(kube.calls()[1]).toEqual(['--context=sandbox', '--namespace=payments', 'rollout', 'restart', 'deployment/gw']);
    expect(seenAtSpawn[1]!.slice(-2)).toEqual(['gate.decided', 'step.started']);
    expect(ofType(sink.events, 'gate.decided')[0]).toMatchObject({
      decision: 'approved',
      how: 'approve-flag',
      command: [{ argv: ['kubectl', '--context=sandbox', '--namespace=payments', 'rollout', 'restart', 'deployment/gw'] }],
    });
  });

  it('asks a person for what --approve does not cover; skip and abort', async () => {
    const asked: GateRequest[] = [];
    const person = (answer: 'skip' | 'abort'): Gate => ({
      decide: async (request) => {
        asked.push(request);
        return answer;
      },
    });
    const skipped = options(READ_AND_WRITE, { gate: approvalGate({ approve: [], interactive: person('skip') }) });
    expect((await skipped.run()).status).toBe('ok');
    expect(asked[0]).toMatchObject({ step: 'restart', gate: 'step', reason: '`kubectl rollout restart` is not a read-only command' });
    expect(ofType(skipped.sink.events, 'gate.decided')).toMatchObject([{ decision: 'skipped', how: 'interactive' }]);

    kube.cleanup();
    kube = fakeKubectl();
    const aborted = options(READ_AND_WRITE, { gate: approvalGate({ approve: [], interactive: person('abort') }) });
    const result = await aborted.run();
    expect(result.status).toBe('aborted');
    // Nothing after the abort ran.
    expect(kube.calls()).toHaveLength(1);
    expect(ofType(aborted.sink.events, 'run.finished')).toMatchObject([{ status: 'aborted', counts: { ok: 1, aborted: 1 } }]);
  });

  it('validates --approve ids against the gated steps', () => {
    const plan = preflight(READ_AND_WRITE, { params: {}, targets: {}, at: null });
    expect(() => validateApprovals(plan, ['restart', 'all'])).not.toThrow();
    expect(() => validateApprovals(plan, ['pods'])).toThrow(/step `pods` has no gate/);
    expect(() => validateApprovals(plan, ['nope'])).toThrow(UsageError);
  });
});

describe('dry run', () => {
  const runbook = runbookFrom(`${fm('params:\n  app:\n    default: gw\n')}
\`\`\`promql {#rate}
sum(rate(http_requests_total{app="{{app}}"}[5m]))
\`\`\`

\`\`\`kubectl {#find capture="pod=$.items[0].metadata.name"}
kubectl get pods -l app={{app}} -o json
\`\`\`

\`\`\`kubectl {#delete}
kubectl delete pod {{steps.find.pod}}
\`\`\`

\`\`\`sh {#note}
echo {{app}} > /tmp/never
\`\`\`
`);

  it('spawns nothing, queries nothing, and records the resolved plan', async () => {
    const { run, sink } = options(runbook, {
      mode: 'dry-run',
      params: { app: 'gw' },
      at: new Date('2025-10-26T10:20:00Z'),
      targets: { prometheus: 'http://127.0.0.1:1', context: 'sandbox', namespace: 'payments' },
      deps: {
        spawn: () => {
          throw new Error('spawned in a dry run');
        },
        prometheus: () => {
          throw new Error('queried in a dry run');
        },
      },
    });
    const result = await run();
    expect(result.status).toBe('ok');
    expect(kube.calls()).toEqual([]);
    expect(ofType(sink.events, 'run.started')[0]).toMatchObject({ mode: 'dry-run', at: '2025-10-26T10:20:00.000Z' });
    expect(ofType(sink.events, 'step.finished').every((e) => e.status === 'skipped')).toBe(true);
    expect(ofType(sink.events, 'step.started')[0]!.command).toEqual({ query: 'sum(rate(http_requests_total{app="gw"}[5m]))', time: '2025-10-26T10:20:00.000Z' });
    expect(ofType(sink.events, 'gate.decided').map((e) => [e.step, e.how, e.command])).toEqual([
      ['delete', 'dry-run', [{ argv: ['kubectl', '--context=sandbox', '--namespace=payments', 'delete', 'pod', '<steps.find.pod>'] }]],
      ['note', 'dry-run', [{ argv: ['sh', '-c', 'echo "$RUNBOOK_P_app" > /tmp/never'] }]],
    ]);
    expect(result.plan.map((p) => [p.id, p.gated])).toEqual([
      ['rate', false],
      ['find', false],
      ['delete', true],
      ['note', true],
    ]);
  });
});

describe('captures and refused values', () => {
  const runbook = runbookFrom(`${fm()}
\`\`\`kubectl {#find capture="pod=$.items[0].metadata.name"}
kubectl get pods -l app=gw -o json
\`\`\`

\`\`\`kubectl {#describe}
kubectl describe pod {{steps.find.pod}}
\`\`\`
`);

  it('passes a captured value on as one argv token', async () => {
    const { run, sink } = options(runbook, { deps: { env: { PATH: kube.path, FAKE_POD: 'gw 1; rm -rf /' } } });
    expect((await run()).status).toBe('ok');
    expect(kube.calls()[1]).toEqual(['--context=sandbox', '--namespace=payments', 'describe', 'pod', 'gw 1; rm -rf /']);
    expect(ofType(sink.events, 'step.finished')[0]!.captures).toEqual({ pod: 'gw 1; rm -rf /' });
  });

  it('refuses a captured value that would become a flag, before the step runs', async () => {
    const { run, sink } = options(runbook, { deps: { env: { PATH: kube.path, FAKE_POD: '--kubeconfig=/tmp/evil' } } });
    const result = await run();
    expect(result.status).toBe('failed');
    expect(kube.calls()).toHaveLength(1);
    expect(ofType(sink.events, 'step.finished')[1]).toMatchObject({ step: 'describe', status: 'error', error: expect.stringMatching(/would start a command-line flag/) });
  });

  it('a step whose capture source did not run errors with the reason', async () => {
    const { run, sink } = options(runbook, { deps: { env: { PATH: kube.path, FAKE_EXIT: '1' } } });
    await run();
    expect(ofType(sink.events, 'step.finished')).toMatchObject([
      { status: 'error', error: 'exit 1' },
      { status: 'error', error: 'Step `describe`: No value for `{{steps.find.pod}}`: step `find` did not run or captured no `pod`' },
    ]);
  });
});

describe('command checks, on-fail and outputs', () => {
  it('asserts exit code and match; on-fail=stop ends the run', async () => {
    const runbook = runbookFrom(`${fm()}
\`\`\`check {#listed run=kubectl match="^ok$"}
kubectl get pods
\`\`\`

\`\`\`check {#wrong run=kubectl match="Running" on-fail=stop}
kubectl get pods
\`\`\`

\`\`\`kubectl {#never}
kubectl get nodes
\`\`\`
`);
    const { run, sink } = options(runbook);
    const result = await run();
    expect(result.status).toBe('failed');
    expect(ofType(sink.events, 'step.finished').map((e) => [e.step, e.status, e.summary])).toEqual([
      ['listed', 'passed', 'PASS: exit 0, output matches /^ok$/'],
      ['wrong', 'failed', 'FAIL: output does not match /Running/'],
    ]);
    expect(kube.calls()).toHaveLength(2);
  });

  it('a sh check is gated; a failing sh step records exit code and output', async () => {
    const runbook = runbookFrom(`${fm()}
\`\`\`check {#sh-check run=sh}
true
\`\`\`

\`\`\`sh {#fails}
echo out; echo err >&2; exit 3
\`\`\`
`);
    const { run, sink } = options(runbook, { gate: approvalGate({ approve: ['fails'] }) });
    await run();
    expect(ofType(sink.events, 'gate.decided').map((e) => [e.step, e.decision])).toEqual([
      ['sh-check', 'declined'],
      ['fails', 'approved'],
    ]);
    expect(ofType(sink.events, 'step.finished')[1]).toMatchObject({
      status: 'error',
      error: 'exit 3: err',
      output: { exitCode: 3, excerpt: 'out\nerr\n', truncated: false, bytes: 8 },
    });
  });

  it('kills a step that runs past its timeout, with its process group', async () => {
    const runbook = runbookFrom(`${fm()}
\`\`\`sh {#slow timeout=300ms}
sleep 30 &
echo $! > "${kube.dir}/child.pid"
wait
\`\`\`
`);
    const { run, sink } = options(runbook, { gate: approvalGate({ approve: ['slow'] }) });
    await run();
    expect(ofType(sink.events, 'step.finished')[0]).toMatchObject({ status: 'error', error: expect.stringMatching(/^timed out after 0.3s/) });
    const child = Number(readFileSync(join(kube.dir, 'child.pid'), 'utf8'));
    expect(isRunning(child)).toBe(false);
  });
});

describe('interrupt', () => {
  it('stops the running step, kills its group, records aborted and ends interrupted', async () => {
    const runbook = runbookFrom(`${fm()}
\`\`\`sh {#long}
sleep 30 &
echo $! > "${kube.dir}/child.pid"
wait
\`\`\`

\`\`\`kubectl {#next}
kubectl get pods
\`\`\`
`);
    const controller = new AbortController();
    const { run, sink } = options(runbook, {
      gate: approvalGate({ approve: ['long'] }),
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'step.started') {
          // Interrupt once the child has told us its pid.
          const timer = setInterval(() => {
            if (existsSync(join(kube.dir, 'child.pid')) && readFileSync(join(kube.dir, 'child.pid'), 'utf8').trim()) {
              clearInterval(timer);
              controller.abort();
            }
          }, 5);
        }
      },
    });
    const result = await run();
    expect(result.status).toBe('interrupted');
    expect(ofType(sink.events, 'step.finished')).toMatchObject([{ step: 'long', status: 'aborted' }]);
    expect(ofType(sink.events, 'run.finished')).toMatchObject([{ status: 'interrupted' }]);
    expect(kube.calls()).toEqual([]);
    const child = Number(readFileSync(join(kube.dir, 'child.pid'), 'utf8'));
    expect(isRunning(child)).toBe(false);
  });
});

describe('mitigations (command verification)', () => {
  const mitigation = (verify: string, rollback = true) =>
    runbookFrom(`${fm()}
:::mitigate{#fix}
\`\`\`sh
echo applied >> "${kube.dir}/log"
\`\`\`

\`\`\`check {run=sh within=1m every=1s}
${verify}
\`\`\`
${rollback ? `\n\`\`\`sh {rollback}\necho rolled-back >> "${kube.dir}/log"\n\`\`\`\n` : ''}
:::
`);

  it('polls the verification until it passes', async () => {
    // Passes on the third poll: deterministic, no timing involved.
    const runbook = mitigation(`n=$(cat "${kube.dir}/n" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "${kube.dir}/n"; test $n -ge 3`);
    const { run, sink } = options(runbook, { gate: approvalGate({ approve: ['fix'] }) });
    const result = await run();
    expect(result.status).toBe('ok');
    expect(ofType(sink.events, 'action.finished')).toMatchObject([{ role: 'action', index: 0, status: 'ok' }]);
    expect(ofType(sink.events, 'verify.polled').map((e) => e.passed)).toEqual([false, false, true]);
    expect(ofType(sink.events, 'step.finished')).toMatchObject([{ status: 'ok', summary: expect.stringMatching(/^verified after 3 poll/) }]);
    expect(ofType(sink.events, 'gate.decided').map((e) => e.gate)).toEqual(['step']);
  });

  it('offers the rollback behind its own gate when verification fails', async () => {
    let clock = 0;
    const runbook = mitigation('false');
    const declined = options(runbook, {
      gate: approvalGate({ approve: ['fix'] }),
      deps: { monotonic: () => clock, sleep: async (ms) => void (clock += ms) },
    });
    const result = await declined.run();
    expect(result.status).toBe('failed');
    // A poll at 0 s and every second up to the end of the 60 s window.
    expect(ofType(declined.sink.events, 'verify.polled')).toHaveLength(61);
    expect(ofType(declined.sink.events, 'gate.decided').map((e) => [e.gate, e.decision])).toEqual([
      ['step', 'approved'],
      ['rollback', 'declined'],
    ]);
    expect(readFileSync(join(kube.dir, 'log'), 'utf8')).toBe('applied\n');

    clock = 0;
    const approved = options(runbook, {
      gate: approvalGate({ approve: ['fix', 'fix:rollback'] }),
      deps: { monotonic: () => clock, sleep: async (ms) => void (clock += ms) },
    });
    await approved.run();
    expect(ofType(approved.sink.events, 'action.finished').map((e) => [e.role, e.status])).toEqual([
      ['action', 'ok'],
      ['rollback', 'ok'],
    ]);
    expect(readFileSync(join(kube.dir, 'log'), 'utf8')).toBe('applied\napplied\nrolled-back\n');
    expect(ofType(approved.sink.events, 'step.finished')).toMatchObject([{ status: 'failed', summary: expect.stringMatching(/rolled back$/) }]);
  });

  it('an action that fails stops the mitigation with status error', async () => {
    const runbook = runbookFrom(`${fm()}
:::mitigate{#fix}
\`\`\`kubectl
kubectl scale deployment/gw --replicas=2
\`\`\`
:::
`);
    const { run, sink } = options(runbook, { gate: approvalGate({ approve: ['all'] }), deps: { env: { PATH: kube.path, FAKE_EXIT: '1' } } });
    expect((await run()).status).toBe('failed');
    expect(ofType(sink.events, 'action.finished')).toMatchObject([{ status: 'error', error: 'exit 1' }]);
    expect(ofType(sink.events, 'step.finished')).toMatchObject([{ status: 'error' }]);
  });
});

describe('a check with within= polls until it passes or time runs out', () => {
  // A command check whose script passes from its third run on, counting runs in a file.
  const polledCheck = (within: string) =>
    runbookFrom(`${fm()}
\`\`\`check {#ready run=sh within=${within} every=10s}
n=$(cat "$COUNT" 2>/dev/null || echo 0); n=$((n+1)); echo "$n" > "$COUNT"; [ "$n" -ge 3 ]
\`\`\`
`);

  it('passes on the third poll, recording how many polls it took', async () => {
    let clock = 0;
    const count = join(kube.dir, 'count');
    const { run, sink } = options(polledCheck('1m'), {
      gate: approvalGate({ approve: ['ready'] }),
      deps: { monotonic: () => clock, sleep: async (ms) => void (clock += ms), env: { COUNT: count } },
    });
    const result = await run();
    expect(result.status).toBe('ok');
    expect(readFileSync(count, 'utf8').trim()).toBe('3');
    expect(clock).toBe(20_000);
    expect(ofType(sink.events, 'step.finished')).toMatchObject([{ status: 'passed', summary: expect.stringMatching(/\(3 polls within 60s\)$/) }]);
  });

  it('fails when the window closes first, without polling past it', async () => {
    let clock = 0;
    const count = join(kube.dir, 'count');
    const { run, sink } = options(polledCheck('15s'), {
      gate: approvalGate({ approve: ['ready'] }),
      deps: { monotonic: () => clock, sleep: async (ms) => void (clock += ms), env: { COUNT: count } },
    });
    expect((await run()).status).toBe('failed');
    expect(readFileSync(count, 'utf8').trim()).toBe('2');
    expect(ofType(sink.events, 'step.finished')).toMatchObject([{ status: 'failed', summary: expect.stringMatching(/\(2 polls within 15s\)$/) }]);
  });
});
