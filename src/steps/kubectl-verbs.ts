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

/**
 * A kubectl command that cannot work in a step: it needs a terminal or an editor, or it runs until it is
 * stopped. A step has no terminal and no input (stdin is closed), so such a command would only hang until its
 * timeout. Found by `interactiveKubectl`; the executor refuses it before anything runs and lint reports it.
 */
export interface InteractiveKubectl {
  /** What is wrong, e.g. "`kubectl edit` opens an editor". */
  reason: string;
  /** The non-interactive form to write instead. */
  fix: string;
  /** Index in argv of the word to point at (the verb, or the flag). */
  index: number;
}

/** How a reason ends for a command that does not end by itself. */
const HANGS = ', so the step would hang until its timeout';

/** Verbs that are interactive or never end whatever their flags. */
const INTERACTIVE_VERBS: Readonly<Record<string, Omit<InteractiveKubectl, 'index'>>> = {
  edit: {
    reason: '`kubectl edit` opens an editor, and a step has no terminal',
    fix: 'change the object with `kubectl patch`, `kubectl set` or `kubectl scale` instead',
  },
  attach: {
    reason: `\`kubectl attach\` stays attached to the container${HANGS}`,
    fix: 'read its output with `kubectl logs <pod> --tail=100` instead',
  },
  'port-forward': {
    reason: `\`kubectl port-forward\` forwards ports until it is stopped${HANGS}`,
    fix: 'start it in a terminal of your own, or run the request inside the cluster with `kubectl exec <pod> -- <command>`',
  },
  proxy: {
    reason: `\`kubectl proxy\` serves the API until it is stopped${HANGS}`,
    fix: 'read an API path with `kubectl get --raw <path>` instead',
  },
};

/** Sub-commands that open an editor. */
const INTERACTIVE_SUBCOMMANDS: Readonly<Record<string, Readonly<Record<string, Omit<InteractiveKubectl, 'index'>>>>> = {
  apply: {
    'edit-last-applied': {
      reason: '`kubectl apply edit-last-applied` opens an editor, and a step has no terminal',
      fix: 'use `kubectl apply set-last-applied -f <file>` or `kubectl patch` instead',
    },
  },
};

/** A flag of one verb that makes it interactive or endless (`short` is its one-letter form, if any). */
interface InteractiveFlag {
  long: string;
  short?: string;
  /** Why, given the flag as written (e.g. `-f` or `--follow`). */
  reason: (verb: string, written: string) => string;
  fix: string;
}

const terminalFlags = (fix: string): InteractiveFlag[] => [
  { long: 'tty', short: 't', reason: (verb, written) => `\`kubectl ${verb} ${written}\` needs a terminal, and a step has none`, fix },
  { long: 'stdin', short: 'i', reason: (verb, written) => `\`kubectl ${verb} ${written}\` reads input, and a step has none`, fix },
];

const watchFlags = (verb: string): InteractiveFlag[] =>
  ['watch', 'watch-only'].map((long) => ({
    long,
    ...(long === 'watch' ? { short: 'w' } : {}),
    reason: (_verb: string, written: string) => `\`kubectl ${verb} ${written}\` watches until it is stopped${HANGS}`,
    fix: `run \`kubectl ${verb}\` without \`${long === 'watch' ? '-w' : '--watch-only'}\`, or wait for a condition with \`kubectl wait --for=<condition> --timeout=<duration>\``,
  }));

/** Verb → the flags that make it interactive. */
const INTERACTIVE_FLAGS: Readonly<Record<string, readonly InteractiveFlag[]>> = {
  exec: terminalFlags('run one command without `-i`/`-t`: `kubectl exec <pod> -- <command>`'),
  run: terminalFlags('run one command without `-i`/`-t`: `kubectl run <name> --image=<image> --restart=Never --rm --attach -- <command>`'),
  debug: terminalFlags('drop `-i`/`-t`: `kubectl debug <pod> --image=<image> --target=<container> -- <command>`, then read it with `kubectl logs`'),
  logs: [
    {
      long: 'follow',
      short: 'f',
      reason: (_verb, written) => `\`kubectl logs ${written}\` follows the log until it is stopped${HANGS}`,
      fix: 'read the recent lines with `kubectl logs --tail=100` (or `--since=10m`) instead',
    },
  ],
  get: watchFlags('get'),
  events: watchFlags('events'),
  create: [
    {
      long: 'edit',
      reason: (_verb, written) => `\`kubectl create ${written}\` opens an editor, and a step has no terminal`,
      fix: 'drop `--edit` and create the object from a file with `kubectl create -f <file>`',
    },
  ],
};

/**
 * One-letter flags that take a value (kubectl 1.32: `-n`, `-s`, `-v` global; `-c`, `-f`, `-k`, `-l`, `-L`, `-o`
 * local): in a group such as `-owide` or `-lapp=x` the rest of the word is that value, not more flags.
 * Checked after the verb's own interactive letters, so `logs -f` (follow) still counts.
 */
const SHORT_FLAGS_WITH_VALUE = new Set(['n', 's', 'v', 'c', 'f', 'k', 'l', 'L', 'o']);

/** `strconv.ParseBool` false values: `--watch=false` turns the flag off. */
const FALSE_VALUES = new Set(['false', 'False', 'FALSE', 'f', 'F', '0']);

/**
 * Why a kubectl argv (`argv[0]` may be `kubectl`) cannot run in a step, or undefined when it can: `edit`,
 * `attach`, `port-forward`, `proxy`, `apply edit-last-applied`, `create --edit`, `exec`/`run`/`debug` with
 * `-i`/`-t`, `logs -f`, `get`/`events` with `-w`/`--watch-only`. Flags after `--` belong to the container's
 * command and are not looked at.
 */
export function interactiveKubectl(argv: readonly string[]): InteractiveKubectl | undefined {
  const { verb, subcommand, index } = kubectlVerb(argv);
  if (verb === undefined) return undefined;
  const byVerb = INTERACTIVE_VERBS[verb];
  if (byVerb) return { ...byVerb, index };
  const bySubcommand = subcommand !== undefined ? INTERACTIVE_SUBCOMMANDS[verb]?.[subcommand] : undefined;
  if (bySubcommand) return { ...bySubcommand, index: argv.indexOf(subcommand!, index + 1) };
  const flags = INTERACTIVE_FLAGS[verb];
  if (!flags) return undefined;
  const start = argv[0] === 'kubectl' ? 1 : 0;
  for (let i = start; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') break;
    if (GLOBAL_FLAGS_WITH_VALUE.has(word)) {
      i++;
      continue;
    }
    const flag = matchFlag(word, flags);
    if (flag) return { reason: flag.flag.reason(verb, flag.written), fix: flag.flag.fix, index: i };
  }
  return undefined;
}

/** The interactive flag `word` turns on, with the flag as the message shows it. */
function matchFlag(word: string, flags: readonly InteractiveFlag[]): { flag: InteractiveFlag; written: string } | undefined {
  if (word.startsWith('--')) {
    const eq = word.indexOf('=');
    const name = word.slice(2, eq === -1 ? undefined : eq);
    if (eq !== -1 && FALSE_VALUES.has(word.slice(eq + 1))) return undefined;
    const flag = flags.find((f) => f.long === name);
    return flag ? { flag, written: `--${name}` } : undefined;
  }
  if (!word.startsWith('-') || word.length < 2) return undefined;
  // A group of one-letter flags (`-it`, `-fp`), possibly ending in one that takes a value (`-itc app`).
  const letters = word.slice(1);
  const found: InteractiveFlag[] = [];
  for (let j = 0; j < letters.length; j++) {
    const letter = letters[j]!;
    if (letter === '=') break;
    const flag = flags.find((f) => f.short === letter);
    if (flag) {
      // `-t=false` / `-i=0`: a one-letter boolean given a value.
      if (letters[j + 1] === '=' && FALSE_VALUES.has(letters.slice(j + 2))) return undefined;
      found.push(flag);
      continue;
    }
    if (SHORT_FLAGS_WITH_VALUE.has(letter)) break;
  }
  if (found.length === 0) return undefined;
  // The terminal outranks reading input: `-it` is reported as needing a terminal.
  const flag = found.find((f) => f.long === 'tty') ?? found[0]!;
  const onlyInteractive = [...letters].every((letter) => flags.some((f) => f.short === letter));
  return { flag, written: onlyInteractive ? word : `-${flag.short}` };
}
