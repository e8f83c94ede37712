/**
 * The one table that decides whether a kubectl command only reads. Anything not listed here is treated as
 * changing the cluster, so an unknown or new verb is gated by default.
 */

import { KUBECTL_GLOBAL_FLAGS, type KubectlGlobalFlag } from './kubectl-global-flags.js';
import { classifyOcVerb, interactiveOcVerb, KUBECTL_FAMILY } from './oc-verbs.js';

/** 1 when `argv[0]` names the program (`kubectl`, or `oc`, which takes the same verbs and flags), else 0. */
function programWords(argv: readonly string[]): number {
  return KUBECTL_FAMILY.has(argv[0] ?? '') ? 1 : 0;
}

/** Global flags by `--long` and `-s` name (from `kubectl options`, see kubectl-global-flags.ts). */
const GLOBAL_FLAGS = new Map<string, KubectlGlobalFlag>();
for (const flag of KUBECTL_GLOBAL_FLAGS) {
  GLOBAL_FLAGS.set(`--${flag.long}`, flag);
  if (flag.short !== undefined) GLOBAL_FLAGS.set(`-${flag.short}`, flag);
}

/** Global flags that take a value in the next word when written without `=`. */
const GLOBAL_FLAGS_WITH_VALUE = new Set([...GLOBAL_FLAGS].filter(([, flag]) => flag.value).map(([name]) => name));

/**
 * Flags that send the request somewhere else or as someone else than the run's context (and so around the
 * read-only proxy the executor puts in front of ungated kubectl): a step that uses one is gated.
 */
const BYPASS_FLAGS = new Set([
  'as', 'as-group', 'as-uid', 'certificate-authority', 'client-certificate', 'client-key', 'cluster',
  'insecure-skip-tls-verify', 'kubeconfig', 'password', 'server', 'token', 'user', 'username',
]);

/** Verbs (first word) that only read and have no sub-commands. */
const READ_VERBS = new Set([
  'get', 'describe', 'logs', 'explain', 'events', 'api-resources', 'api-versions', 'version',
]);

/**
 * Verbs whose sub-command decides: only these sub-commands read. `''` means the verb alone (no
 * sub-command) reads too.
 */
const READ_SUBCOMMANDS: Readonly<Record<string, ReadonlySet<string>>> = {
  auth: new Set(['can-i', 'whoami']),
  'cluster-info': new Set(['', 'dump']),
  rollout: new Set(['status', 'history']),
  top: new Set(['node', 'nodes', 'no', 'pod', 'pods', 'po']),
};

/** The verb (and sub-command, for `auth`/`rollout`) of a kubectl argv, skipping a leading `kubectl` and global flags. */
export interface KubectlVerb {
  verb?: string;
  subcommand?: string;
  /** Index in argv of the verb, or -1. */
  index: number;
}

/**
 * How many words a flag at `argv[i]` takes, read the way kubectl's command parser (cobra) reads it while it
 * looks for the command: a known boolean takes only itself; any other flag written without `=` (known or
 * not) also takes the next word as its value.
 */
function flagWidth(word: string): number {
  if (word.startsWith('--')) {
    if (word.includes('=')) return 1;
    const flag = GLOBAL_FLAGS.get(word);
    return flag && !flag.value ? 1 : 2;
  }
  // `-n x` takes the next word; `-nx`, `-n=x` carry their value.
  return word.length === 2 ? 2 : 1;
}

/** Finds the verb of a kubectl argv (`argv[0]` may be `kubectl`), reading flags the way kubectl does. */
export function kubectlVerb(argv: readonly string[]): KubectlVerb {
  let i = programWords(argv);
  while (i < argv.length) {
    const word = argv[i]!;
    if (word === '--') return { index: -1 };
    if (word.startsWith('-') && word.length > 1) {
      i += flagWidth(word);
      continue;
    }
    const index = i;
    let subcommand: string | undefined;
    for (let j = i + 1; j < argv.length; j++) {
      const next = argv[j]!;
      if (next === '--') break;
      if (next.startsWith('-') && next.length > 1) {
        j += flagWidth(next) - 1;
        continue;
      }
      subcommand = next;
      break;
    }
    return { verb: word, index, ...(subcommand !== undefined ? { subcommand } : {}) };
  }
  return { index: -1 };
}

/** The classifier's answer for one kubectl argv. */
export interface KubectlVerdict {
  /** True only when the command certainly only reads (it then runs without a gate, through the read-only proxy). */
  readOnly: boolean;
  /** Why it is gated, in words (for the plan and lint); undefined when it reads. */
  reason?: string;
}

/**
 * Reads the global flags from `argv[i]` on, the way kubectl does, and returns the index of the first word
 * that is not one, or a reason to gate: an unknown flag (kubectl would take the next word as its value, so
 * what follows is not what it seems), a value missing, or `--`.
 */
function skipGlobalFlags(argv: readonly string[], i: number): { next: number } | { reason: string } {
  while (i < argv.length) {
    const word = argv[i]!;
    if (word === '--') return { reason: '`--` before the command' };
    if (!word.startsWith('-') || word.length < 2) return { next: i };
    const name = word.startsWith('--') ? word.split('=', 1)[0]! : word.slice(0, 2);
    const flag = GLOBAL_FLAGS.get(name);
    if (!flag) return { reason: `\`${name}\` is not a global kubectl flag (kubectl would read the next word as its value)` };
    if (!word.startsWith('--') && word.length > 2 && !flag.value) return { reason: `\`${word}\` is a group of one-letter flags` };
    const width = word.startsWith('--') ? (word.includes('=') || !flag.value ? 1 : 2) : word.length === 2 && flag.value ? 2 : 1;
    if (i + width > argv.length) return { reason: `\`${word}\` has no value` };
    i += width;
  }
  return { next: i };
}

/** One-letter flags that take a value: in a group, the rest of the word after one of them is its value. */
const LETTERS_WITH_VALUE = new Set(['n', 'v', 'c', 'f', 'k', 'l', 'L', 'o']);

/** A word that sets a flag which bypasses the proxy or writes files, or undefined. */
function unsafeFlag(word: string): string | undefined {
  if (word.startsWith('--')) {
    const name = word.slice(2).split('=', 1)[0]!;
    if (BYPASS_FLAGS.has(name)) return `\`--${name}\` sends the request around the run's context`;
    if (name === 'output-directory') return '`--output-directory` writes files';
    if (name === 'cache-dir') return '`--cache-dir` writes files';
    if (name === 'profile' && word !== '--profile=none') return '`--profile` writes a profile file';
    return undefined;
  }
  if (!word.startsWith('-') || word.length < 2) return undefined;
  // `-s` (`--server`) alone or inside a group such as `-As`, unless an earlier letter took the rest as its value.
  for (const letter of word.slice(1)) {
    if (letter === 's') return '`-s` (`--server`) sends the request around the run\'s context';
    if (letter === '=' || LETTERS_WITH_VALUE.has(letter)) break;
  }
  return undefined;
}

/**
 * The one classifier (plan, lint and executor all use it). Fails closed: a kubectl argv (`argv[0]` may be
 * `kubectl`) reads only when every word before the verb (and between the verb and its sub-command) is a known
 * global flag with its known arity, the verb (and sub-command) is a built-in read-only command (so no plugin),
 * and no flag anywhere bypasses the run's context (`--server`, `--token`, `--as`, …) or writes files
 * (`--output-directory`, `--cache-dir`, `--profile`).
 */
export function classifyKubectl(argv: readonly string[]): KubectlVerdict {
  const gated = (reason: string): KubectlVerdict => ({ readOnly: false, reason });
  for (const word of argv) {
    const unsafe = unsafeFlag(word);
    if (unsafe) return gated(unsafe);
  }
  const before = skipGlobalFlags(argv, programWords(argv));
  if ('reason' in before) return gated(before.reason);
  const verb = argv[before.next];
  if (verb === undefined) return gated('no kubectl command');
  if (argv[0] === 'oc') {
    const afterVerb = skipGlobalFlags(argv, before.next + 1);
    const oc = classifyOcVerb(argv, before.next, 'next' in afterVerb ? afterVerb.next : argv.length);
    if (oc) return oc;
  }
  if (READ_VERBS.has(verb)) return { readOnly: true };
  const subs = READ_SUBCOMMANDS[verb];
  if (!subs) return gated(`\`kubectl ${verb}\` is not a read-only command (unknown commands and plugins are gated)`);
  const between = skipGlobalFlags(argv, before.next + 1);
  if ('reason' in between) return gated(between.reason);
  const sub = argv[between.next] ?? '';
  if (!subs.has(sub)) return gated(sub === '' ? `\`kubectl ${verb}\` needs a sub-command` : `\`kubectl ${verb} ${sub}\` is not a read-only command`);
  return { readOnly: true };
}

/** True when the kubectl argv only reads cluster state (so it runs without a gate); see {@link classifyKubectl}. */
export function isReadOnlyKubectl(argv: readonly string[]): boolean {
  return classifyKubectl(argv).readOnly;
}

/** True for `auth can-i`/`auth whoami`: they POST a review (changing nothing), so they cannot go through the read-only proxy. */
export function isAccessReview(argv: readonly string[]): boolean {
  const { verb, subcommand } = kubectlVerb(argv);
  return verb === 'auth' && (subcommand === 'can-i' || subcommand === 'whoami') && isReadOnlyKubectl(argv);
}

/** The read-only verbs, for docs and tests: `get`, `auth can-i`, … */
export function readOnlyVerbList(): string[] {
  const list = [...READ_VERBS];
  for (const [verb, subs] of Object.entries(READ_SUBCOMMANDS)) for (const sub of subs) list.push(sub === '' ? verb : `${verb} ${sub}`);
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
  const byOc = argv[0] === 'oc' ? interactiveOcVerb(argv, index) : undefined;
  if (byOc) return { ...byOc, index };
  const byVerb = INTERACTIVE_VERBS[verb];
  if (byVerb) return { ...byVerb, index };
  const bySubcommand = subcommand !== undefined ? INTERACTIVE_SUBCOMMANDS[verb]?.[subcommand] : undefined;
  if (bySubcommand) return { ...bySubcommand, index: argv.indexOf(subcommand!, index + 1) };
  const flags = INTERACTIVE_FLAGS[verb];
  if (!flags) return undefined;
  const start = programWords(argv);
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
