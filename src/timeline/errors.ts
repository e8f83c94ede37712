/**
 * Errors of the timeline store. A timeline that cannot be written is a hard stop for the executor: nothing
 * behind a gate may run once the record of the run is no longer being kept.
 */
import { EXIT } from '../errors.js';

/** Appending to (or opening for append) a timeline file failed: disk full, not writable, lock stuck, closed store. */
export class TimelineWriteError extends Error {
  override name = 'TimelineWriteError';
  readonly exitCode: number = EXIT.failure;
  /** The timeline file. */
  readonly path: string;
  /** The system error code when there was one (`ENOSPC`, `EACCES`, `EROFS`, …). */
  readonly code: string | undefined;

  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.path = path;
    const cause = options?.cause as { code?: unknown } | undefined;
    this.code = typeof cause?.code === 'string' ? cause.code : undefined;
  }
}

/**
 * The timeline path cannot safely be a timeline: a symbolic link, a FIFO, a device or another non-regular
 * file, an existing file that is not a timeline of this tool, or a file the run reads (the runbook). Nothing
 * was written to it. Bad usage: exit 2.
 */
export class TimelinePathError extends Error {
  override name = 'TimelinePathError';
  readonly exitCode: number = EXIT.usage;
  /** The timeline path as given. */
  readonly path: string;

  constructor(path: string, message: string) {
    super(message);
    this.path = path;
  }
}
