/** Size limits a user may set on the command line or in the environment. */
import { UsageError } from '../errors.js';

/**
 * `--max-response-bytes N` (else RUNBOOK_MAX_RESPONSE_BYTES): the largest Prometheus response accepted.
 * Undefined means the executor's default (64 MiB). Accepts a plain byte count or a `k`/`m`/`g` suffix (×1024).
 */
export function maxResponseBytes(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): number | undefined {
  const text = flag ?? env.RUNBOOK_MAX_RESPONSE_BYTES;
  if (text === undefined || text === '') return undefined;
  const m = /^\s*(\d+)\s*([kmg]?)i?b?\s*$/i.exec(text);
  const scale = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 } as const;
  const bytes = m ? Number(m[1]) * scale[(m[2] ?? '').toLowerCase() as keyof typeof scale] : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    const from = flag !== undefined ? '--max-response-bytes' : 'RUNBOOK_MAX_RESPONSE_BYTES';
    throw new UsageError(`${from}: expected a byte count such as \`67108864\` or \`64m\`, got \`${text}\``);
  }
  return bytes;
}

/** Reads in flight at once of `runbook run` when `--concurrency` is not given (issue 18 asks for 8; 1 until the order-assuming tests are made order-independent). */
export const DEFAULT_RUN_CONCURRENCY = 1;

/** `--concurrency <n>`: a whole number from 1 (one step at a time, in runbook order); absent: the default. */
export function concurrencyFlag(flag: string | undefined): number {
  if (flag === undefined) return DEFAULT_RUN_CONCURRENCY;
  if (!/^[1-9][0-9]{0,3}$/.test(flag.trim())) throw new UsageError(`\`--concurrency ${flag}\`: expected a whole number from 1 to 9999`);
  return Number(flag.trim());
}
