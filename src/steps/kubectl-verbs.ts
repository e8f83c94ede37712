/**
 * The one table that decides whether a kubectl command only reads. Anything not listed here is treated as
 * changing the cluster, so an unknown or new verb is gated by default.
 */

/** Global flags that take a value in the next word when written without `=`. */
const GLOBAL_FLAGS_WITH_VALUE = new Set([
  '-n', '--namespace', '--context', '--kubeconfig', '--cluster', '--user', '-s', '--server', '--token', '--as',
  '--as-group', '--as-uid', '--request-timeout', '-v', '--v', '--cache-dir', '--certificate-authority',
  '--client-certificate', '--client-key', '--tls-server-name', '--profile', '--profile-output', '--password',
  '--username', '--log-file', '--vmodule',
]);

/** Verbs (first word) that only read. */
const READ_VERBS = new Set([
  'get', 'describe', 'logs', 'top', 'explain', 'events', 'api-resources', 'api-versions', 'version', 'cluster-info',
]);

/** Verbs whose sub-command decides: only these sub-commands read. */
const READ_SUBCOMMANDS: Readonly<Record<string, ReadonlySet<string>>> = {
  auth: new Set(['can-i', 'whoami']),
  rollout: new Set(['status', 'history']),
};

/** The verb (and sub-command, for `auth`/`rollout`) of a kubectl argv, skipping a leading `kubectl` and global flags. */
export interface KubectlVerb {
  verb?: string;
  subcommand?: string;
  /** Index in argv of the verb, or -1. */
  index: number;
}

/** Finds the verb of a kubectl argv (`argv[0]` may be `kubectl`). */
export function kubectlVerb(argv: readonly string[]): KubectlVerb {
  let i = argv[0] === 'kubectl' ? 1 : 0;
  while (i < argv.length) {
    const word = argv[i]!;
    if (word.startsWith('-')) {
      i += GLOBAL_FLAGS_WITH_VALUE.has(word) ? 2 : 1;
      continue;
    }
    const index = i;
    let subcommand: string | undefined;
    for (let j = i + 1; j < argv.length; j++) {
      const next = argv[j]!;
      if (next.startsWith('-')) {
        if (GLOBAL_FLAGS_WITH_VALUE.has(next)) j++;
        continue;
      }
      subcommand = next;
      break;
    }
    return { verb: word, index, ...(subcommand !== undefined ? { subcommand } : {}) };
  }
  return { index: -1 };
}

/** True when the kubectl argv only reads cluster state (so it runs without a gate). */
export function isReadOnlyKubectl(argv: readonly string[]): boolean {
  const { verb, subcommand } = kubectlVerb(argv);
  if (verb === undefined) return false;
  if (READ_VERBS.has(verb)) return true;
  const subs = READ_SUBCOMMANDS[verb];
  return subs !== undefined && subcommand !== undefined && subs.has(subcommand);
}

/** The read-only verbs, for docs and tests: `get`, `auth can-i`, … */
export function readOnlyVerbList(): string[] {
  const list = [...READ_VERBS];
  for (const [verb, subs] of Object.entries(READ_SUBCOMMANDS)) for (const sub of subs) list.push(`${verb} ${sub}`);
  return list.sort();
}
