/**
 * Issue 12 acceptance for redaction: every secret format is seeded through a param, an `sh` step's output,
 * kubectl output (the real kubectl against the kube stub, reading a Secret) and the Prometheus URL (a real
 * Prometheus that requires basic auth); the timeline, stdout, stderr and every export format are grepped
 * for every seeded value: zero hits. Also: the credentials of the URL reach Prometheus, and `resume` takes
 * them again from RUNBOOK_PROMETHEUS_URL or `--prometheus`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_FORMATS } from '../../src/export/index.js';
import { startKubeStub, type KubeStub } from '../sandbox/kube-stub.js';
import { startPrometheus, type PrometheusInstance } from '../sandbox/prometheus.js';
import { SEEDS } from '../secrets/seeds.js';
import { cliEnv, events, runCli, tempDir, type CliRun } from './support.js';

const TOKEN = 'tokSeededParam30xyz';
const K8S_PASSWORD = 'k8sSeededSecret31';
const PROM = { username: 'promSeededUser32', password: 'promSeededPw33', bcryptHash: '$2b$04$NJCvF.6RwAaeGRK9CSmHx.SCCsvKzhFoLm1hviZ1RV//15kc4G8oG' };

/** Every value that must not appear anywhere. */
const SECRET_VALUES: Record<string, string> = {
  ...Object.fromEntries(SEEDS.map((seed) => [seed.kind, seed.value])),
  'secret param': TOKEN,
  'kubernetes secret': K8S_PASSWORD,
  'kubernetes secret base64': Buffer.from(K8S_PASSWORD).toString('base64'),
  'prometheus user': PROM.username,
  'prometheus password': PROM.password,
};

const RUNBOOK = `---
title: Secret formats
params:
  token:
    required: true
    secret: true
  blob:
    description: every format in one value
---

# Secret formats

\`\`\`promql {#up}
up
\`\`\`

\`\`\`sh {#cat}
cat formats.txt
\`\`\`

\`\`\`sh {#echo}
printf '%s\\n' "{{blob}}"
\`\`\`

\`\`\`sh {#flag}
echo "calling --token {{token}} and token {{token}}"
\`\`\`

\`\`\`kubectl {#pods-token}
kubectl get pods --token {{token}}
\`\`\`

\`\`\`kubectl {#secret-jsonpath}
kubectl get secret db -o jsonpath={.data.password}
\`\`\`

\`\`\`kubectl {#secret-yaml}
kubectl get secret db -o yaml
\`\`\`

\`\`\`mitigate {#rotate title="Rotate the token" run=sh}
echo "rotating with --token {{token}}"
\`\`\`
`;

let dir: string;
let cleanup: () => Promise<void>;
let kube: KubeStub;
let prom: PrometheusInstance;
let credsUrl: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('secret-formats'));
  kube = await startKubeStub({ secrets: { db: { password: K8S_PASSWORD } } });
  prom = await startPrometheus({ basicAuth: PROM });
  credsUrl = prom.url.replace('http://', `http://${PROM.username}:${PROM.password}@`);
  await writeFile(path.join(dir, 'formats.txt'), `${SEEDS.map((seed) => seed.text).join('\n')}\n`);
  await writeFile(path.join(dir, 'formats.md'), RUNBOOK);
  await writeFile(path.join(dir, 'up.md'), '---\ntitle: Up\n---\n\n# Up\n\n```promql {#up}\nup\n```\n');
}, 60_000);

afterAll(async () => {
  await prom?.stop();
  await kube?.stop();
  await cleanup?.();
});

function leaks(outputs: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [where, text] of Object.entries(outputs)) {
    for (const [kind, value] of Object.entries(SECRET_VALUES)) if (text.includes(value)) found.push(`${kind} in ${where}`);
  }
  return found;
}

function record(outputs: Record<string, string>, name: string, run: CliRun): void {
  outputs[`${name} stdout`] = run.stdout;
  outputs[`${name} stderr`] = run.stderr;
}

describe('every secret format, through every way in, reaches no output', () => {
  it('greps the timeline, stdout, stderr and every export format', async () => {
    const env = cliEnv([], { ...kube.env }, kube.homeDir);
    const args = (timeline: string, ...more: string[]) => [
      'run', 'formats.md', '--param', `token=${TOKEN}`, '--param', `blob=${SEEDS.map((seed) => seed.text).join('\n')}`,
      '--prometheus', credsUrl, '--context', kube.context, '--namespace', kube.namespace, '--approve', 'all', '--timeline', timeline, ...more,
    ];
    const outputs: Record<string, string> = {};
    const plain = await runCli(args('plain.jsonl'), { cwd: dir, env });
    record(outputs, 'plain', plain);
    record(outputs, 'json', await runCli(args('json.jsonl', '--json'), { cwd: dir, env }));
    record(outputs, 'dry-run', await runCli(args('dry.jsonl', '--dry-run'), { cwd: dir, env }));
    outputs['plain timeline'] = readFileSync(path.join(dir, 'plain.jsonl'), 'utf8');
    outputs['json timeline'] = readFileSync(path.join(dir, 'json.jsonl'), 'utf8');

    for (const format of EXPORT_FORMATS) {
      const exportEnv = { ...env, RUNBOOK_PROMETHEUS_URL: credsUrl };
      const shown = await runCli(['export', 'plain.jsonl', '--format', format], { cwd: dir, env: exportEnv });
      expect(shown.code, shown.stderr).toBe(0);
      record(outputs, `export ${format}`, shown);
      const out = path.join(dir, `export-${format}`);
      const written = await runCli(['export', 'plain.jsonl', '--format', format, '--prometheus', credsUrl, '--out', path.join(out, 'doc')], { cwd: dir, env });
      expect(written.code, written.stderr).toBe(0);
      record(outputs, `export ${format} --out`, written);
      for (const file of readdirSync(out)) outputs[`export ${format} ${file}`] = readFileSync(path.join(out, file), 'utf8');
    }

    // The seeds really went through: the steps ran, with the credentials, and recorded their output.
    const recorded = events(outputs['plain timeline']!);
    const finished = (step: string) => recorded.find((e) => e.type === 'step.finished' && e.step === step) as { status: string; output?: { excerpt: string } };
    expect(finished('up').status).toBe('ok');
    expect(finished('cat').output?.excerpt).toContain('AccountName=acct');
    expect(finished('secret-jsonpath').status).toBe('ok');
    expect(recorded.some((e) => e.type === 'action.finished')).toBe(true);
    const started = recorded.find((e) => e.type === 'run.started') as { targets: { prometheus: string }; params: Record<string, string> };
    // Dropped, not masked: the recorded target is the URL without userinfo.
    expect(started.targets.prometheus).toBe(prom.url);
    expect(started.params.token).toBe('[REDACTED]');
    expect(plain.code).toBe(0);

    expect(leaks(outputs)).toEqual([]);
  }, 120_000);
});

describe('resume takes the Prometheus credentials again', () => {
  /** A run that died right after `run.started`: the timeline holds only that line. */
  async function interruptedRun(name: string): Promise<string> {
    const run = await runCli(['run', 'up.md', '--prometheus', credsUrl, '--timeline', `${name}-full.jsonl`], { cwd: dir, env: cliEnv([]) });
    expect(run.code, run.stderr).toBe(0);
    const first = readFileSync(path.join(dir, `${name}-full.jsonl`), 'utf8').split('\n')[0]!;
    await writeFile(path.join(dir, `${name}.jsonl`), `${first}\n`);
    return `${name}.jsonl`;
  }
  const upStatus = (timeline: string) =>
    (events(readFileSync(path.join(dir, timeline), 'utf8')).filter((e) => e.type === 'step.finished' && e.step === 'up').at(-1) as { status: string; error?: string });

  it('from RUNBOOK_PROMETHEUS_URL', async () => {
    const timeline = await interruptedRun('env');
    const resumed = await runCli(['resume', timeline], { cwd: dir, env: cliEnv([], { RUNBOOK_PROMETHEUS_URL: credsUrl }) });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(upStatus(timeline).status).toBe('ok');
    expect(leaks({ stdout: resumed.stdout, stderr: resumed.stderr, timeline: readFileSync(path.join(dir, timeline), 'utf8') })).toEqual([]);
  });

  it('from --prometheus, and without credentials Prometheus refuses the query', async () => {
    const timeline = await interruptedRun('flag');
    const bare = await runCli(['resume', timeline], { cwd: dir, env: cliEnv([]) });
    expect(bare.code).toBe(1);
    expect(upStatus(timeline).error).toMatch(/401|[Uu]nauthori/);
    const again = await interruptedRun('flag2');
    const resumed = await runCli(['resume', again, '--prometheus', credsUrl], { cwd: dir, env: cliEnv([]) });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(upStatus(again).status).toBe('ok');
    expect(leaks({ bare: bare.stdout + bare.stderr, stdout: resumed.stdout, stderr: resumed.stderr })).toEqual([]);
  });
});
