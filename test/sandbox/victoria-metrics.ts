/**
 * A real VictoriaMetrics (Debian 1.79, single node) as a second Prometheus-API engine for the sandbox:
 * the same scenario as the backfilled Prometheus, loaded through `/api/v1/import/prometheus`, so the
 * executor's end-to-end tests can prove runbook needs nothing but the HTTP query API.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import { freePort } from './prometheus.js';

/** Raised when VictoriaMetrics is missing, does not start, or refuses the scenario. */
export class VictoriaMetricsSandboxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VictoriaMetricsSandboxError';
  }
}

/** A running sandbox VictoriaMetrics. */
export interface VictoriaMetricsInstance {
  /** Base URL, e.g. `http://127.0.0.1:41234`; serves `/api/v1/query` like Prometheus. */
  url: string;
  /** Private run dir (data, log); removed by {@link VictoriaMetricsInstance.stop}. */
  runDir: string;
  /** Kill VictoriaMetrics and remove the run dir. Idempotent. */
  stop(): Promise<void>;
}

/**
 * OpenMetrics text (seconds) → Prometheus exposition lines with millisecond timestamps, which is what
 * VictoriaMetrics' `/api/v1/import/prometheus` expects. Comment lines and `# EOF` are dropped.
 */
export function openMetricsToImport(openMetrics: string): string {
  const out: string[] = [];
  for (const line of openMetrics.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    const seconds = Number(line.slice(cut + 1));
    if (!Number.isFinite(seconds)) throw new VictoriaMetricsSandboxError(`sample without a timestamp: ${line.slice(0, 200)}`);
    out.push(`${line.slice(0, cut)} ${Math.round(seconds * 1000)}`);
  }
  return `${out.join('\n')}\n`;
}

async function killAndWait(proc: ResultPromise): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
  try {
    await proc;
  } finally {
    clearTimeout(timer);
  }
}

/** Start VictoriaMetrics on a free loopback port, import `openMetrics` and flush it so queries see it. */
export async function startVictoriaMetrics(openMetrics: string, readyTimeoutMs = 20_000): Promise<VictoriaMetricsInstance> {
  const runDir = await mkdtemp(join(tmpdir(), 'runbook-vm-'));
  const logPath = join(runDir, 'victoria-metrics.log');
  let proc: ResultPromise | undefined;
  try {
    let url = '';
    for (let attempt = 0; attempt < 5 && !url; attempt++) {
      const port = await freePort();
      proc = execa(
        'victoria-metrics',
        [
          `-storageDataPath=${join(runDir, 'data')}`,
          `-httpListenAddr=127.0.0.1:${port}`,
          '-retentionPeriod=100y',
          // Backfilled history: nothing is "too recent", and no cached answer from before the import.
          '-search.disableCache',
          '-search.latencyOffset=0s',
        ],
        { reject: false, stdin: 'ignore', stdout: 'ignore', stderr: { file: logPath, append: true } },
      );
      let exited = false;
      void proc.then(() => {
        exited = true;
      });
      const deadline = Date.now() + readyTimeoutMs;
      while (Date.now() < deadline && !exited) {
        try {
          if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) {
            url = `http://127.0.0.1:${port}`;
            break;
          }
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      if (!url) {
        await killAndWait(proc);
        const log = await readFile(logPath, 'utf8').catch(() => '');
        if (!/address already in use/.test(log)) {
          throw new VictoriaMetricsSandboxError(`VictoriaMetrics did not become ready (is Debian's victoria-metrics installed?). Log tail:\n${log.slice(-2000)}`);
        }
      }
    }
    if (!url || !proc) throw new VictoriaMetricsSandboxError('VictoriaMetrics found no free port');
    const imported = await fetch(`${url}/api/v1/import/prometheus`, { method: 'POST', body: openMetricsToImport(openMetrics) });
    if (!imported.ok) throw new VictoriaMetricsSandboxError(`import refused: ${imported.status} ${await imported.text()}`);
    const flushed = await fetch(`${url}/internal/force_flush`);
    if (!flushed.ok) throw new VictoriaMetricsSandboxError(`force_flush refused: ${flushed.status}`);
    const running = proc;
    let stopped = false;
    return {
      url,
      runDir,
      async stop() {
        if (stopped) return;
        stopped = true;
        await killAndWait(running);
        await rm(runDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
      },
    };
  } catch (err) {
    if (proc) await killAndWait(proc);
    await rm(runDir, { recursive: true, force: true });
    throw err;
  }
}
