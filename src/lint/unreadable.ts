/**
 * Files `runbook lint` cannot read: one positioned error for that file (rule `file-unreadable`), and the other
 * files are linted as usual. Only regular files are read: a FIFO would block and `/dev/zero` never ends.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import type { LintResult } from './result.js';

/** The rule id of the one error of a file that cannot be read. */
export const UNREADABLE_RULE = 'file-unreadable';

/** Why `absolute` cannot be linted (not a regular file, or not readable), or undefined when it can be read. */
export function unreadableReason(absolute: string): string | undefined {
  let fd: number | undefined;
  try {
    // O_NONBLOCK: opening a FIFO without a writer must not wait.
    fd = openSync(absolute, constants.O_RDONLY | constants.O_NONBLOCK);
    const info = fstatSync(fd);
    if (info.isDirectory()) return 'it is a directory';
    if (!info.isFile()) return 'it is not a regular file (a FIFO, device or socket), so it is not read';
    return undefined;
  } catch (error) {
    return describe(error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The result of a file that could not be read: one error at 1:1. */
export function unreadableResult(filePath: string, reason: string): LintResult {
  return {
    filePath,
    messages: [{ ruleId: UNREADABLE_RULE, severity: 2, message: `Cannot lint this file: ${reason}`, line: 1, column: 1, endLine: 1, endColumn: 1 }],
    errorCount: 1,
    warningCount: 0,
  };
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const words: Record<string, string> = { EACCES: 'permission denied', EPERM: 'operation not permitted', ENOENT: 'no such file', ELOOP: 'too many symbolic links', EISDIR: 'it is a directory' };
  return (e.code && words[e.code]) ? `${words[e.code]} (${e.code})` : e.message ?? String(error);
}

/** The text of a file to lint (`source` when already read), or its one-error result when it cannot be read. */
export function sourceOrUnreadable(file: { path: string; absolute: string; source?: string }): { source: string } | { result: LintResult } {
  if (file.source !== undefined) return { source: file.source };
  try {
    return { source: readFileSync(file.absolute, 'utf8') };
  } catch (error) {
    return { result: unreadableResult(file.path, describe(error)) };
  }
}
