/**
 * Redaction of whole timeline events: the one function every writer and reader of events goes through
 * (the run and resume sinks, `runbook note`, `runbook export`). Text rules cannot recognise the output of
 * `kubectl get secret x -o jsonpath={.data.password}` (a bare base64 word), so this keeps, per step, whether
 * the command that produced an output reads Secret data, and masks that output, its captures and summary.
 */
import { REDACTED, redactDeep, type Redactor } from './redact.js';

/** Redacts one event; stateful across the events of one timeline, so feed them in order. */
export type EventRedactor = <T>(event: T) => T;

/** kubectl (directly, or inside an `sh` script) naming the `secret(s)` resource. */
const READS_SECRET = /\bkubectl\b[^\n;&|]*?(?:^|[\s,/=])secrets?(?:$|[\s,/.])/i;

/** True when a command's argv reads Kubernetes Secret objects, whose values have no recognisable shape. */
export function readsSecretData(argv: readonly string[] | undefined): boolean {
  if (!argv || argv.length === 0) return false;
  return READS_SECRET.test(argv.join(' '));
}

interface Shaped {
  type?: unknown;
  step?: unknown;
  command?: { argv?: string[] } | Array<{ argv?: string[] }>;
  output?: { excerpt?: string };
  captures?: Record<string, string>;
  summary?: string;
  result?: unknown;
}

/** Makes an event redactor over `redact` (the configured text redactor). */
export function createEventRedactor(redact: Redactor): EventRedactor {
  const secretSteps = new Set<string>();
  return <T>(event: T): T => {
    const out = redactDeep(event, redact);
    if (out === null || typeof out !== 'object') return out;
    const shaped = out as Shaped;
    const step = typeof shaped.step === 'string' ? shaped.step : undefined;
    const commands = Array.isArray(shaped.command) ? shaped.command : shaped.command ? [shaped.command] : [];
    const readsSecret = commands.some((command) => readsSecretData(command.argv));
    if (shaped.type === 'step.started' && step !== undefined) {
      if (readsSecret) secretSteps.add(step);
      else secretSteps.delete(step);
    }
    const mask = readsSecret || (shaped.type === 'step.finished' && step !== undefined && secretSteps.has(step));
    if (!mask) return out;
    if (shaped.output && typeof shaped.output.excerpt === 'string' && shaped.output.excerpt !== '') shaped.output.excerpt = REDACTED;
    if (shaped.captures) for (const key of Object.keys(shaped.captures)) shaped.captures[key] = REDACTED;
    return out;
  };
}

/** Redacts a whole timeline's events, in order (exports: a timeline may predate a rule). */
export function redactEvents<T>(events: readonly T[], redact: Redactor): T[] {
  const one = createEventRedactor(redact);
  return events.map((event) => one(event));
}
