/**
 * A lint worker thread: receives batches of files, lints them, posts plain results back. Entry point of its
 * own (tsup entry `lint-worker`), loaded by the engine only when there are many files.
 */
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { lintSource } from './linter.js';
import { toLintResult, type LintResult } from './result.js';
import type { RuleSettings } from './settings.js';

/** One file to lint: where to read it, how to show it, and its text when the main thread already read it. */
export interface WorkerFile {
  path: string;
  absolute: string;
  source?: string;
}

/** Lints one file, reading it when its text is not given. */
export async function lintWorkerFile(file: WorkerFile, settings: RuleSettings): Promise<LintResult & { source: string }> {
  const source = file.source ?? (await readFile(file.absolute, 'utf8'));
  return { ...toLintResult(file.path, lintSource(source, settings, { path: file.path })), source };
}

if (parentPort && (workerData as { runbookLintWorker?: boolean } | undefined)?.runbookLintWorker) {
  const port = parentPort;
  const { settings } = workerData as { settings: RuleSettings };
  port.on('message', async (batch: WorkerFile[]) => {
    const results: LintResult[] = [];
    for (const file of batch) {
      const { source: _source, ...result } = await lintWorkerFile(file, settings);
      results.push(result);
    }
    port.postMessage(results);
  });
}
