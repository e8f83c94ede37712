import { isReadOnlyKubectl, kubectlVerb } from '../../steps/kubectl-verbs.js';
import { defineRule } from '../rule.js';
import { commandLine, commandSites } from '../sites.js';

/** Only a `mitigate` asks for approval before it runs, so a change to the cluster anywhere else is ungated. */
export default defineRule({
  meta: {
    id: 'kubectl-mutating-outside-gate',
    description: 'A kubectl command that changes the cluster outside a `mitigate` step (so nobody is asked before it runs).',
    severity: 'error',
    messages: {
      mutating:
        '`kubectl {verb}` changes the cluster but is in a `{kind}` {role} that runs without approval; move it into a `mitigate` step',
      noVerb: 'Found no kubectl verb in this command; expected e.g. `kubectl get pods`',
    },
  },
  check(context) {
    for (const site of commandSites(context.runbook)) {
      if (site.runner !== 'kubectl' || site.gated) continue;
      const { words } = commandLine(site.body);
      if (words.length === 0) continue;
      const argv = words.map((word) => word.value);
      if (isReadOnlyKubectl(argv)) continue;
      const { verb, subcommand, index } = kubectlVerb(argv);
      const role = site.role === 'check' ? 'check' : 'step';
      if (verb === undefined) {
        const first = words[0]!;
        context.report({ messageId: 'noVerb', start: site.bodyStart + first.start, end: site.bodyStart + words.at(-1)!.end });
        continue;
      }
      const verbWord = words[index]!;
      const shown = subcommand !== undefined && (verb === 'rollout' || verb === 'auth') ? `${verb} ${subcommand}` : verb;
      context.report({
        messageId: 'mutating',
        data: { verb: shown, kind: site.step.kind, role },
        start: site.bodyStart + verbWord.start,
        end: site.bodyStart + verbWord.end,
      });
    }
  },
});
