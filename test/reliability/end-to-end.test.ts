/**
 * Reliability end-to-end checks through the real CLI: secrets never reach any output (R1), a non-API HTTP
 * error from Prometheus keeps its status (R2), captures of steps finished before a crash resolve after
 * resume (R3), a missing kubectl names what to install (R4).
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, events, faultServer, nodeScript, fakeKubectlScript, runCli, startCli, tempDir, writeExecutable } from './support.js';

let dir: string;
let cleanup: () => Promise<void>;
let bin: string;

/** Every kind of secret, each with a value unique enough to grep for. */
export const SECRETS = {
  bearer: 'eyJhbGciOiJSUzI1NiJ9.c2VlZGVkLWJlYXJlcg.sig-bearer-0001',
  authHeader: 'c2VlZGVkOmF1dGgtaGVhZGVyLTAwMDI=',
  password: 'hunter2-seeded-0003',
  token: 'tok-seeded-0004-abcdef',
  secret: 'sec-seeded-0005-ghijkl',
  awsKey: 'AKIAZ7SEEDED0006QXYZ',
  privateKey: 'MIIEseededPRIVATEkeyBODY0007',
  secretYaml: 'c2VlZGVkLXlhbWwtMDAwOA==',
  secretJson: 'c2VlZGVkLWpzb24tMDAwOQ==',
  custom: 'ACME-910010',
  param: 'param-seeded-0011',
} as const;

const KUBECTL_OUTPUT = [
  `Authorization: Bearer ${SECRETS.bearer}`,
  `curl -H "Authorization: Basic ${SECRETS.authHeader}" http://x`,
  `db password=${SECRETS.password} token=${SECRETS.token} client_secret: ${SECRETS.secret}`,
  `aws_access_key_id ${SECRETS.awsKey}`,
  '-----BEGIN RSA PRIVATE KEY-----',
  SECRETS.privateKey,
  '-----END RSA PRIVATE KEY-----',
  `ticket ${SECRETS.custom}`,
].join('\n');

const SECRET_YAML = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: ${SECRETS.secretYaml}\ntype: Opaque\n`;
const SECRET_JSON = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { password: SECRETS.secretJson } }, null, 2);

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('pending'));
  bin = path.join(dir, 'bin');
  await mkdir(bin);
  await writeExecutable(
    path.join(bin, 'kubectl'),
    fakeKubectlScript(`
const a = process.argv.slice(2).join(' ');
if (a.includes('-o yaml')) process.stdout.write(${JSON.stringify(SECRET_YAML)});
else if (a.includes('-o json')) process.stdout.write(${JSON.stringify(SECRET_JSON)});
else { console.log(${JSON.stringify(KUBECTL_OUTPUT)}); console.error(${JSON.stringify(`error: token=${SECRETS.token}`)}); process.exit(1); }
`),
  );
  await writeFile(path.join(dir, '.runbookrc'), JSON.stringify({ redact: ['ACME-[0-9]{6}'] }));
  await writeFile(
    path.join(dir, 'secrets.md'),
    '---\ntitle: Secrets\nparams:\n  note:\n    description: free text\n    required: true\n---\n\n# Secrets\n\n' +
      '```kubectl {#logs}\nkubectl logs deploy/gateway\n```\n\n' +
      '```kubectl {#secret-yaml}\nkubectl get secret db -o yaml\n```\n\n' +
      '```kubectl {#secret-json}\nkubectl get secret db -o json\n```\n\n' +
      '```sh {#echo}\necho "{{note}}"\n```\n',
  );
});
afterAll(async () => cleanup?.());

describe('R1: secrets never reach the timeline, the terminal or an export', () => {
  it('greps every output file for every seeded secret', async () => {
    const env = cliEnv([bin], {}, dir);
    const param = ['--param', `note=password=${SECRETS.param}`];
    const plain = await runCli(['run', 'secrets.md', ...param, '--approve', 'echo', '--timeline', 'plain.jsonl'], { cwd: dir, env });
    const json = await runCli(['run', 'secrets.md', ...param, '--approve', 'echo', '--json', '--timeline', 'json.jsonl'], { cwd: dir, env });
    const dry = await runCli(['run', 'secrets.md', ...param, '--dry-run', '--timeline', 'dry.jsonl'], { cwd: dir, env });
    const exported = await runCli(['export', 'plain.jsonl', '--format', 'postmortem', '--out', 'postmortem.md'], { cwd: dir, env });
    expect(exported.code).toBe(0);
    const outputs: Record<string, string> = {
      'plain stdout': plain.stdout,
      'plain stderr': plain.stderr,
      'json stdout': json.stdout,
      'json stderr': json.stderr,
      'dry-run stdout': dry.stdout,
      'plain timeline': readFileSync(path.join(dir, 'plain.jsonl'), 'utf8'),
      'json timeline': readFileSync(path.join(dir, 'json.jsonl'), 'utf8'),
      postmortem: readFileSync(path.join(dir, 'postmortem.md'), 'utf8'),
      'export stdout': exported.stdout,
    };
    // Make sure the secrets really went through (the steps ran and their output was recorded).
    expect(outputs['plain timeline']).toContain('[REDACTED]');
    const leaks: string[] = [];
    for (const [where, text] of Object.entries(outputs)) {
      for (const [kind, value] of Object.entries(SECRETS)) if (text.includes(value)) leaks.push(`${kind} in ${where}`);
    }
    expect(leaks).toEqual([]);
  });
});

describe('R2: a non-API HTTP error from Prometheus keeps its status code', () => {
  it.each([500, 503])('HTTP %i is named in the step error', async (status) => {
    const server = await faultServer((_req, res) => res.writeHead(status, { 'content-type': 'text/plain' }).end('upstream broke'));
    try {
      await writeFile(path.join(dir, 'q.md'), '---\ntitle: Q\n---\n\n# Q\n\n```promql {#q timeout=2s}\nup\n```\n');
      await runCli(['run', 'q.md', '--prometheus', server.url, '--timeline', `q${status}.jsonl`], { cwd: dir, env: cliEnv([]) });
      const finished = events(readFileSync(path.join(dir, `q${status}.jsonl`), 'utf8')).find((e) => e.type === 'step.finished') as { error: string };
      expect(finished.error).toContain(String(status));
      expect(finished.error).toContain('upstream broke');
    } finally {
      await server.stop();
    }
  });
});

describe('R3: captures of steps finished before a crash resolve after resume', () => {
  it('a later step uses `{{steps.pods.pod}}` captured before the kill', async () => {
    const caseDir = path.join(dir, 'capture');
    await mkdir(caseDir);
    const kubectl = path.join(caseDir, 'bin');
    await mkdir(kubectl);
    await writeExecutable(
      path.join(kubectl, 'kubectl'),
      fakeKubectlScript(`
const fs = require('fs');
const a = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(path.join(caseDir, 'calls.log'))}, a.join(' ') + '\\n');
if (a.includes('pods')) console.log(JSON.stringify({ items: [{ metadata: { name: 'gateway-7d9f' } }] }));
else if (a.includes('nodes') && process.env.RL_SLOW) { fs.writeFileSync(${JSON.stringify(path.join(caseDir, 'pid'))}, String(process.pid)); setInterval(() => {}, 1000); }
else console.log('ok');
`),
    );
    await writeFile(
      path.join(caseDir, 'c.md'),
      '---\ntitle: C\n---\n\n# C\n\n```kubectl {#pods capture="pod=$.items[0].metadata.name"}\nkubectl get pods -o json\n```\n\n```kubectl {#nodes}\nkubectl get nodes\n```\n\n```kubectl {#describe}\nkubectl describe pod {{steps.pods.pod}}\n```\n',
    );
    const cli = startCli(['run', 'c.md', '--json', '--timeline', 'c.jsonl'], { cwd: caseDir, env: cliEnv([kubectl], { RL_SLOW: '1' }, caseDir) });
    await cli.waitForLine((l) => l.includes('"step.started"') && l.includes('"nodes"'), 'nodes started');
    cli.child.kill('SIGKILL');
    await cli.done;
    const resumed = await runCli(['resume', 'c.jsonl'], { cwd: caseDir, env: cliEnv([kubectl], {}, caseDir) });
    expect(resumed.code).toBe(0);
    expect(readFileSync(path.join(caseDir, 'calls.log'), 'utf8')).toContain('describe pod gateway-7d9f');
  });
});

describe('R4: kubectl missing names what to install', () => {
  it('says to install kubectl', async () => {
    await writeFile(path.join(dir, 'k.md'), '---\ntitle: K\n---\n\n# K\n\n```kubectl {#get}\nkubectl get pods\n```\n');
    const run = await runCli(['run', 'k.md', '--timeline', 'k.jsonl'], { cwd: dir, env: { PATH: path.join(dir, 'empty'), HOME: dir, LANG: 'C' } });
    expect(run.stdout).toMatch(/install kubectl/i);
  });
});
