/**
 * What several commands do alike with their inputs: read a runbook file, refuse one with errors, build the
 * redactor from `.runbookrc`. Plain words and exit codes stay the CLI's business; these only throw or print.
 */
import { readFile } from 'node:fs/promises';
import type { RunbookConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import type { Runbook } from '../model/index.js';
import { parseRunbook } from '../parse/index.js';
import { createRedactor, type Redactor } from '../secrets/redact.js';
import type { CliIO } from './io.js';

/** Reads a runbook's bytes; a missing or unreadable file is a UsageError naming it (`hint` follows "no such file"). */
export async function readRunbookFile(absolute: string, shown: string, hint = ''): Promise<Buffer> {
  try {
    return await readFile(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? `no such file${hint}` : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new UsageError(`Cannot read runbook \`${shown}\`: ${why}`);
  }
}

/**
 * Parses a runbook that is about to run. Its errors are printed as `file:line:col: message [rule]` and the
 * result is undefined: nothing may run from a runbook with errors.
 */
export function parseRunnable(source: string, file: string, io: CliIO): Runbook | undefined {
  const { runbook, file: vfile } = parseRunbook(source, { path: file });
  const errors = vfile.messages.filter((m) => m.fatal);
  if (errors.length === 0) return runbook;
  for (const message of errors) {
    const place = message.place;
    const start = place && 'start' in place ? place.start : place;
    io.stderr.write(`${file}:${start?.line ?? 1}:${start?.column ?? 1}: ${message.reason}${message.ruleId ? ` [${message.ruleId}]` : ''}\n`);
  }
  io.stderr.write(`runbook: ${file} is not a valid runbook (${errors.length} error${errors.length === 1 ? '' : 's'}); nothing was run\n`);
  return undefined;
}

/** The redactor with the config's `redact` patterns; an invalid pattern is a UsageError naming the key. */
export function configuredRedactor(config: RunbookConfig): Redactor {
  try {
    return createRedactor(config.redact ?? []);
  } catch (error) {
    throw new UsageError(`\`.runbookrc\` \`redact\`: ${(error as Error).message}`);
  }
}
