/**
 * A lint worker thread: receives batches of files, lints them, posts plain results back. Entry point of its
 * own (tsup entry `lint-worker`), loaded by the engine only when there is a lot to lint.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { lintDocument } from './linter.js';
import { sourceOrUnreadable } from './unreadable.js';
import type { LintResult } from './result.js';
import type { RuleSettings } from './settings.js';

/** One file to lint: where to read it, how to show it, and its text when the main thread already read it. */
export interface WorkerFile {
  path: string;
  absolute: string;
  source?: string;
}

/** Lints one file, reading it when its text is not given; a file that cannot be read is one error of its own. */
export function lintWorkerFile(file: WorkerFile, settings: RuleSettings): LintResult {
  const read = sourceOrUnreadable(file);
  return 'result' in read ? read.result : lintDocument(file.path, read.source, settings);
}

if (parentPort && (workerData as { runbookLintWorker?: boolean } | undefined)?.runbookLintWorker) {
  const port = parentPort;
  const { settings } = workerData as { settings: RuleSettings };
  port.on('message', (batch: WorkerFile[]) => {
    try {
      port.postMessage(batch.map((file) => lintWorkerFile(file, settings)));
    } catch (error) {
      // An unreadable file: the main thread rejects with this, as it would linting the file itself.
      port.postMessage({ error: error instanceof Error ? error.message : String(error) });
    }
  });
}
