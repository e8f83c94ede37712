/**
 * Issue 12 §6: `--timeline` is a path the user gives, so it must not be turned against them. A symbolic link
 * (to a file or dangling), a FIFO, a device, the runbook itself (or a hard link to it) and an existing file
 * that is not a timeline are refused with exit 2 before anything runs, and the target is left unchanged.
 * A new path, an empty file and an existing timeline still work; readers never hang on a FIFO.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, events, runCli, startCli, tempDir } from './support.js';

let dir: string;
let cleanup: () => Promise<void>;
let seq = 0;

const RUNBOOK = '---\ntitle: Path\n---\n\n# P\n\n```sh {#act}\ntouch "$RL_MARK"\n```\n';

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('tlpath'));
  writeFileSync(path.join(dir, 'r.md'), RUNBOOK);
});
afterAll(async () => cleanup());

/** Runs `r.md` with the step approved; `acted` says whether its command ran. */
async function run(timeline: string, args: string[] = []) {
  const mark = path.join(dir, `acted-${seq++}`);
  const result = await runCli(['run', 'r.md', '--approve', 'act', '--timeline', timeline, ...args], { cwd: dir, env: cliEnv([], { RL_MARK: mark }) });
  return { ...result, acted: existsSync(mark) };
}

/** Runs the CLI, killing it if it has not ended within 15 s (a hang is the bug). */
async function bounded(args: string[]) {
  const cli = startCli(args, { cwd: dir, env: cliEnv([]) });
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), 15_000);
  const result = await cli.done;
  clearTimeout(timer);
  return result;
}

describe('refused --timeline paths: exit 2, nothing run, target unchanged', () => {
  it('a symbolic link to an existing file', async () => {
    const target = path.join(dir, 'precious.txt');
    writeFileSync(target, 'do not touch\n');
    symlinkSync(target, path.join(dir, 'link.jsonl'));
    const result = await run('link.jsonl');
    expect(result.code).toBe(2);
    expect(result.acted).toBe(false);
    expect(result.stderr).toMatch(/refusing timeline .*link\.jsonl: it is a symbolic link/);
    expect(readFileSync(target, 'utf8')).toBe('do not touch\n');
  });

  it('a dangling symbolic link: its target is not created', async () => {
    const target = path.join(dir, 'nowhere', 'created.jsonl');
    symlinkSync(target, path.join(dir, 'dangling.jsonl'));
    const result = await run('dangling.jsonl');
    expect(result.code).toBe(2);
    expect(result.acted).toBe(false);
    expect(existsSync(target)).toBe(false);
    expect(existsSync(path.dirname(target))).toBe(false);
  });

  it('a FIFO: refused at once, no hang', async () => {
    const fifo = path.join(dir, 'fifo.jsonl');
    execFileSync('mkfifo', [fifo]);
    const result = await run('fifo.jsonl');
    expect(result.signal).toBe(null);
    expect(result.code).toBe(2);
    expect(result.acted).toBe(false);
    expect(result.stderr).toMatch(/refusing timeline .*fifo\.jsonl: it is not a regular file/);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    // Readers of a timeline do not hang on it either.
    for (const args of [['export', 'fifo.jsonl'], ['resume', 'fifo.jsonl'], ['note', 'fifo.jsonl', 'hello']]) {
      const read = await bounded(args);
      expect(read.signal, args.join(' ')).toBe(null);
      expect(read.code, args.join(' ')).toBe(2);
    }
  });

  it('a character device (/dev/null)', async () => {
    const result = await run('/dev/null');
    expect(result.code).toBe(2);
    expect(result.acted).toBe(false);
    expect(result.stderr).toMatch(/refusing timeline \/dev\/null: it is not a regular file/);
  });

  it('a directory', async () => {
    const result = await run(dir);
    expect(result.code).toBe(2);
    expect(result.acted).toBe(false);
  });

  it('the runbook itself, and a hard link to it', async () => {
    linkSync(path.join(dir, 'r.md'), path.join(dir, 'hard.jsonl'));
    for (const timeline of ['r.md', 'hard.jsonl']) {
      const result = await run(timeline);
      expect(result.code, timeline).toBe(2);
      expect(result.acted, timeline).toBe(false);
      expect(readFileSync(path.join(dir, 'r.md'), 'utf8'), timeline).toBe(RUNBOOK);
    }
    expect((await run('hard.jsonl')).stderr).toMatch(/which this run reads/);
  });

  it('an existing file that is not a timeline', async () => {
    const other = path.join(dir, 'notes.txt');
    writeFileSync(other, '{"hello":"world"}\nsome notes\n');
    const result = await run('notes.txt');
    expect(result.code).toBe(2);
    expect(result.acted).toBe(false);
    expect(result.stderr).toMatch(/not a runbook timeline/);
    expect(readFileSync(other, 'utf8')).toBe('{"hello":"world"}\nsome notes\n');
  });
});

describe('accepted --timeline paths', () => {
  it('a new path, an empty file, and an existing timeline (appended after its last event)', async () => {
    const first = await run('new/run.jsonl');
    expect(first.code).toBe(0);
    expect(first.acted).toBe(true);
    const again = await run('new/run.jsonl');
    expect(again.code).toBe(0);
    const recorded = events(readFileSync(path.join(dir, 'new/run.jsonl'), 'utf8'));
    expect(recorded.filter((e) => e.type === 'run.started')).toHaveLength(2);
    expect(recorded.map((e) => e.seq)).toEqual(recorded.map((_, i) => i + 1));

    writeFileSync(path.join(dir, 'empty.jsonl'), '');
    const empty = await run('empty.jsonl');
    expect(empty.code).toBe(0);
    expect(events(readFileSync(path.join(dir, 'empty.jsonl'), 'utf8'))[0]?.type).toBe('run.started');
  });

  it('a timeline whose first line was torn by a crash', async () => {
    const torn = path.join(dir, 'torn.jsonl');
    writeFileSync(torn, '{"v":1,"seq":1,"time":"2026-01-01T00:00:00.000Z","run":"x","type":"run.sta');
    const result = await run('torn.jsonl');
    expect(result.code).toBe(0);
    expect(result.acted).toBe(true);
  });
});
