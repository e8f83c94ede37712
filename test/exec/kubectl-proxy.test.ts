/**
 * Defense in depth (issue 12): `runbook run` as a child process, the real kubectl, the API stub recording
 * every request. Mutating kubectl steps send zero non-GET requests under `--read-only` and in a
 * non-interactive run without `--approve`; with the test hook that forces the classifier to say "read"
 * (RUNBOOK_TEST_FORCE_KUBECTL_READ=1) they still send zero, because ungated kubectl only talks to the cluster
 * through `kubectl proxy --reject-methods=…`. A gated and approved mutation still goes through, directly.
 */
import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeStub, type KubeStub } from '../sandbox/kube-stub.js';
import { OLD_POD } from '../sandbox/scenario.js';

const bin = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const D = 'deployment/payment-gateway';

let stub: KubeStub;
let root: string;

beforeAll(async () => {
  stub = await startKubeStub();
  root = mkdtempSync(join(tmpdir(), 'runbook-kubectl-proxy-test-'));
  writeFileSync(join(root, 'cm.json'), JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'payment-gateway', namespace: 'payments', annotations: { a: 'b' } } }));
});
afterAll(async () => {
  await stub?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

/**
 * Mutating kubectl command lines (`$ROOT` is the test's directory), including the classifier bypasses of
 * issue 12 §1. All but the last reach the write request, so the proxy's `Forbidden` shows.
 */
const MUTATING: readonly string[] = [
  `kubectl -n payments rollout restart ${D}`,
  `kubectl -n payments delete pod ${OLD_POD}`,
  `kubectl -n payments scale ${D} --replicas=3`,
  `kubectl -n payments patch ${D} -p {"spec":{"replicas":5}}`,
  // --validate=false: client-side validation needs the OpenAPI document, which the stub does not serve.
  'kubectl apply --validate=false -f $ROOT/cm.json',
  `kubectl -n payments annotate ${D} a=b`,
  `kubectl -n payments --field-manager get rollout restart ${D}`,
  `kubectl -n payments rollout --field-manager status restart ${D}`,
  `kubectl -n payments -f get delete pod ${OLD_POD}`,
];

/**
 * Commands that choose their own server or credentials, past the proxy's kubeconfig: gated like writes, and
 * refused when forced ungated. `$SERVER` is the stub's address, `$KUBECONFIG` the test's real kubeconfig.
 */
const PAST_THE_PROXY: readonly string[] = [
  `kubectl --kubeconfig $KUBECONFIG -n payments get pods`,
  `kubectl --kubeconfig=$KUBECONFIG -n payments get pods`,
  `kubectl -s $SERVER -n payments get pods`,
  `kubectl --server=$SERVER --token=x -n payments get pods`,
  `kubectl -As $SERVER get pods`,
];

let seq = 0;
async function run(line: string, args: string[], env: Record<string, string> = {}) {
  const dir = join(root, `run-${seq++}`);
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const runbook = join(dir, 'rb.md');
  writeFileSync(runbook, `---\ntitle: proxy test\n---\n\n# proxy test\n\n\`\`\`kubectl {#pods}\nkubectl -n payments get pods\n\`\`\`\n\n\`\`\`kubectl {#change}\n${line.replace('$ROOT', root)}\n\`\`\`\n`);
  // kubectl skips a second `rollout restart` within the same second (the patch would be empty).
  if (line.includes('restart')) await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
  stub.clearRequests();
  const result = await execa('node', [bin, 'run', runbook, ...args, '--timeline', join(dir, 't.jsonl')], {
    env: { ...stub.env, TMPDIR: tmp, ...env },
    reject: false,
    timeout: 60_000,
  });
  const sent = stub.mutations().filter((r) => !/\/selfsubjectreviews\/?$/.test(r.path));
  const events = readFileSync(join(dir, 't.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  return { result, sent: sent.map((r) => `${r.method} ${r.path}`), events, leftovers: readdirSync(tmp).filter((f) => f.startsWith('runbook-kubectl-proxy-')) };
}

/** `kubectl proxy` processes still running with this test's HOME. */
function proxiesAlive(): number[] {
  const alive: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!cmdline.includes('proxy') || !cmdline.some((w) => w.startsWith('--reject-methods='))) continue;
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`HOME=${stub.env.HOME}`)) alive.push(Number(pid));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return alive;
}

describe('ungated kubectl cannot write', () => {
  it.each(MUTATING)('`%s`: --read-only and non-interactive without --approve send no write, even with the classifier forced to "read"', async (line) => {
    for (const [args, env] of [
      [['--read-only'], {}],
      [[], {}],
      [['--read-only'], { RUNBOOK_TEST_FORCE_KUBECTL_READ: '1' }],
      [[], { RUNBOOK_TEST_FORCE_KUBECTL_READ: '1' }],
    ] as const) {
      const { result, sent, events, leftovers } = await run(line, [...args], env);
      const label = `${args.join(' ') || 'non-interactive'}${env.RUNBOOK_TEST_FORCE_KUBECTL_READ ? ' (forced read)' : ''}`;
      expect(sent, label).toEqual([]);
      // The read step really ran (through the proxy) and saw the pods.
      const pods = events.find((e) => e.type === 'step.finished' && e.step === 'pods');
      expect(pods?.status, label).toBe('ok');
      const change = events.find((e) => e.type === 'step.finished' && e.step === 'change');
      if (env.RUNBOOK_TEST_FORCE_KUBECTL_READ) {
        // Ran ungated, so through the proxy, which refused the write.
        expect(events.some((e) => e.type === 'gate.decided' && e.step === 'change'), label).toBe(false);
        expect(change?.status, label).toBe('error');
        // `-f get` names a file that does not exist, so that kubectl stops before sending anything.
        if (!line.includes(' -f get ')) expect(JSON.stringify(change), label).toMatch(/Forbidden/);
      } else {
        expect(change?.status, label).toBe('declined');
      }
      expect(result.exitCode, label).not.toBe(2);
      expect(leftovers, `${label}: private kubeconfigs removed`).toEqual([]);
      expect(proxiesAlive(), `${label}: proxies stopped`).toEqual([]);
    }
  });

  it.each(PAST_THE_PROXY)('`%s` is gated, and refused when forced ungated', async (line) => {
    const cmd = line.replace('$KUBECONFIG', stub.env.KUBECONFIG).replace('$SERVER', stub.url);
    for (const env of [{}, { RUNBOOK_TEST_FORCE_KUBECTL_READ: '1' }] as Record<string, string>[]) {
      const { events } = await run(cmd, ['--read-only'], env);
      // Not run at all, so the stub saw no request for the pods of the `change` step (only the `pods` step's).
      expect(stub.requests().filter((r) => r.method === 'GET' && r.path.endsWith('/pods')).length, line).toBe(1);
      const change = events.find((e) => e.type === 'step.finished' && e.step === 'change');
      if (env.RUNBOOK_TEST_FORCE_KUBECTL_READ) {
        expect(change?.status, line).toBe('error');
        expect(String(change?.error), line).toMatch(/past the read-only proxy/);
      } else {
        expect(change?.status, line).toBe('declined');
        expect(events.some((e) => e.type === 'gate.decided' && e.step === 'change' && e.decision === 'declined'), line).toBe(true);
        // The dry run says why it asks.
        const dry = await run(cmd, ['--dry-run'], env);
        expect(dry.result.stdout, line).toMatch(/past the read-only proxy/);
      }
    }
  });

  it('a gated and approved mutation still goes through, directly', async () => {
    const { result, sent, events } = await run(`kubectl -n payments rollout restart ${D}`, ['--approve', 'change']);
    expect(result.exitCode).toBe(0);
    expect(sent).toEqual(['PATCH /apis/apps/v1/namespaces/payments/deployments/payment-gateway']);
    expect(events.find((e) => e.type === 'step.finished' && e.step === 'change')?.status).toBe('ok');
    expect(proxiesAlive()).toEqual([]);
  });
});
