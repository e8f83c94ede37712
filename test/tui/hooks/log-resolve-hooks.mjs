/**
 * Module customization hooks (run on the loader thread): append each resolved URL to the log file. Written
 * synchronously so nothing is lost when the process exits right after a command.
 */
import { appendFileSync } from 'node:fs';

let log;

/** Receives the log path from `register(…, { data })`. */
export function initialize(data) {
  log = data.log;
}

/** Resolves as usual and records the result. */
export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  appendFileSync(log, `${specifier}\t${resolved.url}\n`);
  return resolved;
}
