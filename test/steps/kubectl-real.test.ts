/**
 * The classifier against the real kubectl: each argv runs with the kubectl on PATH against the API stub
 * (plain kubeconfig, no proxy) and we record whether kubectl sent a request that changes state (anything but
 * GET, access reviews aside) or wrote files. The classifier must never say "read" where kubectl mutates,
 * and the known bypasses (unknown flags swallowing the next word, plugins, `--output-directory`) must really
 * mutate here, so the harness is proven to see them.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitCommandLine } from '../../src/steps/command-line.js';
import { classifyKubectl } from '../../src/steps/kubectl-verbs.js';
import { startKubeStub, type KubeStub } from '../sandbox/kube-stub.js';
import { OLD_POD } from '../sandbox/scenario.js';

/** [command line (`$STUB` is the stub's URL), the classifier's verdict, whether the real kubectl mutates here]. */
type Case = [line: string, verdict: 'read' | 'gated', mutates?: boolean];

const D = 'deployment/payment-gateway';
export const KUBECTL_CASES: readonly Case[] = [
  // Read-only built-ins.
  ['kubectl get pods', 'read'],
  ['kubectl get pods -o json', 'read'],
  ['kubectl get pods -ojsonpath={.items[*].metadata.name}', 'read'],
  [`kubectl get ${D} -o yaml`, 'read'],
  ['kubectl get pods -A', 'read'],
  ['kubectl get -- pods', 'read'],
  ['kubectl get --raw /version', 'read'],
  ['kubectl describe deployment payment-gateway', 'read'],
  [`kubectl logs ${OLD_POD} --tail=5`, 'read'],
  ['kubectl logs -l app=payment-gateway --tail=5', 'read'],
  ['kubectl api-versions', 'read'],
  ['kubectl api-resources', 'read'],
  ['kubectl version', 'read'],
  ['kubectl cluster-info', 'read'],
  ['kubectl events', 'read'],
  ['kubectl top pods', 'read'],
  ['kubectl auth can-i patch deployments', 'read'],
  ['kubectl auth whoami', 'read'],
  [`kubectl rollout history ${D}`, 'read'],
  [`kubectl rollout status ${D} --watch=false`, 'read'],
  // Every global flag, with and without `=`, short forms too.
  ['kubectl -n payments get pods', 'read'],
  ['kubectl -n=payments get pods', 'read'],
  ['kubectl -npayments get pods', 'read'],
  ['kubectl --namespace payments get pods', 'read'],
  ['kubectl --namespace=payments get pods', 'read'],
  ['kubectl --context sandbox get pods', 'read'],
  ['kubectl --context=sandbox get pods', 'read'],
  ['kubectl --request-timeout 5s get pods', 'read'],
  ['kubectl --request-timeout=5s get pods', 'read'],
  ['kubectl -v 1 get pods', 'read'],
  ['kubectl -v=1 get pods', 'read'],
  ['kubectl -v1 get pods', 'read'],
  ['kubectl --v 1 get pods', 'read'],
  ['kubectl --v=1 get pods', 'read'],
  ['kubectl --vmodule x=1 get pods', 'read'],
  ['kubectl --vmodule=x=1 get pods', 'read'],
  ['kubectl --log-flush-frequency 5s get pods', 'read'],
  ['kubectl --log-flush-frequency=5s get pods', 'read'],
  ['kubectl --tls-server-name x get pods', 'read'],
  ['kubectl --tls-server-name=x get pods', 'read'],
  ['kubectl --match-server-version get pods', 'read'],
  ['kubectl --match-server-version=false get pods', 'read'],
  ['kubectl --disable-compression get pods', 'read'],
  ['kubectl --disable-compression=true get pods', 'read'],
  ['kubectl --warnings-as-errors get pods', 'read'],
  ['kubectl --warnings-as-errors=true get pods', 'read'],
  ['kubectl --profile=none get pods', 'read'],
  ['kubectl --profile-output x.pprof get pods', 'read'],
  ['kubectl --profile-output=x.pprof get pods', 'read'],
  ['kubectl -n payments rollout --context sandbox history deployment/payment-gateway', 'read'],
  // Global flags that write files or send the request around the run's context.
  ['kubectl --profile=cpu get pods', 'gated', true],
  ['kubectl --profile cpu get pods', 'gated', true],
  ['kubectl --cache-dir ./cache get pods', 'gated', true],
  ['kubectl --cache-dir=./cache get pods', 'gated', true],
  ['kubectl --server $STUB get pods', 'gated'],
  ['kubectl --server=$STUB get pods', 'gated'],
  ['kubectl -s $STUB get pods', 'gated'],
  ['kubectl -s=$STUB get pods', 'gated'],
  ['kubectl get pods -As $STUB', 'gated'],
  ['kubectl get pods --server=$STUB', 'gated'],
  ['kubectl --token x get pods', 'gated'],
  ['kubectl --token=x get pods', 'gated'],
  ['kubectl --as admin get pods', 'gated'],
  ['kubectl --as=admin get pods', 'gated'],
  ['kubectl --as-group g get pods', 'gated'],
  ['kubectl --as-group=g --as=a get pods', 'gated'],
  ['kubectl --as-uid u --as=a get pods', 'gated'],
  ['kubectl --user sandbox get pods', 'gated'],
  ['kubectl --user=sandbox get pods', 'gated'],
  ['kubectl --cluster sandbox get pods', 'gated'],
  ['kubectl --cluster=sandbox get pods', 'gated'],
  ['kubectl --kubeconfig $KUBECONFIG get pods', 'gated'],
  ['kubectl --kubeconfig=$KUBECONFIG get pods', 'gated'],
  ['kubectl --insecure-skip-tls-verify get pods', 'gated'],
  ['kubectl --insecure-skip-tls-verify=true get pods', 'gated'],
  ['kubectl --username u get pods', 'gated'],
  ['kubectl --password=p get pods', 'gated'],
  ['kubectl --client-certificate c.pem get pods', 'gated'],
  ['kubectl --client-key=k.pem get pods', 'gated'],
  ['kubectl --certificate-authority ca.pem get pods', 'gated'],
  // Unknown flags swallow the next word (cobra), so the verb is not what it seems.
  [`kubectl --field-manager get rollout restart ${D}`, 'gated', true],
  [`kubectl rollout --field-manager status restart ${D}`, 'gated', true],
  [`kubectl -f get delete pod ${OLD_POD}`, 'gated'],
  [`kubectl -l get delete pod ${OLD_POD}`, 'gated'],
  [`kubectl --selector get rollout restart ${D}`, 'gated'],
  [`kubectl -o get rollout restart ${D}`, 'gated', true],
  [`kubectl --namespace get rollout restart ${D}`, 'gated'],
  [`kubectl --context rollout restart ${D}`, 'gated'],
  [`kubectl --match-server-version rollout restart ${D}`, 'gated'],
  ['kubectl --all-namespaces get pods', 'gated'],
  // `--` separators.
  ['kubectl -- get pods', 'gated'],
  [`kubectl rollout -- status ${D}`, 'gated'],
  [`kubectl -n payments -- rollout restart ${D}`, 'gated'],
  // Plugins: a verb that is not a built-in command runs a `kubectl-…` program from PATH.
  ['kubectl kubectl get pods', 'gated', true],
  ['kubectl evil get pods', 'gated', true],
  ['kubectl get-all', 'gated'],
  // Writing built-ins and sub-commands.
  [`kubectl rollout restart ${D}`, 'gated', true],
  [`kubectl -n payments rollout restart ${D}`, 'gated', true],
  [`kubectl delete pod ${OLD_POD}`, 'gated', true],
  [`kubectl scale ${D} --replicas=3`, 'gated', true],
  [`kubectl annotate ${D} a=b`, 'gated', true],
  // (The stub has no nodes, so here the dump stops before writing; a real cluster gets its files written.)
  ['kubectl cluster-info dump --output-directory ./dump', 'gated'],
  ['kubectl cluster-info dump --output-directory=./dump', 'gated'],
  ['kubectl top', 'gated'],
  ['kubectl auth', 'gated'],
  ['kubectl rollout', 'gated'],
  ['kubectl config view', 'gated'],
  ['kubectl', 'gated'],
];

const words = (line: string, env: Record<string, string>): string[] =>
  splitCommandLine(line).words.map((w) => w.value.replace(/\$(STUB|KUBECONFIG)/g, (_m, name: string) => env[name]!));

let stub: KubeStub;
let root: string;
let pathDirs: string;

beforeAll(async () => {
  stub = await startKubeStub();
  root = mkdtempSync(join(tmpdir(), 'runbook-kubectl-real-'));
  // Plugins that change the cluster: `kubectl kubectl get …` runs `kubectl-kubectl-get`, `kubectl evil` runs `kubectl-evil`.
  const plugins = join(root, 'plugins');
  mkdirSync(plugins);
  const script = `#!/bin/sh\nexec "${process.execPath}" -e "fetch(process.env.RB_STUB + '/api/v1/namespaces/payments/pods/${OLD_POD}', { method: 'DELETE' }).catch(() => {})"\n`;
  for (const name of ['kubectl-kubectl-get', 'kubectl-evil']) {
    writeFileSync(join(plugins, name), script);
    chmodSync(join(plugins, name), 0o755);
  }
  pathDirs = [plugins, dirname(realpathSync('/usr/bin/kubectl')), '/usr/bin', '/bin'].join(':');
});
afterAll(async () => {
  await stub?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** Runs the real kubectl in a fresh working directory; reports what it changed. */
function runKubectl(argv: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn('kubectl', argv, {
      cwd,
      env: { ...stub.env, PATH: pathDirs, RB_STUB: stub.url },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('the classifier against the real kubectl and the stub', () => {
  it(`has at least 60 cases (${KUBECTL_CASES.length})`, () => {
    expect(KUBECTL_CASES.length).toBeGreaterThanOrEqual(60);
  });

  it.each(KUBECTL_CASES.map((c, i) => [i, ...c] as const))('#%i `%s` is %s', async (i, line, verdict, mutates) => {
    const env = { STUB: stub.url, KUBECONFIG: stub.kubeconfigPath };
    const argv = words(line, env);
    const classified = classifyKubectl(argv);
    const cwd = join(root, `case-${i}`);
    mkdirSync(cwd);
    // kubectl skips a second `rollout restart` within the same second (the patch would be empty).
    if (argv.includes('restart')) await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
    stub.clearRequests();
    await runKubectl(argv.slice(1), cwd);
    const sent = stub.mutations().filter((r) => !/\/selfsubjectreviews\/?$/.test(r.path));
    const wrote = readdirSync(cwd);
    const changed = sent.length > 0 || wrote.length > 0;
    const seen = changed ? `kubectl sent ${sent.map((r) => `${r.method} ${r.path}`).join(', ') || 'nothing'}, wrote ${wrote.join(', ') || 'nothing'}` : 'no change';
    // The contract: never "read" where kubectl mutates.
    if (classified.readOnly) expect(seen).toBe('no change');
    expect(classified.readOnly ? 'read' : 'gated').toBe(verdict);
    if (mutates) expect(changed, `the real kubectl should mutate here (${seen})`).toBe(true);
    if (!classified.readOnly) expect(classified.reason).toBeTruthy();
  });
});
