/**
 * kubectl commands that need a terminal or never end (`edit`, `exec -it`, `logs -f`, `get -w`, `port-forward`…)
 * are refused while planning, before anything runs: `runbook run` (and `--dry-run`) fails with exit 2 and a
 * message that names the step, points at the word in the file and gives the non-interactive form. A library
 * caller that skips preflight gets the step recorded `error` without a process started.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/commands/run.js';
import { PlanError, planStep, preflight, PreflightError, runRunbook, type SpawnFn } from '../../src/exec/index.js';
import { spawnProcess } from '../../src/exec/process.js';
import { EXIT, UsageError } from '../../src/errors.js';
import { fakeKubectl, memoryIO, memorySink, ofType, runbookFrom, type FakeKubectl } from './helpers.js';

const fm = (body = '') => `---\ntitle: Test\n${body}---\n\n# Test\n\n`;

let kube: FakeKubectl;
let cwd: string;
beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'runbook-exec-interactive-'));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
beforeEach(() => {
  kube = fakeKubectl();
});
afterEach(() => kube.cleanup());

/** Writes `name` in the scratch folder and runs `runbook run` on it in-process. */
async function run(name: string, source: string, options: Record<string, unknown> = {}) {
  writeFileSync(join(cwd, name), source);
  const io = memoryIO({ env: { ...process.env, PATH: kube.path }, cwd });
  const timeline = join(cwd, `${name}.jsonl`);
  const outcome = await runCommand(name, { timeline, ...options }, io).then(
    (code) => ({ code, error: undefined }),
    (error: unknown) => ({ code: undefined, error: error as Error }),
  );
  return { ...outcome, io, timeline };
}

// Line numbers below count from the top of each file: front matter is 3 lines, then a blank, `# Test`, a blank.
describe('`runbook run` refuses interactive kubectl commands before anything runs', () => {
  it.each([
    {
      what: 'a kubectl step with `logs -f`',
      body: '```kubectl {#follow}\nkubectl -n payments logs -f deploy/payment-gateway\n```\n',
      at: '8:26',
      message: 'Step `follow`: `kubectl logs -f` follows the log until it is stopped, so the step would hang until its timeout; read the recent lines with `kubectl logs --tail=100`',
    },
    {
      what: 'a kubectl step with `get -w`',
      body: '```kubectl {#watch}\nkubectl get pods \\\n  -l app=x -w\n```\n',
      at: '9:12',
      message: 'Step `watch`: `kubectl get -w` watches until it is stopped',
    },
    {
      what: 'a mitigation action with `kubectl edit`',
      body: ':::mitigate{#edit-cm}\n```kubectl\nkubectl edit cm -n kube-system kube-proxy-config\n```\n:::\n',
      at: '9:9',
      message: 'Step `edit-cm`: `kubectl edit` opens an editor, and a step has no terminal; change the object with `kubectl patch`, `kubectl set` or `kubectl scale` instead',
    },
    {
      what: 'a mitigation rollback with `exec -it`',
      body: ':::mitigate{#fix}\n```kubectl\nkubectl rollout restart deployment/x\n```\n```kubectl {rollback}\nkubectl exec -it deploy/x -- sh\n```\n:::\n',
      at: '12:14',
      message: 'Step `fix`: `kubectl exec -it` needs a terminal, and a step has none; run one command without `-i`/`-t`: `kubectl exec <pod> -- <command>`',
    },
    {
      what: 'a mitigation check with `run=kubectl` and `--watch`',
      body: ':::mitigate{#fix}\n```kubectl\nkubectl rollout restart deployment/x\n```\n```check {run=kubectl}\nkubectl get pods --watch\n```\n:::\n',
      at: '12:18',
      message: 'Step `fix`: `kubectl get --watch` watches until it is stopped',
    },
    {
      what: 'a check with `run=kubectl` and `port-forward`',
      body: '```check {#reach run=kubectl}\nkubectl port-forward svc/x 8080:80\n```\n',
      at: '8:9',
      message: 'Step `reach`: `kubectl port-forward` forwards ports until it is stopped',
    },
    {
      what: 'a verb that comes from a parameter',
      front: 'params:\n  verb: {}\n',
      param: ['verb=edit'],
      body: '```kubectl {#do}\nkubectl {{verb}} deployment/x\n```\n',
      at: '10:9',
      message: 'Step `do`: `kubectl edit` opens an editor',
    },
  ])('$what', async ({ body, at, message, front, param }) => {
    const name = `case-${at.replace(':', '-')}-${message.length}.md`;
    const source = `${fm(front)}${body}`;
    for (const dryRun of [false, true]) {
      const { code, error, io, timeline } = await run(name, source, { ...(param ? { param } : {}), ...(dryRun ? { dryRun: true } : {}), approve: ['all'] });
      expect(code).toBeUndefined();
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).exitCode).toBe(EXIT.usage);
      expect(error!.message).toContain(`${name}:${at}: ${message}`);
      expect(io.out()).toBe('');
      expect(existsSync(timeline)).toBe(false);
    }
    expect(kube.calls()).toEqual([]);
  });

  it('runs nothing, not even the read-only steps before the refused one', async () => {
    const source = `${fm()}\`\`\`kubectl {#pods}\nkubectl get pods\n\`\`\`\n\n\`\`\`kubectl {#tail}\nkubectl logs --follow deploy/x\n\`\`\`\n`;
    const { error } = await run('before.md', source);
    expect(error!.message).toBe(
      'before.md:12:14: Step `tail`: `kubectl logs --follow` follows the log until it is stopped, so the step would hang until its timeout; read the recent lines with `kubectl logs --tail=100` (or `--since=10m`) instead',
    );
    expect(kube.calls()).toEqual([]);
  });

  it('the non-interactive forms it suggests run', async () => {
    const source = `${fm()}\`\`\`kubectl {#tail}\nkubectl logs deploy/x --tail=100\n\`\`\`\n\n\`\`\`kubectl {#once}\nkubectl get pods --watch=false\n\`\`\`\n\n:::mitigate{#cmd}\n\`\`\`kubectl\nkubectl exec deploy/x -- sh -c 'tail -f /dev/null & kill $!'\n\`\`\`\n:::\n`;
    const { code, error } = await run('fine.md', source, { approve: ['all'], context: 'c', namespace: 'n' });
    expect(error).toBeUndefined();
    expect(code).toBe(0);
    expect(kube.calls().map((argv) => argv.slice(2, 4))).toEqual([
      ['logs', 'deploy/x'],
      ['get', 'pods'],
      ['exec', 'deploy/x'],
    ]);
  });
});

describe('planning', () => {
  const runbook = runbookFrom(`${fm()}\`\`\`kubectl {#pods}\nkubectl get pods\n\`\`\`\n\n\`\`\`kubectl {#shell}\nkubectl exec -ti pod/x -- bash\n\`\`\`\n`);
  const context = { params: {}, targets: {}, at: null, capture: () => undefined };

  it('planStep throws a PlanError positioned at the flag', () => {
    let error: unknown;
    try {
      planStep(runbook.steps[1]!, context);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PlanError);
    expect(error).toMatchObject({ step: 'shell', position: { start: { line: 12, column: 14 }, end: { line: 12, column: 17 } } });
  });

  it('preflight throws a PreflightError (a UsageError) with the step and its position', () => {
    expect(() => preflight(runbook, context)).toThrow(PreflightError);
    expect(() => preflight(runbook, context)).toThrow(/^Step `shell`: `kubectl exec -ti` needs a terminal/);
  });

  it('the executor alone records the step as an error without starting it, and goes on', async () => {
    const sink = memorySink();
    const spawned: string[][] = [];
    const spawn: SpawnFn = (request) => {
      spawned.push([...request.argv]);
      return spawnProcess(request);
    };
    const later = runbookFrom(`${fm()}\`\`\`kubectl {#shell}\nkubectl exec -ti pod/x -- bash\n\`\`\`\n\n\`\`\`kubectl {#pods}\nkubectl get pods\n\`\`\`\n`);
    const result = await runRunbook(later, {
      runbookPath: 'test.md',
      sha256: 'abc',
      params: {},
      mode: 'live',
      at: null,
      targets: {},
      sink,
      deps: { spawn, env: { PATH: kube.path }, sleep: async () => undefined },
    });
    expect(ofType(sink.events, 'step.finished')).toMatchObject([
      { step: 'shell', status: 'error', summary: 'not run: refused before start', error: expect.stringMatching(/^Step `shell`: `kubectl exec -ti` needs a terminal/) },
      { step: 'pods', status: 'ok' },
    ]);
    expect(spawned).toEqual([['kubectl', 'get', 'pods']]);
    expect(result.status).toBe('failed');
  });
});
