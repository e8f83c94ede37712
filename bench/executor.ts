/**
 * Executor overhead: `runbook run --read-only` of a runbook of N PromQL (or kubectl) steps against the
 * sandbox, versus the same N requests made by a bare loop (a `fetch` loop, or `kubectl` spawned N times) in
 * its own `node` process. Every server is the sandbox's, on 127.0.0.1, and is stopped at the end.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { measure, stats } from './measure.js';
import type { Command, Sample, Stats } from './measure.js';
import { cliPath } from './tools.js';
import type { BenchPaths } from './tools.js';

/** The instant every PromQL step is evaluated at: inside the sandbox's backfilled outage. */
export const SANDBOX_AT = '2025-10-26T10:20:00Z';

const PROMQL = [
  'sum by (service) (rate(http_requests_total{namespace="payments"}[5m]))',
  'sum(rate(http_requests_total{namespace="payments",service="payment",status=~"5.."}[5m])) / sum(rate(http_requests_total{namespace="payments",service="payment"}[5m]))',
  'histogram_quantile(0.95, sum by (service, le) (rate(http_request_duration_seconds_bucket{namespace="payments"}[5m])))',
  'payment_gateway_up{namespace="payments"}',
  'sum by (state) (payment_gateway_connections{namespace="payments"})',
  'max by (pod) (container_memory_usage_bytes{namespace="payments"})',
  'sum by (status) (rate(http_requests_total{namespace="payments",service="checkout"}[1m]))',
  'topk(3, sum by (endpoint) (rate(http_requests_total{namespace="payments"}[10m])))',
] as const;

const KUBECTL = [
  ['get', 'pods', '-n', 'payments', '-l', 'app=payment-gateway'],
  ['get', 'deployment', 'payment-gateway', '-n', 'payments'],
] as const;

/** The i-th PromQL query of the benchmark runbook. */
export function promqlQuery(i: number): string {
  return PROMQL[i % PROMQL.length]!;
}

/** The i-th kubectl argv (without `kubectl`). */
export function kubectlArgs(i: number): readonly string[] {
  return KUBECTL[i % KUBECTL.length]!;
}

/** A read-only runbook of `count` steps of one kind. */
export function executorRunbook(kind: 'promql' | 'kubectl', count: number): string {
  const out = ['---', `title: Executor benchmark, ${count} ${kind} steps`, '---', '', `# Executor benchmark, ${count} ${kind} steps`, ''];
  for (let i = 0; i < count; i++) {
    const id = `${kind}-${String(i + 1).padStart(3, '0')}`;
    const body = kind === 'promql' ? promqlQuery(i) : `kubectl ${kubectlArgs(i).join(' ')}`;
    out.push(`\`\`\`${kind} {#${id} title="Step ${i + 1}"}`, body, '```', '');
  }
  return out.join('\n');
}

const BARE_FETCH = `// The bare equivalent of N PromQL steps: the same instant queries, one after another.
import { readFileSync } from 'node:fs';
const { url, time, queries } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
for (const query of queries) {
  const response = await fetch(url + '/api/v1/query?' + new URLSearchParams({ query, time }));
  const body = await response.json();
  if (body.status !== 'success') { console.error(JSON.stringify(body)); process.exit(1); }
}
`;

const BARE_KUBECTL = `// The bare equivalent of N kubectl steps: the same argv, spawned one after another.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
const run = promisify(execFile);
const { commands } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
for (const args of commands) await run('kubectl', args, { env: process.env, maxBuffer: 64 << 20 });
`;

/** Numbers of one comparison (PromQL or kubectl). */
export interface OverheadResult {
  kind: 'promql' | 'kubectl';
  steps: number;
  /** Smaller size, used to separate fixed start-up from per-step cost. */
  smallSteps: number;
  rounds: number;
  runbookMs: Stats;
  bareMs: Stats;
  runbookSmallMs: Stats;
  bareSmallMs: Stats;
  /** (runbook − bare) / steps, medians: start-up difference included. */
  overheadPerStepMs: number;
  /** Difference of the per-step slopes between the two sizes: start-up cancelled out. */
  marginalOverheadPerStepMs: number;
  /** Step statuses of the untimed sanity run. */
  sanity: { exitCode: number; stepsOk: number; note?: string };
}

/** The executor section of results.json. */
export interface ExecutorSection {
  at: string;
  results: OverheadResult[];
  skipped: { kind: string; reason: string }[];
}

/** A started sandbox, as far as this benchmark needs it. */
export interface SandboxHandle {
  prometheusUrl: string;
  kubeconfigPath: string;
  kubeEnv: { KUBECONFIG: string; HOME: string };
  stop(): Promise<void>;
}

/** Options of {@link benchExecutor}. */
export interface ExecutorOptions {
  rounds: number;
  promqlSteps: number;
  kubectlSteps: number;
  /** Why `runbook run` cannot be measured, if so. */
  runMissing?: string;
  startSandbox: () => Promise<SandboxHandle>;
}

function countOkSteps(stdout: string): number {
  let ok = 0;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const event = JSON.parse(line) as { type?: string; status?: string };
      if (event.type === 'step.finished' && (event.status === 'ok' || event.status === 'passed')) ok++;
    } catch {
      // Not an event line.
    }
  }
  return ok;
}

/** Measures executor overhead for PromQL and kubectl steps. */
export async function benchExecutor(paths: BenchPaths, options: ExecutorOptions, log: (line: string) => void): Promise<ExecutorSection> {
  if (options.runMissing) {
    return { at: SANDBOX_AT, results: [], skipped: [{ kind: 'promql', reason: options.runMissing }, { kind: 'kubectl', reason: options.runMissing }] };
  }
  const dir = join(paths.work, 'executor');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'bare-fetch.mjs'), BARE_FETCH);
  await writeFile(join(dir, 'bare-kubectl.mjs'), BARE_KUBECTL);
  log('  starting the sandbox (historical mode) …');
  const sandbox = await options.startSandbox();
  const results: OverheadResult[] = [];
  const skipped: { kind: string; reason: string }[] = [];
  try {
    const env = { ...process.env, ...sandbox.kubeEnv };
    let timelineCount = 0;
    const prepare = async (kind: 'promql' | 'kubectl', count: number): Promise<{ runbook: () => Command; bare: Command }> => {
      const file = join(dir, `${kind}-${count}.md`);
      await writeFile(file, executorRunbook(kind, count));
      const input = join(dir, `${kind}-${count}.json`);
      const data = kind === 'promql'
        ? { url: sandbox.prometheusUrl, time: SANDBOX_AT, queries: Array.from({ length: count }, (_, i) => promqlQuery(i)) }
        : { commands: Array.from({ length: count }, (_, i) => kubectlArgs(i)) };
      await writeFile(input, JSON.stringify(data));
      const cli = cliPath(paths);
      return {
        runbook: () => ({
          file: process.execPath,
          args: [
            cli, 'run', relative(paths.root, file), '--read-only', '--json', '--at', SANDBOX_AT,
            '--prometheus', sandbox.prometheusUrl, '--kubeconfig', sandbox.kubeconfigPath,
            '--timeline', join(dir, `timeline-${++timelineCount}.jsonl`),
          ],
          cwd: paths.root, env,
        }),
        bare: { file: process.execPath, args: [join(dir, kind === 'promql' ? 'bare-fetch.mjs' : 'bare-kubectl.mjs'), input], cwd: paths.root, env },
      };
    };

    for (const [kind, steps, smallSteps] of [['promql', options.promqlSteps, Math.max(1, Math.round(options.promqlSteps / 10))], ['kubectl', options.kubectlSteps, Math.max(1, Math.round(options.kubectlSteps / 10))]] as const) {
      const big = await prepare(kind, steps);
      const small = await prepare(kind, smallSteps);
      // Untimed sanity run: the runbook must really run every step, or the timing means nothing.
      const check = await measure(big.runbook(), { capture: true, timeoutMs: 300_000 });
      const stepsOk = countOkSteps(check.stdout);
      const bareCheck = await measure(big.bare, { capture: true, timeoutMs: 300_000 });
      if (check.exitCode !== 0 || stepsOk !== steps || bareCheck.exitCode !== 0) {
        const detail = `${check.stderr}${bareCheck.stderr}`.trim().split('\n').slice(0, 3).join(' / ');
        const reason = `sanity run failed: runbook exit ${check.exitCode} with ${stepsOk}/${steps} steps ok, bare exit ${bareCheck.exitCode}${detail ? ` (${detail})` : ''}`;
        log(`  ${kind}: ${reason}`);
        skipped.push({ kind, reason });
        continue;
      }
      const samples: Record<'runbook' | 'bare' | 'runbookSmall' | 'bareSmall', Sample[]> = { runbook: [], bare: [], runbookSmall: [], bareSmall: [] };
      for (let round = 0; round < options.rounds; round++) {
        samples.runbook.push(await measure(big.runbook()));
        samples.bare.push(await measure(big.bare));
        samples.runbookSmall.push(await measure(small.runbook()));
        samples.bareSmall.push(await measure(small.bare));
      }
      const ms = (list: Sample[]): Stats => stats(list.map((s) => s.ms));
      const r = ms(samples.runbook);
      const b = ms(samples.bare);
      const rs = ms(samples.runbookSmall);
      const bs = ms(samples.bareSmall);
      const result: OverheadResult = {
        kind, steps, smallSteps, rounds: options.rounds,
        runbookMs: r, bareMs: b, runbookSmallMs: rs, bareSmallMs: bs,
        overheadPerStepMs: (r.median - b.median) / steps,
        marginalOverheadPerStepMs: ((r.median - rs.median) - (b.median - bs.median)) / (steps - smallSteps),
        sanity: { exitCode: check.exitCode, stepsOk },
      };
      log(`  ${kind}: runbook ${r.median.toFixed(0)} ms vs bare ${b.median.toFixed(0)} ms for ${steps} steps → ${result.overheadPerStepMs.toFixed(2)} ms/step (marginal ${result.marginalOverheadPerStepMs.toFixed(2)})`);
      results.push(result);
    }
  } finally {
    await sandbox.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return { at: SANDBOX_AT, results, skipped };
}
