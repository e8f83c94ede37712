/**
 * Lints many files: the cache first, then the linter — in worker threads when there is a lot to read.
 * Reads files; never writes anything but the cache; no network, no processes.
 *
 * Start-up matters as much as throughput (one file must lint in about the time node takes to start), so the
 * linter itself is imported only when a file needs linting: a `--cache` run over unchanged files never loads
 * the parser or a rule.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { sourceOrUnreadable, unreadableReason, unreadableResult } from './unreadable.js';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { LintCache, hash, type FileStamp } from './cache.js';
import type { LintResult } from './result.js';
import type { RuleSettings } from './settings.js';
import type { WorkerFile } from './worker.js';
import { appendAll } from '../format/extent.js';

/**
 * Bytes of Markdown per worker thread: below this in total, files are linted on the main thread. A worker
 * loads the linter again (~100 ms of CPU), which pays for itself only on several megabytes of input.
 */
export const WORKER_BYTES = 4 * 1024 * 1024;

/** Options of lintFiles. */
export interface LintFilesOptions {
  cwd: string;
  settings: RuleSettings;
  /** Cache file (absolute or relative to cwd); no cache when absent. */
  cacheLocation?: string;
  /** Worker threads beside the main thread: a number (0: none), or `auto` (a thread per WORKER_BYTES of input, at most one per core). */
  workers?: number | 'auto';
  /**
   * The worker module to start instead of the built `lint-worker.js` beside this module. Running from source
   * there is none, so tests pass a module that loads `worker.ts` with their own TypeScript loader; without
   * either the files are linted on the main thread.
   */
  workerEntry?: URL;
}

/** Lints `paths` (relative to cwd, as shown in output); results are in the order of `paths`. */
export async function lintFiles(paths: readonly string[], options: LintFilesOptions): Promise<LintResult[]> {
  const { cwd, settings } = options;
  const files: WorkerFile[] = paths.map((path) => ({ path, absolute: resolve(cwd, path) }));
  const results = new Map<string, LintResult>();
  const cache = options.cacheLocation !== undefined ? await LintCache.load(resolve(cwd, options.cacheLocation), settings) : undefined;
  const stamps = new Map<string, FileStamp>();
  // A file that cannot be read is one error of its own; the others are linted.
  let todo: WorkerFile[] = [];
  for (const file of files) {
    const reason = unreadableReason(file.absolute);
    if (reason === undefined) todo.push(file);
    else results.set(file.path, unreadableResult(file.path, reason));
  }
  if (cache) {
    const readable = todo;
    todo = [];
    for (const file of readable) {
      const { size, mtimeMs } = statSync(file.absolute);
      const unchanged = cache.unchanged(file.path, size, mtimeMs);
      if (unchanged) {
        results.set(file.path, unchanged);
        continue;
      }
      file.source = readFileSync(file.absolute, 'utf8');
      const stamp = { hash: hash(file.source), size, mtimeMs };
      stamps.set(file.path, stamp);
      const cached = cache.get(file.path, stamp);
      if (cached) results.set(file.path, cached);
      else todo.push(file);
    }
  }

  if (todo.length > 0) {
    const script = options.workerEntry ?? builtWorker();
    const workerCount = options.workers === 'auto' || options.workers === undefined ? autoWorkers(todo, options.workerEntry ? undefined : script) : options.workers;
    const fresh = workerCount > 0 && script ? await lintInWorkers(todo, settings, workerCount, script) : await lintHere(todo, settings);
    for (const result of fresh) {
      results.set(result.filePath, result);
      cache?.set(result.filePath, stamps.get(result.filePath)!, result);
    }
  }
  await cache?.save();
  return paths.map((path) => results.get(path)!);
}

/** One thread per WORKER_BYTES of input (the main thread counts), at most one per core; none without a built worker (each would compile the linter again). */
function autoWorkers(files: readonly WorkerFile[], built: URL | undefined): number {
  if (!built) return 0;
  let bytes = 0;
  for (const file of files) {
    if (file.source !== undefined) bytes += file.source.length;
    else {
      try {
        bytes += statSync(file.absolute).size;
      } catch {
        // Unreadable: reading it reports the problem.
      }
    }
  }
  // The main thread lints too, so one core is already used.
  return bytes <= WORKER_BYTES ? 0 : Math.min(availableParallelism(), Math.ceil(bytes / WORKER_BYTES)) - 1;
}

function lintOne(file: WorkerFile, settings: RuleSettings, lint: typeof import('./linter.js').lintDocument): LintResult {
  const read = sourceOrUnreadable(file);
  return 'result' in read ? read.result : lint(file.path, read.source, settings);
}

async function lintHere(files: readonly WorkerFile[], settings: RuleSettings): Promise<LintResult[]> {
  const { lintDocument } = await import('./linter.js');
  return files.map((file) => lintOne(file, settings, lintDocument));
}

/** The built worker entry beside this module (`lint-worker.js` in dist/); none when running from source. */
function builtWorker(): URL | undefined {
  if (import.meta.url.endsWith('.ts')) return undefined;
  const url = new URL('./lint-worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

async function startWorker(script: URL, workerData: unknown): Promise<Worker> {
  const { Worker } = await import('node:worker_threads');
  return new Worker(script, { workerData });
}

/** Batches handed out on demand keep every thread busy when file sizes differ. */
const BATCH = 16;

/**
 * Lints on the main thread and in `count` workers at once: each takes the next batch when it is done with one
 * (a worker has two batches in flight, so it never waits for the main thread to hand it one).
 */
async function lintInWorkers(files: readonly WorkerFile[], settings: RuleSettings, count: number, script: URL): Promise<LintResult[]> {
  const workers = await Promise.all(Array.from({ length: count }, () => startWorker(script, { runbookLintWorker: true, settings })));
  const { lintDocument } = await import('./linter.js');
  const results: LintResult[] = [];
  let next = 0;
  let inFlight = 0;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const take = (): WorkerFile[] => files.slice(next, (next = Math.min(files.length, next + BATCH)));
  const feed = (worker: Worker): void => {
    const batch = take();
    if (batch.length === 0) return;
    inFlight++;
    worker.postMessage(batch);
  };
  for (const worker of workers) {
    worker.on('message', (batch: LintResult[] | { error: string }) => {
      inFlight--;
      if (Array.isArray(batch)) {
        appendAll(results, batch);
        feed(worker);
      } else failure ??= { error: new Error(batch.error) };
      wake?.();
    });
    worker.on('error', (error) => {
      failure ??= { error };
      wake?.();
    });
    feed(worker);
    feed(worker);
  }
  try {
    // The main thread's share, one batch at a time, letting worker messages in between.
    while (!failure && next < files.length) {
      for (const file of take()) results.push(lintOne(file, settings, lintDocument));
      await new Promise((resolveTurn) => setImmediate(resolveTurn));
    }
    while (!failure && inFlight > 0) await new Promise<void>((resolveWait) => (wake = resolveWait));
  } finally {
    for (const worker of workers) void worker.terminate();
  }
  if (failure) throw failure.error;
  return results;
}
