/**
 * Runs one command and measures its wall time and peak RSS. Wall time is taken around the spawn with
 * `process.hrtime`; peak RSS comes from GNU time (`/usr/bin/time -f %M`, the kernel's `ru_maxrss` of the
 * process and its waited-for descendants) or, without it, from polling `/proc/<pid>/status` of the tree.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One measured run. */
export interface Sample {
  ms: number;
  /** Peak resident set size in MB (largest single process of the tree), or undefined if unknown. */
  rssMB: number | undefined;
  /** User + system CPU time in ms (GNU time only): shows how much of a speed-up comes from extra cores. */
  cpuMs: number | undefined;
  exitCode: number;
}

/** A command as an argv array (never a shell string). */
export interface Command {
  file: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

const GNU_TIME = '/usr/bin/time';

/** How peak RSS is measured on this machine. */
export const RSS_METHOD: 'gnu-time' | 'proc-poll' = existsSync(GNU_TIME) ? 'gnu-time' : 'proc-poll';

let scratch: string | undefined;

async function scratchDir(): Promise<string> {
  scratch ??= await mkdtemp(join(tmpdir(), 'runbook-bench-'));
  return scratch;
}

/** Removes the temp dir used for GNU time's output files. */
export async function cleanupMeasure(): Promise<void> {
  if (scratch) await rm(scratch, { recursive: true, force: true });
  scratch = undefined;
}

/** Output of {@link measure} when `capture` is set. */
export interface CapturedSample extends Sample {
  stdout: string;
  stderr: string;
}

/**
 * Runs `command` once. Output goes to /dev/null unless `capture` is set (used only for untimed sanity runs:
 * collecting output costs time the tools would not otherwise spend).
 */
export async function measure(command: Command, options: { capture?: boolean; timeoutMs?: number } = {}): Promise<CapturedSample> {
  const timeFile = join(await scratchDir(), `time-${process.pid}-${Math.floor(performance.now() * 1000)}.txt`);
  const [file, args] = RSS_METHOD === 'gnu-time'
    ? [GNU_TIME, ['-f', '%M %U %S', '-o', timeFile, command.file, ...command.args]]
    : [command.file, command.args];
  const stdio = options.capture ? (['ignore', 'pipe', 'pipe'] as const) : (['ignore', 'ignore', 'ignore'] as const);
  const start = process.hrtime.bigint();
  const child = spawn(file, args, { cwd: command.cwd, env: command.env ?? process.env, stdio: [...stdio] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  let polledKB = 0;
  const poller = RSS_METHOD === 'proc-poll' && child.pid !== undefined
    ? setInterval(() => { void treeRssKB(child.pid!).then((kb) => { polledKB = Math.max(polledKB, kb); }); }, 10)
    : undefined;
  const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (poller) clearInterval(poller);
  if (timer) clearTimeout(timer);
  let rssMB: number | undefined;
  let cpuMs: number | undefined;
  if (RSS_METHOD === 'gnu-time') {
    // GNU time writes "Command exited with non-zero status N" before the format line on failure.
    const lines = (await readFile(timeFile, 'utf8').catch(() => '')).trim().split('\n');
    const [kb, user, system] = (lines.at(-1) ?? '').split(' ').map(Number);
    rssMB = kb !== undefined && Number.isFinite(kb) && kb > 0 ? kb / 1024 : undefined;
    cpuMs = user !== undefined && system !== undefined && Number.isFinite(user + system) ? (user + system) * 1000 : undefined;
    await rm(timeFile, { force: true });
  } else {
    rssMB = polledKB > 0 ? polledKB / 1024 : undefined;
  }
  return { ms, rssMB, cpuMs, exitCode, stdout, stderr };
}

/** Largest VmHWM over a process and its descendants, in kB (0 if the process is gone). */
async function treeRssKB(pid: number): Promise<number> {
  let max = 0;
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+)/.exec(status);
    if (match) max = Number(match[1]);
    for (const task of await readdir(`/proc/${pid}/task`)) {
      const children = (await readFile(`/proc/${pid}/task/${task}/children`, 'utf8').catch(() => '')).trim();
      for (const child of children ? children.split(' ') : []) max = Math.max(max, await treeRssKB(Number(child)));
    }
  } catch {
    // The process ended between listing and reading.
  }
  return max;
}

/** Median, min and max of a list of numbers. */
export interface Stats {
  median: number;
  min: number;
  max: number;
}

/** Median / min / max (median of an even count is the mean of the middle two). */
export function stats(values: readonly number[]): Stats {
  if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
}

/** Least-squares fit y = a + b·x with R². */
export function linearFit(xs: readonly number[], ys: readonly number[]): { intercept: number; slope: number; r2: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const intercept = my - slope * mx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { intercept, slope, r2 };
}
