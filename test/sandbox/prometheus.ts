/**
 * A real Prometheus (Debian 2.42) for the sandbox: backfilled TSDB blocks built once per scenario text
 * and cached, then a private copy of them per run, so tests never share a data dir (Prometheus writes
 * into it) and never pay for `promtool` twice.
 */
import { createHash } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import { stringify } from 'yaml';

/** Raised when Prometheus or promtool is missing or does not start; the message carries the log tail. */
export class PrometheusSandboxError extends Error {
  /** Path of the Prometheus log, when one was written. */
  readonly logPath: string | undefined;

  constructor(message: string, logPath?: string) {
    super(message);
    this.name = 'PrometheusSandboxError';
    this.logPath = logPath;
  }
}

/** Path of the shared installer script. */
export const ENSURE_PROMETHEUS_SCRIPT = fileURLToPath(new URL('../../scripts/ensure-prometheus.sh', import.meta.url));

async function onPath(binary: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      await access(join(dir, binary), fsConstants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** Make sure `prometheus` and `promtool` are on PATH, running the shared installer when they are not. */
export async function ensurePrometheusBinaries(): Promise<void> {
  if ((await onPath('prometheus')) && (await onPath('promtool'))) return;
  const result = await execa('bash', [ENSURE_PROMETHEUS_SCRIPT], { reject: false, all: true });
  if (result.exitCode !== 0) {
    throw new PrometheusSandboxError(String(result.all ?? '').trim() || 'prometheus/promtool are missing');
  }
}

/** Where cached TSDB blocks live unless told otherwise. */
export const DEFAULT_BLOCK_CACHE = join(tmpdir(), 'runbook-sandbox-tsdb');

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Turn OpenMetrics text into TSDB blocks with `promtool tsdb create-blocks-from openmetrics`, once per
 * distinct text. Returns the directory holding the block dirs. Safe when several test workers race:
 * each builds in its own temp dir and renames it into place; the loser throws its copy away.
 */
export async function buildBlocks(openMetrics: string, cacheRoot = DEFAULT_BLOCK_CACHE): Promise<string> {
  const hash = createHash('sha256').update(openMetrics).digest('hex').slice(0, 20);
  const finalDir = join(cacheRoot, hash);
  const blocksDir = join(finalDir, 'blocks');
  // The marker is written before the rename, so a visible finalDir is always complete.
  if (await exists(join(finalDir, 'COMPLETE'))) return blocksDir;

  await ensurePrometheusBinaries();
  await mkdir(cacheRoot, { recursive: true });
  const work = await mkdtemp(join(cacheRoot, `.build-${hash}-`));
  try {
    const input = join(work, 'data.om');
    await writeFile(input, openMetrics);
    const result = await execa('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', input, join(work, 'blocks')], {
      reject: false,
      all: true,
    });
    if (result.exitCode !== 0) {
      throw new PrometheusSandboxError(`promtool could not backfill the scenario:\n${String(result.all ?? '').slice(-2000)}`);
    }
    await rm(input);
    await writeFile(join(work, 'COMPLETE'), new Date().toISOString());
    try {
      await rename(work, finalDir);
    } catch (err) {
      // Another worker renamed first (ENOTEMPTY/EEXIST): theirs is identical, use it.
      if (!(await exists(join(finalDir, 'COMPLETE')))) throw err;
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return blocksDir;
}

/** Ask the OS for a free loopback port (it may be taken again before use; callers retry). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** How to start a sandbox Prometheus. */
export interface StartPrometheusOptions {
  /** Directory of TSDB blocks to copy into the private data dir (from {@link buildBlocks}). */
  blocksDir?: string;
  /** `scrape_configs` entries, written to the config as-is. */
  scrapeConfigs?: Record<string, unknown>[];
  /** `global.scrape_interval` (e.g. `1s`), when scraping. */
  scrapeInterval?: string;
  /** Rule files (`rule_files`), absolute paths. */
  ruleFiles?: string[];
  /** Alertmanager base URLs Prometheus sends firing alerts to (`alerting.alertmanagers`). */
  alertmanagers?: string[];
  /** Milliseconds to wait for `/-/ready`. */
  readyTimeoutMs?: number;
  /** Injected fetch, for readiness polling. */
  fetch?: typeof fetch;
  /** Require HTTP basic auth (`--web.config.file` `basic_auth_users`); the hash is bcrypt, as Prometheus wants. */
  basicAuth?: { username: string; password: string; bcryptHash: string };
}

/** A running sandbox Prometheus. */
export interface PrometheusInstance {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** Port it listens on. */
  port: number;
  /** Private run dir (config, data, logs); removed by {@link PrometheusInstance.stop}. */
  runDir: string;
  /** TSDB data dir. */
  dataDir: string;
  /** Generated prometheus.yml. */
  configPath: string;
  /** `global.query_log_file`: one JSON line per evaluated query; absent or empty means none was sent. */
  queryLogPath: string;
  /** Prometheus's stderr. */
  logPath: string;
  /** Kill Prometheus and remove the run dir. Idempotent. */
  stop(): Promise<void>;
}

const MAX_BIND_ATTEMPTS = 5;

async function killAndWait(proc: ResultPromise, graceMs = 5_000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  try {
    await proc;
  } finally {
    clearTimeout(timer);
  }
}

/** Start Prometheus on a free loopback port with a private copy of the blocks and wait until ready. */
export async function startPrometheus(options: StartPrometheusOptions = {}): Promise<PrometheusInstance> {
  await ensurePrometheusBinaries();
  const fetchFn = options.fetch ?? fetch;
  const runDir = await mkdtemp(join(tmpdir(), 'runbook-prom-'));
  const dataDir = join(runDir, 'data');
  const configPath = join(runDir, 'prometheus.yml');
  const queryLogPath = join(runDir, 'query.log');
  const logPath = join(runDir, 'prometheus.log');
  try {
    if (options.blocksDir) await cp(options.blocksDir, dataDir, { recursive: true });
    else await mkdir(dataDir);
    const global: Record<string, unknown> = { query_log_file: queryLogPath };
    if (options.scrapeInterval) {
      global.scrape_interval = options.scrapeInterval;
      global.scrape_timeout = options.scrapeInterval;
      global.evaluation_interval = options.scrapeInterval;
    }
    const config: Record<string, unknown> = { global, scrape_configs: options.scrapeConfigs ?? [] };
    if (options.ruleFiles?.length) config.rule_files = options.ruleFiles;
    if (options.alertmanagers?.length) {
      config.alerting = { alertmanagers: [{ static_configs: [{ targets: options.alertmanagers.map((url) => new URL(url).host) }] }] };
    }
    await writeFile(configPath, stringify(config));
    const webArgs: string[] = [];
    let readyFetch = fetchFn;
    if (options.basicAuth) {
      const webConfigPath = join(runDir, 'web.yml');
      await writeFile(webConfigPath, stringify({ basic_auth_users: { [options.basicAuth.username]: options.basicAuth.bcryptHash } }));
      webArgs.push(`--web.config.file=${webConfigPath}`);
      const header = `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')}`;
      readyFetch = (input, init) => fetchFn(input, { ...init, headers: { authorization: header } });
    }

    let lastError = '';
    for (let attempt = 0; attempt < MAX_BIND_ATTEMPTS; attempt++) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const proc = execa(
        'prometheus',
        [
          `--config.file=${configPath}`,
          `--storage.tsdb.path=${dataDir}`,
          '--storage.tsdb.retention.time=100y',
          `--web.listen-address=127.0.0.1:${port}`,
          ...webArgs,
        ],
        { reject: false, stdin: 'ignore', stdout: 'ignore', stderr: { file: logPath, append: true } },
      );
      const ready = await waitReady(url, proc, readyFetch, options.readyTimeoutMs ?? 20_000);
      if (ready) {
        let stopped = false;
        return {
          url,
          port,
          runDir,
          dataDir,
          configPath,
          queryLogPath,
          logPath,
          async stop() {
            if (stopped) return;
            stopped = true;
            await killAndWait(proc);
            // Retries cover a Prometheus that got the same Ctrl-C and is still flushing its WAL.
            await rm(runDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
          },
        };
      }
      await killAndWait(proc);
      const log = await readFile(logPath, 'utf8').catch(() => '');
      lastError = log.slice(-2000);
      // Only a lost port race is worth another attempt; anything else will fail the same way.
      if (!/address already in use/.test(log)) break;
    }
    throw new PrometheusSandboxError(`Prometheus did not become ready. Log tail:\n${lastError}`);
  } catch (err) {
    await rm(runDir, { recursive: true, force: true });
    throw err;
  }
}

async function waitReady(url: string, proc: ResultPromise, fetchFn: typeof fetch, timeoutMs: number): Promise<boolean> {
  let exited = false;
  void proc.then(() => {
    exited = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !exited) {
    try {
      const res = await fetchFn(`${url}/-/ready`);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
