/**
 * The timeline cannot be written: `/dev/full` (a device: refused before anything runs, issue 12), a read-only file system, and a disk
 * that fills up in the middle of a run (a 64 KiB tmpfs). The run must stop before any further gated
 * action and say why: it never acts without recording. Also: the timeline is created with mode 0600.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, events, runCli, tempDir } from './support.js';

let dir: string;
let cleanup: () => Promise<void>;
const mounts: string[] = [];

/** Mounts a tmpfs (root only); undefined when this machine does not allow it. */
function mountTmpfs(at: string, options: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', at], { stdio: 'ignore' });
    mounts.push(at);
    return at;
  } catch {
    return undefined;
  }
}

const RUNBOOK =
  '---\ntitle: Record first\n---\n\n# R\n\n' +
  // Fills the disk holding the timeline (and prints 6 KiB so its own step.finished needs a new page).
  '```sh {#fill}\n[ -n "$RL_FILL" ] && dd if=/dev/zero of="$RL_FILL" bs=4k count=1000 2>/dev/null; head -c 6000 /dev/zero | tr "\\0" "x"; echo\n```\n\n' +
  ':::mitigate{#act title="Gated action"}\n```sh\ntouch "$RL_MARK"\n```\n:::\n';

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('tlfault'));
  await writeFile(path.join(dir, 'r.md'), RUNBOOK);
});
afterAll(async () => {
  for (const at of mounts.reverse()) execFileSync('umount', [at]);
  await cleanup();
});

async function run(timeline: string, extra: Record<string, string> = {}) {
  const mark = path.join(dir, `acted-${path.basename(path.dirname(timeline))}-${path.basename(timeline)}`);
  const result = await runCli(['run', 'r.md', '--approve', 'fill', '--approve', 'act', '--timeline', timeline], {
    cwd: dir,
    env: cliEnv([], { RL_MARK: mark, ...extra }),
  });
  return { ...result, acted: existsSync(mark) };
}

describe('the timeline cannot be written', () => {
  it('/dev/full (a device, ENOSPC on every write): refused before anything runs, and the error says why', async () => {
    const result = await run('/dev/full');
    expect(result.acted).toBe(false);
    // Not a regular file, so not a timeline (issue 12 §6): usage error, exit 2. Disk full is the tmpfs case below.
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/refusing timeline \/dev\/full: it is not a regular file/);
  });

  it('a read-only file system: nothing runs, and the error says why', async (context) => {
    const ro = path.join(dir, 'ro');
    await mkdir(ro);
    if (!mountTmpfs(ro, 'ro,size=16k')) return context.skip();
    const result = await run(path.join(ro, 'run.jsonl'));
    expect(result.acted).toBe(false);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot open timeline .*run\.jsonl for append: read-only file system/);
  });

  it('the disk fills during the run: the run stops before the next gated action', async (context) => {
    const small = path.join(dir, 'small');
    await mkdir(small);
    if (!mountTmpfs(small, 'size=64k')) return context.skip();
    const timeline = path.join(small, 'run.jsonl');
    const result = await run(timeline, { RL_FILL: path.join(small, 'filler') });
    expect(result.acted).toBe(false);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/timeline .*run\.jsonl.*no space left on device/);
    // What was recorded is intact: every complete line parses, and the gated step never started.
    const recorded = events(readFileSync(timeline, 'utf8').split('\n').filter((l) => l.endsWith('}')).join('\n'));
    expect(recorded[0]?.type).toBe('run.started');
    expect(recorded.some((e) => e.step === 'act' && e.type === 'step.started')).toBe(false);
  });
});

describe('timeline file mode', () => {
  it('`runbook run` creates the timeline 0600 and its new folders 0700', async () => {
    const result = await runCli(['run', 'r.md', '--read-only', '--timeline', 'private/runs/t.jsonl'], { cwd: dir, env: cliEnv([], { RL_MARK: path.join(dir, 'unused') }) });
    expect(result.code).toBe(0);
    expect(statSync(path.join(dir, 'private/runs/t.jsonl')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'private/runs')).mode & 0o777).toBe(0o700);
  });
});
