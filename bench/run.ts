/**
 * `npm run bench` (tsx bench/run.ts): generates the corpora, measures lint throughput against markdownlint-cli2
 * and remark-cli, start-up, executor overhead and scaling, writes bench/results.json, prints a Markdown report
 * and puts it into docs/performance.md. A benchmark, never a test: nothing here fails on a slow number.
 *
 *   npx tsx bench/run.ts [--quick] [--rounds N] [--seed N] [--only lint,startup,executor,scaling]
 *                        [--startup-runs N] [--out FILE] [--docs | --skip-docs]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchExecutor } from './executor.js';
import type { ExecutorSection, SandboxHandle } from './executor.js';
import { DEFAULT_SEED, ensureCorpus } from './generate.js';
import { benchLintComparison, benchScaling } from './lint.js';
import type { Corpus } from './lint.js';
import { cleanupMeasure, RSS_METHOD } from './measure.js';
import type { Sample } from './measure.js';
import { describeMachine, evaluateGoals, renderMarkdown, spliceReport } from './report.js';
import type { Results } from './report.js';
import { benchStartup } from './startup.js';
import { benchTraces } from './traces.js';
import { benchSafety } from './safety.js';
import { commandAvailable, ensureBuilt, writePeerConfigs } from './tools.js';
import type { BenchPaths, ToolId } from './tools.js';
import { scalingVerdict } from './lint.js';

const SECTIONS = ['lint', 'startup', 'executor', 'scaling', 'traces', 'safety'] as const;
type SectionId = (typeof SECTIONS)[number];

const USAGE = `Usage: npx tsx bench/run.ts [options]

  --quick            fast smoke run: 200-file corpus, 1 round, 5 start-up runs (results to bench/.work/)
  --rounds N         lint comparison rounds, alternated (default 5; quick 1)
  --seed N           corpus seed (default ${DEFAULT_SEED})
  --only LIST        comma-separated sections: ${SECTIONS.join(', ')}
  --startup-runs N   runs per start-up command (default 30; quick 5)
  --out FILE         results file (default bench/results.json; quick: bench/.work/results-quick.json)
  --budget-min N     time budget in minutes: lint and scaling stop adding rounds to stay in it
                     (default 20; quick: none)
  --render FILE      measure nothing: re-read a results file, re-evaluate the goals, print the report
                     (and update docs/performance.md with --docs)
  --docs             update docs/performance.md (default for full runs)
  --skip-docs        do not update docs/performance.md
`;

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new Error(`--${name} expects a whole number ≥ 1, found \`${value}\``);
  return Number(value);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      seed: { type: 'string' },
      only: { type: 'string' },
      'startup-runs': { type: 'string' },
      'budget-min': { type: 'string' },
      out: { type: 'string' },
      render: { type: 'string' },
      docs: { type: 'boolean' },
      'skip-docs': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const quick = values.quick === true;
  const rounds = positiveInt('rounds', values.rounds, quick ? 1 : 5);
  const seed = values.seed === undefined ? DEFAULT_SEED : positiveInt('seed', values.seed, DEFAULT_SEED);
  const startupRuns = positiveInt('startup-runs', values['startup-runs'], quick ? 5 : 30);
  // Lint comparison and scaling dominate a full run; they share the budget, the other sections take ~1 minute.
  const budgetMs = values['budget-min'] !== undefined ? positiveInt('budget-min', values['budget-min'], 20) * 60_000 : quick ? Infinity : 20 * 60_000;
  const only = new Set<SectionId>(values.only ? (values.only.split(',').map((s) => s.trim()) as SectionId[]) : SECTIONS);
  for (const s of only) if (!SECTIONS.includes(s)) throw new Error(`--only: unknown section \`${s}\`; expected ${SECTIONS.join(', ')}`);
  const writeDocs = values['skip-docs'] ? false : (values.docs ?? !quick);

  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  if (values.render) return render(root, resolve(values.render), values.docs === true && !values['skip-docs']);
  const paths: BenchPaths = { root, work: join(root, 'bench', '.work'), corpus: join(root, 'bench', 'corpus') };
  const out = values.out ? resolve(values.out) : quick ? join(paths.work, 'results-quick.json') : join(root, 'bench', 'results.json');
  const started = performance.now();
  const loadStart = loadavg();
  const log = (line: string): void => {
    process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
  };
  await mkdir(paths.work, { recursive: true });

  // Corpora (cached by manifest: regenerated only when the generator, seed or size changes).
  const sizes = quick ? [200] : [200, 2000, 8000];
  const corpora: Corpus[] = [];
  for (const files of sizes) {
    const dir = join(paths.corpus, `files-${files}`);
    log(`corpus files-${files} …`);
    corpora.push({ name: `files-${files}`, target: dir, manifest: await ensureCorpus(dir, { files, seed }) });
  }
  const largeDir = join(paths.corpus, 'large-50000');
  log('corpus large-50000 …');
  const largeManifest = await ensureCorpus(largeDir, { largeLines: 50_000, seed });
  const large: Corpus = { name: 'large-50000', target: join(largeDir, largeManifest.singleFile!), manifest: largeManifest };

  // What exists yet: the CLI commands are written concurrently with this harness.
  const build = ensureBuilt(paths, log);
  const cliMissing = 'skip' in build ? build.skip : undefined;
  if ('cli' in build) paths.cli = build.cli;
  if ('note' in build && build.note) log(build.note);
  const lintMissing = cliMissing ?? commandAvailable(paths, 'lint');
  const runMissing = cliMissing ?? commandAvailable(paths, 'run');
  if (lintMissing) log(`runbook lint will be skipped: ${lintMissing}`);
  if (runMissing) log(`runbook run will be skipped: ${runMissing}`);
  const configs = await writePeerConfigs(paths);

  const partial: Omit<Results, 'goals'> = {
    version: 1, generatedAt: new Date().toISOString(), mode: quick ? 'quick' : 'full', seed,
    machine: describeMachine(RSS_METHOD), durationSec: 0,
    cli: 'cli' in build ? relative(root, build.cli) : null,
    source: gitState(root),
    ...('note' in build && build.note ? { buildNote: build.note } : {}),
    corpora: [...corpora, large].map((c) => ({ name: c.name, files: c.manifest.files, lines: c.manifest.lines, bytes: c.manifest.bytes, steps: c.manifest.steps })),
  };

  const reuse = new Map<string, Sample[]>();
  if (only.has('lint')) {
    const corpus = corpora.find((c) => c.name === (quick ? 'files-200' : 'files-2000'))!;
    log(`lint comparison on ${corpus.name}, ${rounds} round(s) …`);
    const skip: Partial<Record<ToolId, string>> = lintMissing ? { runbook: lintMissing } : {};
    const { runbookSamples, ...section } = await benchLintComparison(paths, corpus, { rounds, budgetMs: budgetMs * 0.5, configs, skip }, log);
    partial.lint = section;
    if (runbookSamples.length) reuse.set(corpus.name, runbookSamples);
  }
  if (only.has('startup')) {
    log(`start-up, ${startupRuns} runs each …`);
    const smallRunbook = join(root, 'runbooks', 'payment-gateway-timeout.md');
    const file = existsSync(smallRunbook) ? smallRunbook : join(corpora[0]!.target, (await import('./generate.js')).generateRunbook(seed, 1).name);
    partial.startup = await benchStartup(paths, {
      runs: startupRuns, file,
      ...(cliMissing ? { cliMissing } : {}), ...(lintMissing ? { lintMissing } : {}), ...(runMissing ? { runMissing } : {}),
    }, log);
  }
  if (only.has('executor')) {
    log('executor overhead …');
    partial.executor = await runExecutor(paths, { rounds, runMissing }, log);
  }
  if (only.has('scaling')) {
    const series = [...corpora, large];
    const scalingRounds = quick ? 1 : 3;
    if (lintMissing) {
      partial.scaling = { rounds: 0, roundsPlanned: scalingRounds, points: [], skipped: lintMissing };
    } else {
      log(`scaling over ${series.map((c) => c.name).join(', ')}, ${scalingRounds} round(s) …`);
      const spent = performance.now() - started;
      const scalingBudget = Math.max(budgetMs - spent - 60_000, budgetMs * 0.2);
      partial.scaling = await benchScaling(paths, series, { rounds: scalingRounds, budgetMs: scalingBudget, configs, reuse }, log);
    }
  }

  if (only.has('traces')) {
    log('trace analysis, 10,000 spans …');
    partial.traces = benchTraces({ runs: quick ? 5 : 30, seed });
  }

  if (only.has('safety')) {
    log('safety: read-only kubectl proxy start, redaction per event …');
    const { startKubeStub } = await import('../test/sandbox/kube-stub.js');
    const stub = await startKubeStub();
    try {
      partial.safety = await benchSafety({ runs: quick ? 3 : 15, kubeEnv: stub.env });
    } finally {
      await stub.stop();
    }
  }

  partial.durationSec = (performance.now() - started) / 1000;
  partial.load = { start: loadStart, end: loadavg() };
  const results: Results = { ...partial, goals: evaluateGoals(partial) };
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${renderMarkdown(results)}\n`);
  log(`results written to ${relative(root, out)}`);
  if (writeDocs) await updateDocs(root, results, log);
  await cleanupMeasure();
  return 0;
}

async function updateDocs(root: string, results: Results, log: (line: string) => void): Promise<void> {
  const docPath = join(root, 'docs', 'performance.md');
  const document = existsSync(docPath) ? await readFile(docPath, 'utf8') : '';
  const updated = spliceReport(document, renderMarkdown(results));
  if (updated === undefined) log('docs/performance.md has no bench markers: not updated');
  else {
    await writeFile(docPath, updated);
    log('docs/performance.md updated');
  }
}

/** `--render`: the report of an earlier run, with the goals read again by the current code. */
async function render(root: string, file: string, docs: boolean): Promise<number> {
  const { goals: _old, ...rest } = JSON.parse(await readFile(file, 'utf8')) as Results;
  // The scaling verdict is a reading of the measured fit: read it again with the current rule too.
  const fit = rest.scaling?.fit;
  if (fit) Object.assign(fit, scalingVerdict({ r2: fit.r2, slope: fit.msPerFile, intercept: fit.interceptMs }, fit.msPerMB, fit.marginalMsPerFile));
  const results: Results = { ...rest, goals: evaluateGoals(rest) };
  process.stdout.write(`${renderMarkdown(results)}\n`);
  if (docs) await updateDocs(root, results, (line) => process.stderr.write(`${line}\n`));
  return 0;
}

/** The commit the tree is at and how many files differ from it (the tree is shared and edited live). */
function gitState(root: string): { commit: string; changedFiles: number } | undefined {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  const status = spawnSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' });
  if (head.status !== 0 || status.status !== 0) return undefined;
  return { commit: head.stdout.trim(), changedFiles: status.stdout.split('\n').filter(Boolean).length };
}

/** Starts the sandbox only when `runbook run` exists, and stops it on Ctrl-C too. */
async function runExecutor(paths: BenchPaths, options: { rounds: number; runMissing: string | undefined }, log: (line: string) => void): Promise<ExecutorSection> {
  let active: SandboxHandle | undefined;
  const onSignal = (): void => {
    void (active?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await benchExecutor(paths, {
      rounds: options.rounds,
      promqlSteps: 200,
      kubectlSteps: 20,
      ...(options.runMissing ? { runMissing: options.runMissing } : {}),
      startSandbox: async () => {
        // The sandbox lives with the tests; imported lazily so the other sections run without it.
        const { startSandbox } = await import('../test/sandbox/index.js');
        const sandbox = await startSandbox();
        active = sandbox;
        return sandbox;
      },
    }, log);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof Error && error.stack && process.env.BENCH_DEBUG) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  },
);
