/**
 * Typed errors. Library code throws these; only the CLI turns them into exit codes and plain words.
 */

/** Exit codes shared by every command (a contract: users' scripts depend on them). */
export const EXIT = {
  ok: 0,
  /** Diagnostics with errors, a failed check, a step error. */
  failure: 1,
  /** Bad usage, a missing file, an invalid runbook or config. */
  usage: 2,
  /** Interrupted by Ctrl-C. */
  interrupted: 130,
} as const;

/** The user asked for something that cannot be done as asked (bad flag, missing file, invalid param). */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly exitCode: number = EXIT.usage;
}

/** A runbook, config or timeline that cannot be used; the message is already positioned where possible. */
export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
  readonly exitCode: number = EXIT.usage;
}
