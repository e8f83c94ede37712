/**
 * results.json's shape, the goals the numbers are read against, and the Markdown report (printed, and put
 * into docs/performance.md between its markers).
 */
import { readFileSync } from 'node:fs';
import { cpus, totalmem, type as osType, release } from 'node:os';
import type { ExecutorSection } from './executor.js';
import type { LintSection, ScalingSection } from './lint.js';
import type { StartupSection } from './startup.js';
import type { TracesSection } from './traces.js';
import type { SafetySection } from './safety.js';

/** The machine the numbers come from. */
export interface Machine {
  nproc: number;
  memoryGB: number;
  cpuModel: string;
  node: string;
  os: string;
  rssMethod: string;
}

/** Describes this machine (`nproc`, memory, CPU model from /proc/cpuinfo, node version). */
export function describeMachine(rssMethod: string): Machine {
  let cpuModel = cpus()[0]?.model ?? 'unknown';
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) cpuModel = match[1]!.trim();
  } catch {
    // Not Linux: keep os.cpus()'s answer.
  }
  return {
    nproc: cpus().length,
    memoryGB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    cpuModel,
    node: process.version,
    os: `${osType()} ${release()}`,
    rssMethod,
  };
}

/** One goal of the issue, read against the numbers. */
export interface Goal {
  goal: string;
  /** The measured value in words, e.g. `2.4×`. */
  actual: string;
  /** true met, false missed, null not measured. */
  met: boolean | null;
  /** How far off a missed goal is, or why it was not measured. */
  note?: string;
}

/** Everything written to bench/results.json. */
export interface Results {
  version: 1;
  generatedAt: string;
  mode: 'quick' | 'full';
  seed: number;
  machine: Machine;
  durationSec: number;
  /** The CLI measured (relative to the repository), or null when it could not be built. */
  cli: string | null;
  /** Git commit of the tree and how many files were uncommitted when the CLI was built. */
  source?: { commit: string; changedFiles: number };
  /** Set when a fallback build was measured, saying why. */
  buildNote?: string;
  /** Load average (1, 5, 15 min) at the start and the end: other work on the machine skews the numbers. */
  load?: { start: number[]; end: number[] };
  corpora: { name: string; files: number; lines: number; bytes: number; steps: number }[];
  lint?: LintSection;
  startup?: StartupSection;
  executor?: ExecutorSection;
  scaling?: ScalingSection;
  traces?: TracesSection;
  safety?: SafetySection;
  goals: Goal[];
}

const pct = (value: number): string => `${Math.round(value * 100)}%`;

function atLeast(goal: string, actual: number | undefined, target: number, unit: string, skipped?: string): Goal {
  if (actual === undefined || !Number.isFinite(actual)) return { goal, actual: 'n/a', met: null, note: skipped ?? 'not measured' };
  const met = actual >= target;
  return { goal, actual: `${actual.toFixed(2)}${unit}`, met, ...(met ? {} : { note: `short by ${pct(1 - actual / target)} (${(target - actual).toFixed(2)}${unit})` }) };
}

function atMost(goal: string, actual: number | undefined, target: number, unit: string, digits: number, skipped?: string): Goal {
  if (actual === undefined || !Number.isFinite(actual)) return { goal, actual: 'n/a', met: null, note: skipped ?? 'not measured' };
  const met = actual <= target;
  return { goal, actual: `${actual.toFixed(digits)}${unit}`, met, ...(met ? {} : { note: `over by ${pct(actual / target - 1)} (+${(actual - target).toFixed(digits)}${unit})` }) };
}

/** Reads the results against the goals of the issue. */
export function evaluateGoals(results: Omit<Results, 'goals'>): Goal[] {
  const goals: Goal[] = [];
  const lint = results.lint;
  const runbook = lint?.results.find((r) => r.tool === 'runbook');
  const on = lint ? ` (${lint.files} files)` : '';
  const lintSkip = lint?.skipped.find((s) => s.tool === 'runbook')?.reason;
  goals.push(atLeast(`lint ≥ 2× markdownlint-cli2${on}`, runbook?.speedup?.['markdownlint-cli2'], 2, '×', lintSkip));
  goals.push(atLeast(`lint ≥ 3× remark-cli${on}`, runbook?.speedup?.['remark-cli'], 3, '×', lintSkip));
  goals.push(atMost(`lint peak RSS < 250 MB${on}`, runbook?.rssMB?.max, 250, ' MB', 0, lintSkip));
  const startup = results.startup;
  const ratio = (id: string): number | undefined => startup?.results.find((r) => r.id === id)?.ratioToNode;
  const startSkip = (id: string): string | undefined => startup?.skipped.find((s) => s.id === id)?.reason;
  goals.push(atMost('`runbook --help` ≤ 1.5× `node -e 0`', ratio('help'), 1.5, '×', 2, startSkip('help')));
  goals.push(atMost('`runbook lint one-file.md` ≤ 1.5× `node -e 0`', ratio('lint-one'), 1.5, '×', 2, startSkip('lint-one')));
  const exec = results.executor;
  // Per step = the marginal figure: what each further step costs over the bare loop. The CLI's fixed start-up
  // is a goal of its own (start-up table); the all-in figure, start-up spread over the steps, is in the note.
  const overhead = (kind: 'promql' | 'kubectl', target: number): Goal => {
    const result = exec?.results.find((r) => r.kind === kind);
    const goal = atMost(`executor overhead ≤ ${target} ms per ${kind === 'promql' ? 'PromQL' : 'kubectl'} step (marginal)`, result?.marginalOverheadPerStepMs, target, ' ms', 2, exec?.skipped.find((s) => s.kind === kind)?.reason);
    if (result) goal.note = [goal.note, `all-in ${result.overheadPerStepMs.toFixed(2)} ms/step with start-up spread over ${result.steps} steps`].filter(Boolean).join('; ');
    return goal;
  };
  goals.push(overhead('promql', 2), overhead('kubectl', 15));
  const scaling = results.scaling;
  if (scaling?.fit) {
    goals.push({ goal: 'at most linear scaling (200 / 2,000 / 8,000 files)', actual: `R² ${scaling.fit.r2.toFixed(4)}`, met: scaling.fit.linear, note: scaling.fit.verdict });
  } else {
    goals.push({ goal: 'at most linear scaling (200 / 2,000 / 8,000 files)', actual: 'n/a', met: null, note: scaling?.skipped ?? 'needs at least two corpus sizes (not in --quick)' });
  }
  const large = scaling?.points.find((p) => p.corpus.startsWith('large-'));
  goals.push(atMost('50,000-line file linted in < 3 s', large ? large.ms.median / 1000 : undefined, 3, ' s', 2, scaling?.skipped));
  goals.push(atMost('50,000-line file peak RSS < 400 MB', large?.rssMB?.max, 400, ' MB', 0, scaling?.skipped));
  goals.push(atMost('critical path of a 10,000-span trace < 100 ms', results.traces?.ms.median, 100, ' ms', 1));
  // The proxy is started once per run: it should cost no more than a few plain kubectl calls.
  const safety = results.safety;
  goals.push(atMost('read-only kubectl proxy start ≤ 3× one plain `kubectl get`', safety ? safety.proxyMs.median / safety.kubectlMs.median : undefined, 3, '×', 2));
  goals.push(atMost('redaction of a 4 KiB event < 1 ms', safety ? safety.redactUs.median / 1000 : undefined, 1, ' ms', 3));
  return goals;
}

const f0 = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(0));
const f1 = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(1));
const f2 = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(2));
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

/** The whole report as Markdown (headings at level 3, so it nests under a document's level-2 heading). */
export function renderMarkdown(results: Results): string {
  const out: string[] = [];
  const m = results.machine;
  out.push(
    `Run of ${results.generatedAt} (${results.mode}${results.mode === 'quick' ? ': 200-file corpus, 1 round, fewer start-up runs — indicative only' : ''}), seed ${results.seed}, ${results.durationSec.toFixed(0)} s in all.`,
    '',
    `Machine: ${m.nproc} CPUs (\`nproc\`), ${m.memoryGB} GB memory, ${m.cpuModel}, Node ${m.node}, ${m.os}. Peak RSS via ${m.rssMethod === 'gnu-time' ? '`/usr/bin/time -f %M` (largest process of the tree)' : 'polling /proc'}.`,
    '',
  );
  if (results.load) out.push(`Load average (1/5/15 min) at start ${results.load.start.map(f2).join(' / ')}, at end ${results.load.end.map(f2).join(' / ')}.`, '');
  if (results.source) out.push(`Code: commit ${results.source.commit}${results.source.changedFiles ? ` plus ${results.source.changedFiles} uncommitted files` : ''}, built into \`${results.cli}\` for this run.`, '');
  if (results.buildNote) out.push(`Note: ${results.buildNote}.`, '');
  if (results.corpora.length) {
    out.push('### Corpora', '', '| corpus | files | lines | MB | steps |', '|---|---:|---:|---:|---:|');
    for (const c of results.corpora) out.push(`| ${c.name} | ${c.files} | ${c.lines} | ${mb(c.bytes)} | ${c.steps} |`);
    out.push('');
  }
  const lint = results.lint;
  if (lint) {
    out.push(
      `### Lint throughput (${lint.corpus}: ${lint.files} files, ${mb(lint.bytes)} MB, ${lint.rounds} round${lint.rounds === 1 ? '' : 's'} alternated)`,
      '',
      ...(lint.note ? [`Note: ${lint.note}.`, ''] : []),
      '| tool | median ms | min ms | max ms | CPU ms | files/s | MB/s | peak RSS MB | runbook is … faster | files linted | problems |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    const runbook = lint.results.find((r) => r.tool === 'runbook');
    for (const r of lint.results) {
      const speed = r.tool === 'runbook' ? '–' : runbook ? `${f2(r.ms.median / runbook.ms.median)}×` : 'n/a';
      out.push(`| ${r.tool} | ${f0(r.ms.median)} | ${f0(r.ms.min)} | ${f0(r.ms.max)} | ${f0(r.cpuMs?.median)} | ${f0(r.filesPerSec)} | ${f2(r.mbPerSec)} | ${f0(r.rssMB?.max)} | ${speed} | ${r.sanity.filesLinted ?? '?'} | ${r.sanity.problems ?? '?'} |`);
    }
    for (const s of lint.skipped) out.push('', `- **${s.tool} skipped**: ${s.reason}`);
    out.push('');
  }
  const startup = results.startup;
  if (startup) {
    out.push(
      `### Start-up (${startup.runs} runs each after ${startup.warmups} warm-ups, alternated; file: \`${startup.file}\`)`,
      '',
      '| command | median ms | min ms | max ms | × `node -e 0` | peak RSS MB | exit |',
      '|---|---:|---:|---:|---:|---:|---|',
    );
    for (const r of startup.results) out.push(`| ${r.label} | ${f1(r.ms.median)} | ${f1(r.ms.min)} | ${f1(r.ms.max)} | ${f2(r.ratioToNode)} | ${f0(r.rssMB?.max)} | ${r.exitCodes.join(', ')} |`);
    for (const s of startup.skipped) out.push('', `- **${s.id} skipped**: ${s.reason}`);
    out.push('');
  }
  const exec = results.executor;
  if (exec) {
    out.push(
      `### Executor overhead (sandbox, historical mode, \`--at ${exec.at}\`)`,
      '',
      '| steps | runbook run median ms | bare loop median ms | overhead ms/step | marginal ms/step | small size: runbook / bare ms |',
      '|---|---:|---:|---:|---:|---:|',
    );
    for (const r of exec.results) {
      out.push(`| ${r.steps} ${r.kind} | ${f0(r.runbookMs.median)} | ${f0(r.bareMs.median)} | ${f2(r.overheadPerStepMs)} | ${f2(r.marginalOverheadPerStepMs)} | ${r.smallSteps}: ${f0(r.runbookSmallMs.median)} / ${f0(r.bareSmallMs.median)} |`);
    }
    for (const s of exec.skipped) out.push('', `- **${s.kind} skipped**: ${s.reason}`);
    out.push(
      '',
      'Overhead/step = (runbook − bare) / steps, start-up difference included; marginal = difference of the per-step slopes between the two sizes (start-up cancels out).',
      '',
    );
  }
  const scaling = results.scaling;
  if (scaling) {
    out.push(`### Scaling of \`runbook lint\` (${scaling.rounds} round${scaling.rounds === 1 ? '' : 's'} each)`, '');
    if (scaling.note) out.push(`Note: ${scaling.note}.`, '');
    if (scaling.skipped) out.push(`- **skipped**: ${scaling.skipped}`, '');
    if (scaling.points.length) {
      out.push('| corpus | files | lines | MB | median ms | min ms | max ms | ms/file | peak RSS MB |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|');
      for (const p of scaling.points) out.push(`| ${p.corpus} | ${p.files} | ${p.lines} | ${mb(p.bytes)} | ${f0(p.ms.median)} | ${f0(p.ms.min)} | ${f0(p.ms.max)} | ${f2(p.ms.median / p.files)} | ${f0(p.rssMB?.max)} |`);
      out.push('');
    }
    if (scaling.fit) {
      out.push(`Fit over the multi-file corpora: ${scaling.fit.verdict}. Marginal ms per file between sizes: ${scaling.fit.marginalMsPerFile.map(f2).join(', ')}.${scaling.fit.rssMBPer1000Files !== undefined ? ` Peak RSS grows ${f1(scaling.fit.rssMBPer1000Files)} MB per 1,000 files.` : ''}`, '');
    }
    if (scaling.large) out.push(`Single large file: ${scaling.large.verdict}.`, '');
  }
  const traces = results.traces;
  if (traces) {
    out.push(`### Trace analysis (${traces.spans} spans, ${traces.runs} runs in process)`, '');
    out.push(`\`analyzeTrace\` (tree, critical path, bottleneck, errors, waterfall rows): median ${f1(traces.ms.median)} ms, min ${f1(traces.ms.min)} ms, max ${f1(traces.ms.max)} ms; ${traces.criticalSections} critical-path sections, bottleneck ${traces.bottleneck}.`, '');
  }
  const safety = results.safety;
  if (safety) {
    out.push(`### Safety costs (${safety.runs} runs)`, '');
    out.push(`Read-only \`kubectl proxy\` start and stop (once per run and context): median ${f1(safety.proxyMs.median)} ms (min ${f1(safety.proxyMs.min)}, max ${f1(safety.proxyMs.max)}); one plain \`kubectl get pods\` against the same stub: median ${f1(safety.kubectlMs.median)} ms. Redacting one \`step.finished\` event with a 4 KiB excerpt: ${f1(safety.redactUs.median)} µs, against ${f1(safety.stringifyUs.median)} µs to serialise it.`, '');
  }
  out.push('### Goals', '', '| goal | measured | met | note |', '|---|---:|---|---|');
  for (const g of results.goals) out.push(`| ${g.goal} | ${g.actual} | ${g.met === null ? 'not measured' : g.met ? 'yes' : '**no**'} | ${(g.note ?? '').replaceAll('|', '\\|')} |`);
  out.push('');
  return out.join('\n');
}

/** Start and end markers of the generated part of docs/performance.md. */
export const DOC_MARKERS = { start: '<!-- bench:results:start -->', end: '<!-- bench:results:end -->' } as const;

/** Replaces the generated part of a document; returns undefined when the markers are missing. */
export function spliceReport(document: string, report: string): string | undefined {
  const start = document.indexOf(DOC_MARKERS.start);
  const end = document.indexOf(DOC_MARKERS.end);
  if (start < 0 || end < start) return undefined;
  return `${document.slice(0, start + DOC_MARKERS.start.length)}\n\n${report.trim()}\n\n${document.slice(end)}`;
}
