/**
 * kubectl's global flags (the ones `kubectl options` lists, accepted before any command), as data. Taken from
 * `kubectl options` of kubectl 1.32; test/steps/kubectl-global-flags.test.ts parses the output of the kubectl
 * on PATH and fails when this table differs, so a kubectl upgrade that adds or changes a flag is noticed.
 * `value: true` means the flag takes a value (from the next word when written without `=`); `false` is a
 * boolean, which never takes the next word.
 */
export interface KubectlGlobalFlag {
  /** Long name without dashes, e.g. `namespace`. */
  long: string;
  /** One-letter form, e.g. `n`. */
  short?: string;
  /** Takes a value (not a boolean). */
  value: boolean;
}

/** kubectl 1.32 `kubectl options`, sorted by long name. */
export const KUBECTL_GLOBAL_FLAGS: readonly KubectlGlobalFlag[] = [
  { long: 'as', value: true },
  { long: 'as-group', value: true },
  { long: 'as-uid', value: true },
  { long: 'cache-dir', value: true },
  { long: 'certificate-authority', value: true },
  { long: 'client-certificate', value: true },
  { long: 'client-key', value: true },
  { long: 'cluster', value: true },
  { long: 'context', value: true },
  { long: 'disable-compression', value: false },
  { long: 'insecure-skip-tls-verify', value: false },
  { long: 'kubeconfig', value: true },
  { long: 'log-flush-frequency', value: true },
  { long: 'match-server-version', value: false },
  { long: 'namespace', short: 'n', value: true },
  { long: 'password', value: true },
  { long: 'profile', value: true },
  { long: 'profile-output', value: true },
  { long: 'request-timeout', value: true },
  { long: 'server', short: 's', value: true },
  { long: 'tls-server-name', value: true },
  { long: 'token', value: true },
  { long: 'user', value: true },
  { long: 'username', value: true },
  { long: 'v', short: 'v', value: true },
  { long: 'vmodule', value: true },
  { long: 'warnings-as-errors', value: false },
];

/**
 * Parses the text `kubectl options` prints into flags: lines such as `    -n, --namespace='':` or
 * `    --insecure-skip-tls-verify=false:` (a default of `true`/`false` marks a boolean).
 */
export function parseKubectlOptions(text: string): KubectlGlobalFlag[] {
  const flags: KubectlGlobalFlag[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s+(?:-([A-Za-z]), )?--([a-z0-9-]+)=(.*):$/.exec(line);
    if (!match) continue;
    const [, short, long, fallback] = match;
    flags.push({ long: long!, ...(short ? { short } : {}), value: fallback !== 'true' && fallback !== 'false' });
  }
  return flags.sort((a, b) => (a.long < b.long ? -1 : a.long > b.long ? 1 : 0));
}
