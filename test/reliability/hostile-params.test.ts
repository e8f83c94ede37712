/**
 * Hostile parameter values through the real CLI: a fake `kubectl` on PATH dumps the argv it received as
 * JSON, and an `sh` step writes its values back NUL-separated. Nothing may be interpreted by a shell and no
 * value may become a flag. Also: front matter cannot silently redirect Prometheus (`--prometheus` wins, and
 * the target is printed before the first step).
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, events, faultServer, nodeScript, fakeKubectlScript, runCli, tempDir, writeExecutable } from './support.js';

/** The values that reach both the kubectl argv and the sh script. */
const HOSTILE: Record<string, string> = {
  semi: 'pay; touch PWNED-semi',
  and: 'pay && touch PWNED-and',
  subst: '$(touch PWNED-subst)',
  tick: '`touch PWNED-tick`',
  newline: 'pay\ntouch PWNED-newline',
  dquote: 'a"b"c',
  squote: "it's",
  dash2010: '\u2010\u2010kubeconfig=/etc/shadow',
  fullsemi: 'pay\uff1btouch PWNED-full',
  dollar: '$HOME ${PATH}',
  glob: '* ?',
};

let dir: string;
let cleanup: () => Promise<void>;
let bin: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('hostile'));
  bin = path.join(dir, 'bin');
  await import('node:fs/promises').then((fs) => fs.mkdir(bin));
  await writeExecutable(
    path.join(bin, 'kubectl'),
    fakeKubectlScript(`require('fs').appendFileSync(process.env.RL_ARGV_DUMP, JSON.stringify(process.argv.slice(2)) + '\\n'); console.log('pods listed');`),
  );
  const names = Object.keys(HOSTILE);
  const params = names.map((n) => `  ${n}:\n    description: hostile\n    required: true\n`).join('');
  await writeFile(
    path.join(dir, 'hostile.md'),
    `---\ntitle: Hostile\nparams:\n${params}---\n\n# Hostile\n\n` +
      '```kubectl {#get}\nkubectl get pods ' + names.map((n) => `{{${n}}}`).join(' ') + ' -l ' + names.map((n) => `x={{${n}}}`).join(',') + '\n```\n\n' +
      '```sh {#echo}\nprintf \'%s\\0\' ' + names.map((n) => `{{${n}}} "d:{{${n}}}" 's:{{${n}}}'`).join(' ') + ' > "$RL_SH_DUMP"\n```\n',
  );
});
afterAll(async () => cleanup());

function paramArgs(values: Record<string, string>): string[] {
  return Object.entries(values).flatMap(([k, v]) => ['--param', `${k}=${v}`]);
}

describe('hostile parameter values', () => {
  it('reach kubectl as exactly one argv word each and the sh script as inert data; no shell runs them', async () => {
    const argvDump = path.join(dir, 'argv.jsonl');
    const shDump = path.join(dir, 'sh.bin');
    const run = await runCli(['run', 'hostile.md', ...paramArgs(HOSTILE), '--approve', 'echo', '--timeline', 'tl.jsonl'], {
      cwd: dir,
      env: cliEnv([bin], { RL_ARGV_DUMP: argvDump, RL_SH_DUMP: shDump }),
    });
    expect(run.stderr).not.toMatch(/Error:/);
    expect(run.code).toBe(0);

    const values = Object.values(HOSTILE);
    const argv = JSON.parse(readFileSync(argvDump, 'utf8').trim()) as string[];
    // The executor adds nothing but target flags (none here): the argv is the body's words, values intact.
    expect(argv).toEqual(['get', 'pods', ...values, '-l', values.map((v) => `x=${v}`).join(',')]);

    const echoed = readFileSync(shDump, 'utf8').split('\0');
    expect(echoed.slice(0, -1)).toEqual(values.flatMap((v) => [v, `d:${v}`, `s:${v}`]));

    // None of the embedded commands ran anywhere.
    for (const name of ['semi', 'and', 'subst', 'tick', 'newline', 'full']) expect(existsSync(path.join(dir, `PWNED-${name}`))).toBe(false);

    // The timeline records the argv exactly as it reached the process.
    const timeline = events(readFileSync(path.join(dir, 'tl.jsonl'), 'utf8'));
    const started = timeline.find((e) => e.type === 'step.started' && e.step === 'get') as { command: { argv: string[] } };
    expect(started.command.argv).toEqual(['kubectl', ...argv]);
  });

  it.each([
    ['-n', '-n'],
    ['--kubeconfig=/etc/x', '--kubeconfig=/etc/x'],
    ['-A', '-A'],
    ['--as=system:admin', '--as=system:admin'],
  ])('refuses value `%s` that would become a flag, before anything runs', async (value) => {
    const argvDump = path.join(dir, `argv-flag-${value.replace(/\W/g, '')}.jsonl`);
    const timelinePath = path.join(dir, `flag-${value.replace(/\W/g, '')}.jsonl`);
    const run = await runCli(['run', 'hostile.md', ...paramArgs({ ...HOSTILE, semi: value }), '--approve', 'echo', '--timeline', timelinePath], {
      cwd: dir,
      env: cliEnv([bin], { RL_ARGV_DUMP: argvDump, RL_SH_DUMP: path.join(dir, 'unused.bin') }),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('would start a command-line flag');
    expect(run.stderr).toContain(value);
    expect(existsSync(argvDump)).toBe(false);
    expect(existsSync(timelinePath)).toBe(false);
  });
});

describe('where Prometheus is', () => {
  it('`--prometheus` wins over the front matter, and the target is printed before the first step runs', async () => {
    const evil = await faultServer((_req, res) => res.writeHead(500).end());
    const good = await faultServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } }));
    });
    try {
      await writeFile(path.join(dir, 'redirect.md'), `---\ntitle: Redirect\nprometheus: ${evil.url}\n---\n\n# R\n\n\`\`\`promql {#q}\nup\n\`\`\`\n`);
      const run = await runCli(['run', 'redirect.md', '--prometheus', good.url, '--timeline', 'redirect.jsonl'], { cwd: dir, env: cliEnv([bin]) });
      expect(run.code).toBe(0);
      expect(evil.hits()).toBe(0);
      expect(good.hits()).toBeGreaterThan(0);
      const lines = run.stdout.split('\n');
      const targetLine = lines.findIndex((l) => l.includes(`prometheus=${good.url}`));
      const firstStep = lines.findIndex((l) => / q /.test(l));
      expect(targetLine).toBeGreaterThanOrEqual(0);
      expect(targetLine).toBeLessThan(firstStep);
      expect(run.stdout).not.toContain(evil.url);

      // Without the flag the front matter's target is used, and shown first, so an operator sees it.
      const dry = await runCli(['run', 'redirect.md', '--dry-run', '--timeline', 'redirect-dry.jsonl'], { cwd: dir, env: cliEnv([bin]) });
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain(evil.url);
      expect(dry.stdout.indexOf(evil.url)).toBeLessThan(dry.stdout.indexOf('up'));
      expect(evil.hits()).toBe(0);
    } finally {
      await evil.stop();
      await good.stop();
    }
  });
});
