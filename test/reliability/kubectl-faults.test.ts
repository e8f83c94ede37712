/**
 * kubectl faults through the real CLI, with fake `kubectl` programs on a private PATH: missing, failing,
 * hanging with a child (the whole process group must go, checked with `ps`), 128 MB of output (capped,
 * recorded as truncated, memory bounded: max RSS measured with /usr/bin/time), invalid UTF-8.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, events, groupMembers, runCli, survivors, tempDir, writeExecutable } from './support.js';
import { SH_FAKE_PROXY } from '../sandbox/fake-kubectl.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('kubectl'));
  await writeFile(
    path.join(dir, 'k.md'),
    '---\ntitle: Kubectl faults\n---\n\n# K\n\n```kubectl {#get timeout=2s}\nkubectl get pods\n```\n\n```sh {#after}\necho still-running\n```\n',
  );
});
afterAll(async () => cleanup());

/** Puts `script` (sh) on a fresh PATH as `kubectl` and runs the runbook. */
async function withFakeKubectl(name: string, script: string | undefined, extraEnv: Record<string, string> = {}, wrap?: string[]) {
  const bin = path.join(dir, `bin-${name}`);
  await mkdir(bin, { recursive: true });
  if (script !== undefined) await writeExecutable(path.join(bin, 'kubectl'), `#!/bin/sh\n${SH_FAKE_PROXY}${script}\n`);
  const timelinePath = path.join(dir, `${name}.jsonl`);
  // Without a fake, PATH holds only folders without kubectl (sh comes from /bin via its absolute path below).
  const env = script === undefined ? { PATH: bin, HOME: dir, LANG: 'C', ...extraEnv } : cliEnv([bin], extraEnv, dir);
  const run = await runCli(['run', 'k.md', '--approve', 'after', '--timeline', timelinePath], { cwd: dir, env, ...(wrap ? { wrap } : {}) });
  const text = readFileSync(timelinePath);
  const timeline = events(text.toString('utf8'));
  const get = timeline.find((e) => e.type === 'step.finished' && e.step === 'get') as {
    status: string;
    error?: string;
    output?: { excerpt: string; truncated: boolean; bytes: number; exitCode?: number };
  };
  return { run, timeline, get, text };
}

describe('kubectl faults', () => {
  it('kubectl not on PATH: the step errors naming `kubectl`; nothing else is affected', async () => {
    const { run, get } = await withFakeKubectl('missing', undefined);
    expect(get.status).toBe('error');
    expect(get.error).toMatch(/`kubectl` not found on PATH/);
    expect(run.stdout).toMatch(/get .*error.*kubectl.*not found/);
    // (Naming what to install is reliability request R4; checked in pending.test.ts.)
    expect(run.code).toBe(1);
  });

  it('kubectl exits non-zero: the exit code and its first stderr line are recorded at the step', async () => {
    const { run, get, timeline } = await withFakeKubectl('exit3', 'echo "error: the server does not allow this" >&2; exit 3');
    expect(get.status).toBe('error');
    expect(get.error).toBe('exit 3: error: the server does not allow this');
    expect(get.output?.exitCode).toBe(3);
    const after = timeline.find((e) => e.type === 'step.finished' && e.step === 'after') as { status: string };
    expect(after.status).toBe('ok');
    expect(run.code).toBe(1);
  });

  it('kubectl hangs past its timeout with a child: its whole process group is killed, no orphan left', async () => {
    const pidFile = path.join(dir, 'hang.pids');
    // The fake starts a background child, records both pids and its process group, then hangs.
    const { get } = await withFakeKubectl(
      'hang',
      `sleep 300 &\necho "$$ $! $(ps -o pgid= -p $$ | tr -d ' ')" > "$RL_PIDS"\nsleep 301\n`,
      { RL_PIDS: pidFile },
    );
    expect(get.status).toBe('error');
    expect(get.error).toMatch(/timed out after 2s; its process group was killed/);
    const [shPid, childPid, pgid] = readFileSync(pidFile, 'utf8').trim().split(' ').map(Number) as [number, number, number];
    expect(pgid).toBe(shPid); // it really was a group of its own
    expect(await survivors([shPid, childPid])).toEqual([]);
    expect(await groupMembers(pgid)).toEqual([]);
  });

  it('kubectl prints 128 MB: output capped, recorded as truncated with the real byte count, memory bounded', async () => {
    // Large enough that holding the output (≥ 128 MB) is far from what streaming costs on every Node from 20 to 26.
    const size = 128 * 1024 * 1024;
    const timeFile = path.join(dir, 'rss.txt');
    const wrap = existsSync('/usr/bin/time') ? ['/usr/bin/time', '-f', '%M', '-o', timeFile] : undefined;
    const big = await withFakeKubectl('big', `head -c ${size} /dev/zero | tr '\\0' 'a'`, {}, wrap);
    expect(big.get.status).toBe('ok');
    expect(big.get.output?.truncated).toBe(true);
    expect(big.get.output?.bytes).toBe(size);
    expect(Buffer.byteLength(big.get.output!.excerpt)).toBeLessThanOrEqual(8 * 1024);
    expect(big.text.length).toBeLessThan(64 * 1024);
    if (wrap) {
      const bigRss = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop());
      const small = await withFakeKubectl('small', 'echo small', {}, ['/usr/bin/time', '-f', '%M', '-o', timeFile]);
      expect(small.get.status).toBe('ok');
      const smallRss = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop());
      // Kept in memory: 1 MiB per stream; the rest is streamed chunk garbage (measured on Node 20: +33 MB for 50 MB,
      // +45 MB for 200 MB; Node 26's larger young generation: +55 MB for 50 MB, +67 MB for 120 MB, so it hardly grows
      // with the output). Holding the output would add ≥ 128 MB (256 as a JS string).
      expect(bigRss - smallRss).toBeLessThan(96 * 1024);
      console.log(`max RSS: ${Math.round(smallRss / 1024)} MB with 12 bytes of output, ${Math.round(bigRss / 1024)} MB with 128 MB`);
    }
  });

  it('kubectl prints invalid UTF-8: the timeline stays valid JSON and the terminal gets valid UTF-8', async () => {
    const { run, get, text } = await withFakeKubectl('utf8', `printf 'ok \\377\\376 half \\303\\050 end\\n'`);
    expect(get.status).toBe('ok');
    expect(get.output?.excerpt).toContain('ok ');
    expect(get.output?.excerpt).toContain(' end');
    expect(get.output?.excerpt).toContain('\ufffd');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(text)).not.toThrow();
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(run.stdoutBytes)).not.toThrow();
  });
});
