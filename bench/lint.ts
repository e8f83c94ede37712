/**
 * Lint throughput (runbook vs markdownlint-cli2 vs remark-cli on one corpus, runs alternated A B C A B C …)
 * and lint scaling (runbook alone on every corpus size, with a linear fit).
 */
import { measure, linearFit, stats } from './measure.js';
import type { Sample, Stats } from './measure.js';
import type { CorpusManifest } from './generate.js';
import { lintCommand, readSanity, TOOL_IDS } from './tools.js';
import type { BenchPaths, SanityInfo, ToolId } from './tools.js';

const MB = 1024 * 1024;

/** A corpus on disk. */
export interface Corpus {
  /** e.g. `files-2000`, `large-50000`. */
  name: string;
  /** Folder, or the single file of a `large-*` corpus. */
  target: string;
  manifest: CorpusManifest;
}

/** One tool's numbers on one corpus. */
export interface ToolResult {
  tool: ToolId;
  ms: Stats;
  cpuMs: Stats | undefined;
  rssMB: Stats | undefined;
  filesPerSec: number;
  mbPerSec: number;
  exitCodes: number[];
  sanity: SanityInfo;
  /** Other tool's median / this tool's median (> 1: this tool is faster), for runbook only. */
  speedup?: Partial<Record<ToolId, number>>;
}

/** The lint comparison section of results.json. */
export interface LintSection {
  corpus: string;
  files: number;
  bytes: number;
  steps: number;
  rounds: number;
  /** Rounds asked for; more than `rounds` when the time budget cut the run short. */
  roundsPlanned: number;
  note?: string;
  order: ToolId[];
  results: ToolResult[];
  skipped: { tool: ToolId; reason: string }[];
}

function summarise(tool: ToolId, list: Sample[], corpus: Corpus, sanity: SanityInfo): ToolResult {
  const ms = stats(list.map((s) => s.ms));
  const cpu = list.map((s) => s.cpuMs).filter((v): v is number => v !== undefined);
  const rss = list.map((s) => s.rssMB).filter((v): v is number => v !== undefined);
  return {
    tool, ms,
    cpuMs: cpu.length ? stats(cpu) : undefined,
    rssMB: rss.length ? stats(rss) : undefined,
    filesPerSec: corpus.manifest.files / (ms.median / 1000),
    mbPerSec: corpus.manifest.bytes / MB / (ms.median / 1000),
    exitCodes: [...new Set(list.map((s) => s.exitCode))],
    sanity,
  };
}

/** Compares the linters on one corpus. `skip` maps tools that cannot run to the reason. */
export async function benchLintComparison(
  paths: BenchPaths,
  corpus: Corpus,
  options: { rounds: number; budgetMs: number; configs: { markdownlint: string; remark: string }; skip: Partial<Record<ToolId, string>> },
  log: (line: string) => void,
): Promise<LintSection & { runbookSamples: Sample[] }> {
  const tools = TOOL_IDS.filter((tool) => !options.skip[tool]);
  const samples = new Map<ToolId, (Sample & { stdout: string; stderr: string })[]>(tools.map((tool) => [tool, []]));
  const started = performance.now();
  let rounds = 0;
  let note: string | undefined;
  while (rounds < options.rounds) {
    for (const tool of tools) {
      // Output is captured (it is small) so every run shows it linted every file; the first run's counts are kept.
      const sample = await measure(lintCommand(tool, corpus.target, paths, options.configs), { capture: true });
      samples.get(tool)!.push(sample);
      log(`  round ${rounds + 1}/${options.rounds} ${tool}: ${sample.ms.toFixed(0)} ms, ${sample.rssMB?.toFixed(0) ?? '?'} MB, exit ${sample.exitCode}`);
    }
    rounds++;
    note = budgetStop(rounds, options.rounds, performance.now() - started, options.budgetMs);
    if (note) {
      log(`  ${note}`);
      break;
    }
  }
  const results = tools.map((tool) => {
    const list = samples.get(tool)!;
    const sanity = readSanity(tool, list[0]!);
    log(`  ${tool}: ${sanity.filesLinted ?? '?'} files linted, ${sanity.problems ?? '?'} problems`);
    return summarise(tool, list, corpus, sanity);
  });
  const runbook = results.find((r) => r.tool === 'runbook');
  if (runbook) {
    runbook.speedup = {};
    for (const peer of results) if (peer !== runbook) runbook.speedup[peer.tool] = peer.ms.median / runbook.ms.median;
  }
  return {
    corpus: corpus.name, files: corpus.manifest.files, bytes: corpus.manifest.bytes, steps: corpus.manifest.steps,
    rounds, roundsPlanned: options.rounds, ...(note ? { note } : {}), order: tools, results,
    skipped: TOOL_IDS.filter((tool) => options.skip[tool]).map((tool) => ({ tool, reason: options.skip[tool]! })),
    runbookSamples: samples.get('runbook') ?? [],
  };
}

/** `runbook lint` on one corpus of the scaling series. */
export interface ScalingPoint {
  corpus: string;
  files: number;
  lines: number;
  bytes: number;
  ms: Stats;
  rssMB: Stats | undefined;
  cpuMs: Stats | undefined;
  exitCodes: number[];
  /** Samples behind the numbers (runs reused from the lint comparison count too). */
  samples: number;
}

/** The scaling section of results.json. */
export interface ScalingSection {
  rounds: number;
  points: ScalingPoint[];
  /** Rounds asked for; more than `rounds` when the time budget cut the run short. */
  roundsPlanned: number;
  note?: string;
  /** Fit of median ms over the multi-file corpora (at least two needed). */
  fit?: {
    msPerFile: number;
    msPerMB: number;
    interceptMs: number;
    r2: number;
    /** Marginal ms per file between consecutive sizes (200→2000, 2000→8000). */
    marginalMsPerFile: number[];
    /** RSS fit: MB per 1,000 files. */
    rssMBPer1000Files?: number;
    linear: boolean;
    verdict: string;
  };
  /** The single large file against the per-MB rate of the corpora. */
  large?: { corpus: string; ms: number; msPerMB: number; corpusMsPerMB?: number; verdict: string };
  skipped?: string;
}

/**
 * Lints every corpus with runbook, `rounds` times each (alternating corpora), and fits time against size.
 * `reuse` holds runs of the same command already made by the lint comparison: a corpus with enough of them
 * is not linted again.
 */
export async function benchScaling(
  paths: BenchPaths,
  corpora: Corpus[],
  options: { rounds: number; budgetMs: number; configs: { markdownlint: string; remark: string }; reuse?: Map<string, Sample[]> },
  log: (line: string) => void,
): Promise<ScalingSection> {
  const samples = new Map<string, Sample[]>(corpora.map((c) => [c.name, [...(options.reuse?.get(c.name) ?? [])]]));
  const started = performance.now();
  let rounds = 0;
  let note: string | undefined;
  while (rounds < options.rounds) {
    for (const corpus of corpora) {
      if (samples.get(corpus.name)!.length > rounds) continue;
      const sample = await measure(lintCommand('runbook', corpus.target, paths, options.configs));
      samples.get(corpus.name)!.push(sample);
      log(`  round ${rounds + 1}/${options.rounds} ${corpus.name}: ${sample.ms.toFixed(0)} ms, ${sample.rssMB?.toFixed(0) ?? '?'} MB, exit ${sample.exitCode}`);
    }
    rounds++;
    note = budgetStop(rounds, options.rounds, performance.now() - started, options.budgetMs);
    if (note) {
      log(`  ${note}`);
      break;
    }
  }
  const points = corpora.map((corpus): ScalingPoint => {
    const list = samples.get(corpus.name)!;
    const rss = list.map((s) => s.rssMB).filter((v): v is number => v !== undefined);
    const cpu = list.map((s) => s.cpuMs).filter((v): v is number => v !== undefined);
    return {
      corpus: corpus.name, files: corpus.manifest.files, lines: corpus.manifest.lines, bytes: corpus.manifest.bytes,
      ms: stats(list.map((s) => s.ms)),
      rssMB: rss.length ? stats(rss) : undefined,
      cpuMs: cpu.length ? stats(cpu) : undefined,
      exitCodes: [...new Set(list.map((s) => s.exitCode))],
      samples: list.length,
    };
  });
  const section: ScalingSection = { rounds, roundsPlanned: options.rounds, ...(note ? { note } : {}), points };
  const multi = points.filter((p) => !p.corpus.startsWith('large-'));
  if (multi.length >= 2) {
    const byFiles = linearFit(multi.map((p) => p.files), multi.map((p) => p.ms.median));
    const byMB = linearFit(multi.map((p) => p.bytes / MB), multi.map((p) => p.ms.median));
    const marginal = multi.slice(1).map((p, i) => (p.ms.median - multi[i]!.ms.median) / (p.files - multi[i]!.files));
    const rssPoints = multi.filter((p) => p.rssMB);
    const rssFit = rssPoints.length >= 2 ? linearFit(rssPoints.map((p) => p.files / 1000), rssPoints.map((p) => p.rssMB!.max)) : undefined;
    const { linear, verdict } = scalingVerdict(byFiles, byMB.slope, marginal);
    section.fit = {
      msPerFile: byFiles.slope, msPerMB: byMB.slope, interceptMs: byFiles.intercept, r2: byFiles.r2,
      marginalMsPerFile: marginal,
      ...(rssFit ? { rssMBPer1000Files: rssFit.slope } : {}),
      linear, verdict,
    };
  }
  const large = points.find((p) => p.corpus.startsWith('large-'));
  if (large) {
    const msPerMB = large.ms.median / (large.bytes / MB);
    const corpusMsPerMB = section.fit?.msPerMB;
    const ratio = corpusMsPerMB ? msPerMB / corpusMsPerMB : undefined;
    section.large = {
      corpus: large.corpus, ms: large.ms.median, msPerMB,
      ...(corpusMsPerMB !== undefined ? { corpusMsPerMB } : {}),
      verdict: ratio === undefined
        ? `${msPerMB.toFixed(0)} ms per MB (start-up included)`
        : `${msPerMB.toFixed(0)} ms per MB including start-up, ×${ratio.toFixed(2)} the corpora's marginal ${corpusMsPerMB!.toFixed(0)} ms per MB`,
    };
  }
  return section;
}

/**
 * The goal is that lint time grows no faster than the corpus: the cost of one more file must not rise with
 * the corpus size (at most 1.5x between the smallest and the largest step). A straight-line fit (R² >= 0.98)
 * is "linear"; a per-file cost that falls (start-up amortised, worker threads engaging on large inputs)
 * bends the curve below the line, which is "sub-linear" and meets the goal too.
 */
export function scalingVerdict(
  byFiles: { r2: number; slope: number; intercept: number },
  msPerMB: number,
  marginal: readonly number[],
): { linear: boolean; verdict: string } {
  const ratio = marginal.length >= 2 ? marginal.at(-1)! / marginal[0]! : 1;
  const fit = `R² = ${byFiles.r2.toFixed(4)}, ${byFiles.slope.toFixed(3)} ms per file (${msPerMB.toFixed(0)} ms per MB) plus ${byFiles.intercept.toFixed(0)} ms fixed`;
  if (ratio > 1.5) return { linear: false, verdict: `worse than linear: the marginal cost per file grows ×${ratio.toFixed(2)} from the smallest to the largest step; ${fit}` };
  if (byFiles.r2 >= 0.98) return { linear: true, verdict: `linear: ${fit}` };
  return { linear: true, verdict: `sub-linear (at most linear): the marginal cost per file falls ×${ratio.toFixed(2)} from the smallest to the largest step; ${fit}` };
}

/** Why to stop adding rounds: another round, at the average so far, would pass the section's time budget. */
function budgetStop(rounds: number, planned: number, elapsedMs: number, budgetMs: number): string | undefined {
  if (rounds >= planned || elapsedMs + elapsedMs / rounds <= budgetMs) return undefined;
  return `stopped after ${rounds} of ${planned} rounds: another round (≈${(elapsedMs / rounds / 1000).toFixed(0)} s) would pass this section's time budget of ${(budgetMs / 1000).toFixed(0)} s`;
}
