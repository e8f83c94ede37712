/**
 * Ctrl-C for a command that runs steps: one AbortController, aborted by the first SIGINT (a second one gets
 * Node's default, exit, because the listener is gone) or by `abort()` (the interactive UI, where Ctrl-C
 * arrives as a key). With a signal of the caller's (tests, a library user) no SIGINT listener is added and
 * the caller's signal aborts the run too.
 */
export interface Interrupt {
  signal: AbortSignal;
  abort(): void;
  /** Removes the SIGINT listener, if one was added. Safe to call twice. */
  release(): void;
}

export function interruptOnSigint(given?: AbortSignal): Interrupt {
  const controller = new AbortController();
  const signal = given ? AbortSignal.any([given, controller.signal]) : controller.signal;
  const abort = (): void => controller.abort();
  if (!given) process.once('SIGINT', abort);
  return { signal, abort, release: () => void process.removeListener('SIGINT', abort) };
}
