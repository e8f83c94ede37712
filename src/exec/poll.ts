/**
 * The one poll loop: a check with `within=` waiting for a condition, and a mitigation's verification.
 * Attempts every `everyMs` until `again` says stop or the next attempt would start after `withinMs`.
 */

/** How often and how long. */
export interface PollSpec {
  withinMs: number;
  everyMs: number;
}

/** Time, injected. */
export interface PollClock {
  monotonic: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** The last attempt, how many ran, and whether Ctrl-C ended the waiting (not an attempt). */
export interface PollResult<T> {
  last: T;
  attempts: number;
  interrupted: boolean;
}

/**
 * Runs `attempt` at least once; while `again(result)` holds, waits `everyMs` and tries again, as long as the
 * next attempt starts within `withinMs` of the first. An abort during the wait ends it with `interrupted`.
 */
export async function poll<T>(spec: PollSpec, attempt: (n: number) => Promise<T>, again: (result: T) => boolean, clock: PollClock, signal: AbortSignal): Promise<PollResult<T>> {
  const deadline = clock.monotonic() + spec.withinMs;
  for (let n = 1; ; n++) {
    const last = await attempt(n);
    if (!again(last)) return { last, attempts: n, interrupted: false };
    if (signal.aborted) return { last, attempts: n, interrupted: true };
    if (clock.monotonic() + spec.everyMs > deadline) return { last, attempts: n, interrupted: false };
    await clock.sleep(spec.everyMs, signal);
    if (signal.aborted) return { last, attempts: n, interrupted: true };
  }
}
