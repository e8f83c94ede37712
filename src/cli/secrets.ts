/**
 * What `run` and `resume` do alike to keep secrets out of what they record and show: declare the values of
 * `secret: true` params and of a Prometheus URL's credentials, take userinfo out of the Prometheus target,
 * and mask what a person sees at a gate the way the timeline masks it.
 */
import { UsageError } from '../errors.js';
import type { Gate } from '../exec/gate.js';
import type { ParamSpec } from '../model/index.js';
import { declareSecrets, redactDeep, type Redactor } from '../secrets/redact.js';
import { splitUserinfo, type BasicAuth } from '../secrets/url.js';

/** Declares the values of params marked `secret: true` (every redactor of the process masks them). */
export function declareSecretParams(specs: Readonly<Record<string, ParamSpec>>, values: Readonly<Record<string, string>>): void {
  declareSecrets(
    Object.entries(specs)
      .filter(([, spec]) => spec.secret)
      .map(([name]) => values[name] ?? '')
      .filter((value) => value !== ''),
  );
}

/**
 * A Prometheus URL as given (flag, front matter, env, `.runbookrc`) → the URL to record (no userinfo) and
 * the credentials to send as basic auth, which are declared secret.
 */
export function prometheusTarget(given: string): { url: string; auth?: BasicAuth } {
  if (!/^https?:\/\//.test(given)) {
    const { url } = splitUserinfo(given);
    throw new UsageError(`Prometheus URL \`${url}\` must start with \`http://\` or \`https://\``);
  }
  const split = splitUserinfo(given);
  if (split.auth) declareSecrets([split.auth.password || split.auth.username]);
  return split;
}

/**
 * The credentials for a resumed run's recorded Prometheus `target`: from the first candidate URL (the one
 * given to `resume`, RUNBOOK_PROMETHEUS_URL, `.runbookrc`) that names the same Prometheus once its userinfo
 * is dropped. A URL given to `resume` for another Prometheus is a usage error: a run keeps its targets.
 */
export function resumePrometheusAuth(target: string | undefined, given: string | undefined, fallbacks: ReadonlyArray<string | undefined>): BasicAuth | undefined {
  if (given !== undefined) {
    const split = prometheusTarget(given);
    if (target !== undefined && sameUrl(split.url, target)) return split.auth;
    throw new UsageError(`\`--prometheus\` \`${split.url}\` is not the Prometheus the run used (\`${target ?? 'none'}\`); a resumed run keeps its targets`);
  }
  if (target === undefined) return undefined;
  for (const candidate of fallbacks) {
    if (!candidate || !/^https?:\/\//.test(candidate)) continue;
    const split = splitUserinfo(candidate);
    if (split.auth && sameUrl(split.url, target)) {
      declareSecrets([split.auth.password || split.auth.username]);
      return split.auth;
    }
  }
  return undefined;
}

function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/** A gate whose person sees the request redacted (argv, env, targets), as the timeline records it. */
export function redactingGate(gate: Gate, redact: Redactor): Gate {
  return {
    decide: (request) => {
      const { signal, ...rest } = request;
      return gate.decide({ ...redactDeep(rest, redact), signal });
    },
  };
}
