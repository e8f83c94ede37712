/**
 * Lints many files: the cache first, then the linter, in worker threads when there are many files.
 * Reads files; never writes anything but the cache; no network, no processes.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LintCache, hash } from './cache.js';
import { lintSource } from './linter.js';
import { resultOf, toLintResult, type LintResult } from './result.js';
import type { RuleSettings } from './settings.js';
import type { WorkerFile } from './worker.js';

/** Files above this count are linted in worker threads (below it, starting workers costs more than it saves). */
export const WORKER_THRESHOLD = 50;

/** Options of lintFiles. */
export interface LintFilesOptions {
  cwd: string;
  settings: RuleSettings;
  /** Cache file (absolute or relative to cwd); no cache when absent. */
  cacheLocation?: string;
  /** Worker threads to use: a number, or `auto` (one per core when there are more than WORKER_THRESHOLD files). */
  workers?: number | 'auto';
}

/** Lints `paths` (relative to cwd, as shown in output); results are in the order of `paths`. */
export async function lintFiles(paths: readonly string[], options: LintFilesOptions): Promise<LintResult[]> {
  const { cwd, settings } = options;
  const files: WorkerFile[] = paths.map((path) => ({ path, absolute: resolve(cwd, path) }));
  const results = new Map<string, LintResult>();
  const cache = options.cacheLocation !== undefined ? await LintCache.load(resolve(cwd, options.cacheLocation), settings) : undefined;
  const hashes = new Map<string, string>();
  let todo = files;
  if (cache) {
    todo = [];
    for (const file of files) {
      file.source = await readFile(file.absolute, 'utf8');
      const contentHash = hash(file.source);
      hashes.set(file.path, contentHash);
      const cached = cache.get(file.path, contentHash);
      if (cached) results.set(file.path, resultOf(file.path, cached));
      else todo.push(file);
    }
  }

  const script = workerScript();
  // From source (tsx), each worker compiles the whole linter again, which costs more than it saves.
  const workerCount = options.workers === 'auto' || options.workers === undefined
    ? todo.length > WORKER_THRESHOLD && !script?.viaTsx ? Math.min(availableParallelism(), Math.ceil(todo.length / WORKER_THRESHOLD)) : 0
    : options.workers;
  const fresh = workerCount > 1 && script ? await lintInWorkers(todo, settings, workerCount, script) : await lintHere(todo, settings);
  for (const result of fresh) {
    results.set(result.filePath, result);
    cache?.set(result.filePath, hashes.get(result.filePath)!, result.messages);
  }
  await cache?.save();
  return paths.map((path) => results.get(path)!);
}

async function lintHere(files: readonly WorkerFile[], settings: RuleSettings): Promise<LintResult[]> {
  const results: LintResult[] = [];
  for (const file of files) {
    const source = file.source ?? (await readFile(file.absolute, 'utf8'));
    results.push(toLintResult(file.path, lintSource(source, settings, { path: file.path })));
  }
  return results;
}

/** How to start a worker: the built entry beside this module, or (running from source) worker.ts through tsx. */
interface WorkerScript {
  url: URL;
  /** Source mode: the worker is an inline module that registers tsx's loader, then imports `url`. */
  viaTsx: boolean;
}

/** The worker entry beside this module: built (`lint-worker.js`) or source (`worker.ts`). */
function workerScript(): WorkerScript | undefined {
  const here = import.meta.url;
  const url = new URL(here.endsWith('.ts') ? './worker.ts' : './lint-worker.js', here);
  return existsSync(fileURLToPath(url)) ? { url, viaTsx: here.endsWith('.ts') } : undefined;
}

function startWorker(script: WorkerScript, workerData: unknown): Worker {
  if (!script.viaTsx) return new Worker(script.url, { workerData });
  // A data: module cannot resolve bare specifiers, so tsx is resolved here.
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(script.url.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData });
}

/** Small batches handed out on demand keep both workers busy when file sizes differ. */
const BATCH = 16;

function lintInWorkers(files: readonly WorkerFile[], settings: RuleSettings, count: number, script: WorkerScript): Promise<LintResult[]> {
  return new Promise((resolvePromise, reject) => {
    const results: LintResult[] = [];
    let next = 0;
    let running = 0;
    const workers: Worker[] = [];
    const finish = (error?: unknown) => {
      for (const worker of workers) void worker.terminate();
      if (error) reject(error);
      else resolvePromise(results);
    };
    const feed = (worker: Worker) => {
      if (next >= files.length) {
        running--;
        if (running === 0) finish();
        return;
      }
      worker.postMessage(files.slice(next, next + BATCH));
      next += BATCH;
    };
    for (let i = 0; i < count; i++) {
      const worker = startWorker(script, { runbookLintWorker: true, settings });
      workers.push(worker);
      running++;
      worker.on('message', (batch: LintResult[]) => {
        results.push(...batch);
        feed(worker);
      });
      worker.on('error', finish);
      feed(worker);
    }
  });
}
