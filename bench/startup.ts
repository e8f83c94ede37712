/**
 * Start-up cost: `runbook --help`, `runbook lint <one file>` and `runbook run --dry-run <small runbook>`
 * against `node -e 0` as the floor. Our own loop of N runs, alternated, so drift hits every command alike.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { measure, stats } from './measure.js';
import type { Command, Sample, Stats } from './measure.js';
import { cliPath } from './tools.js';
import type { BenchPaths } from './tools.js';

/** One start-up subject's numbers. */
export interface StartupResult {
  id: string;
  label: string;
  ms: Stats;
  rssMB: Stats | undefined;
  /** Median divided by the `node -e 0` median. */
  ratioToNode: number | undefined;
  exitCodes: number[];
}

/** The start-up section of results.json. */
export interface StartupSection {
  runs: number;
  warmups: number;
  file: string;
  results: StartupResult[];
  skipped: { id: string; reason: string }[];
}

/** Options of {@link benchStartup}. */
export interface StartupOptions {
  runs: number;
  /** A small, valid runbook used by the lint and dry-run subjects. */
  file: string;
  /** Reasons to skip subjects that need a command that does not exist yet. */
  lintMissing?: string;
  runMissing?: string;
  cliMissing?: string;
}

/** Measures start-up; every subject runs once per round, rounds alternate the subjects. */
export async function benchStartup(paths: BenchPaths, options: StartupOptions, log: (line: string) => void): Promise<StartupSection> {
  const cli = cliPath(paths);
  const file = relative(paths.root, options.file);
  const timelines = join(paths.work, 'startup-timelines');
  await rm(timelines, { recursive: true, force: true });
  await mkdir(timelines, { recursive: true });
  let dryRunCount = 0;
  const subjects: { id: string; label: string; command: () => Command; skip?: string }[] = [
    { id: 'node', label: '`node -e 0` (floor)', command: () => ({ file: process.execPath, args: ['-e', '0'], cwd: paths.root }) },
    { id: 'help', label: '`runbook --help`', command: () => ({ file: process.execPath, args: [cli, '--help'], cwd: paths.root }), ...(options.cliMissing ? { skip: options.cliMissing } : {}) },
    {
      id: 'lint-one', label: '`runbook lint <one file>`', command: () => ({ file: process.execPath, args: [cli, 'lint', file], cwd: paths.root }),
      ...((options.cliMissing ?? options.lintMissing) ? { skip: (options.cliMissing ?? options.lintMissing)! } : {}),
    },
    {
      id: 'dry-run', label: '`runbook run --dry-run <small runbook>`',
      // Its own timeline file each time: a dry run still records its plan. The URL is never contacted.
      command: () => ({
        file: process.execPath,
        args: [cli, 'run', '--dry-run', '--prometheus', 'http://127.0.0.1:9', '--timeline', join(timelines, `dry-${++dryRunCount}.jsonl`), file],
        cwd: paths.root,
      }),
      ...((options.cliMissing ?? options.runMissing) ? { skip: (options.cliMissing ?? options.runMissing)! } : {}),
    },
  ];
  const active = subjects.filter((s) => !s.skip);
  const samples = new Map<string, Sample[]>(active.map((s) => [s.id, []]));
  const warmups = 2;
  for (let round = 0; round < warmups + options.runs; round++) {
    for (const subject of active) {
      const sample = await measure(subject.command());
      if (round >= warmups) samples.get(subject.id)!.push(sample);
    }
  }
  const nodeMedian = stats(samples.get('node')!.map((s) => s.ms)).median;
  const results = active.map((subject): StartupResult => {
    const list = samples.get(subject.id)!;
    const ms = stats(list.map((s) => s.ms));
    const rss = list.map((s) => s.rssMB).filter((v): v is number => v !== undefined);
    return {
      id: subject.id, label: subject.label, ms,
      rssMB: rss.length ? stats(rss) : undefined,
      ratioToNode: subject.id === 'node' ? 1 : ms.median / nodeMedian,
      exitCodes: [...new Set(list.map((s) => s.exitCode))],
    };
  });
  for (const r of results) log(`  start-up ${r.id}: median ${r.ms.median.toFixed(1)} ms (×${r.ratioToNode?.toFixed(2)} of node -e 0), exit ${r.exitCodes.join('/')}`);
  await rm(timelines, { recursive: true, force: true });
  return {
    runs: options.runs, warmups, file,
    results,
    skipped: subjects.filter((s) => s.skip).map((s) => ({ id: s.id, reason: s.skip! })),
  };
}
