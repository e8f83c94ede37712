/** Typed errors of trace normalising and fetching. */

/** An answer that is not a trace in any shape we know (the message says which shapes were expected). */
export class TraceFormatError extends Error {
  override name = 'TraceFormatError';
}
