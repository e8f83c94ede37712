/**
 * OpenShift's `oc` is kubectl plus commands of its own. It takes kubectl's verbs and flags unchanged, so
 * kubectl-verbs.ts classifies an `oc` argv with the same table; this file adds only what `oc` has and kubectl has
 * not. Anything `oc` has that is not listed here as reading (`adm drain`, `rsh`, `debug`, `project`, `new-app`,
 * `start-build`, `import-image`, `policy`, …) falls through to the kubectl table, which does not know it, so it
 * is gated.
 */

/** Programs whose command line kubectl-verbs.ts reads with its table (`argv[0]`). */
export const KUBECTL_FAMILY: ReadonlySet<string> = new Set(['kubectl', 'oc']);

/** `oc` commands that only read cluster state. */
const OC_READ_VERBS = new Set(['status', 'whoami']);

/** `oc` verbs whose sub-command decides; only these sub-commands read. */
const OC_READ_SUBCOMMANDS: Readonly<Record<string, ReadonlySet<string>>> = {
  // `oc adm top pods|nodes|images|imagestreams`: usage figures, like `kubectl top`.
  adm: new Set(['top']),
};

/** `oc whoami` flags that print a credential: recorded output must never hold one, so these are gated. */
const OC_CREDENTIAL_FLAGS = new Set(['-t', '--show-token']);

/**
 * The verdict on an `oc`-only command at `argv[verbIndex]` (sub-command at `argv[subIndex]`), or undefined when
 * the verb is not one of `oc`'s own and the kubectl table decides.
 */
export function classifyOcVerb(argv: readonly string[], verbIndex: number, subIndex: number): { readOnly: boolean; reason?: string } | undefined {
  const verb = argv[verbIndex];
  if (verb === undefined) return undefined;
  if (OC_READ_VERBS.has(verb)) {
    const credential = argv.find((word) => OC_CREDENTIAL_FLAGS.has(word.split('=', 1)[0]!));
    if (verb === 'whoami' && credential) return { readOnly: false, reason: `\`oc whoami ${credential}\` prints a credential` };
    return { readOnly: true };
  }
  const subs = OC_READ_SUBCOMMANDS[verb];
  if (!subs) return undefined;
  const sub = argv[subIndex] ?? '';
  if (subs.has(sub)) return { readOnly: true };
  return { readOnly: false, reason: sub === '' ? `\`oc ${verb}\` needs a sub-command` : `\`oc ${verb} ${sub}\` is not a read-only command` };
}

/** Why an `oc`-only command cannot run in a step (it opens a session or prompts), or undefined. */
export function interactiveOcVerb(argv: readonly string[], verbIndex: number): { reason: string; fix: string } | undefined {
  const verb = argv[verbIndex];
  const rest = argv.slice(verbIndex + 1);
  if (verb === 'rsh' && rest.filter((word) => !word.startsWith('-')).length <= 1) {
    return { reason: '`oc rsh` without a command opens a remote shell, and a step has no terminal', fix: 'name the command: `oc rsh <pod> <command>`, or `oc exec <pod> -- <command>`' };
  }
  if (verb === 'debug' && !rest.includes('--')) {
    return { reason: '`oc debug` without `--` opens a shell in the debug pod, and a step has no terminal', fix: 'give the command after `--`: `oc debug node/<node> -- chroot /host <command>`' };
  }
  if (verb === 'login') {
    return { reason: '`oc login` may prompt for credentials and rewrites the kubeconfig', fix: 'log in before the run and pass `--context` (or `--kubeconfig`) to `runbook run`' };
  }
  return undefined;
}
