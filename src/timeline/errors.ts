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
