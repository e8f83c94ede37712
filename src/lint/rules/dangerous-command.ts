import type { Word } from '../../steps/command-line.js';
import { kubectlVerb } from '../../steps/kubectl-verbs.js';
import { defineRule } from '../rule.js';
import { commandLine, commandSites } from '../sites.js';

/** The dangerous patterns, by the name the `allow` option takes. */
const CHECKS = ['delete-namespace', 'delete-all', 'delete-crd', 'drain-without-ignore-daemonsets', 'scale-to-zero-all', 'rm-rf-root'] as const;
type CheckName = (typeof CHECKS)[number];

interface Finding {
  check: CheckName;
  /** The word the finding points at. */
  word: Word;
}

const NAMESPACE_TYPES = new Set(['namespace', 'namespaces', 'ns']);
const CRD_TYPES = new Set(['customresourcedefinition', 'customresourcedefinitions', 'crd', 'crds']);
const ALL_NAMESPACES = /^(?:-A|--all-namespaces(?:=true)?)$/;

function kubectlFindings(words: readonly Word[]): Finding[] {
  const argv = words.map((word) => word.value);
  const { verb, index } = kubectlVerb(argv);
  if (verb === undefined) return [];
  const verbWord = words[index]!;
  const rest = words.slice(index + 1);
  const flag = (pattern: RegExp): Word | undefined => rest.find((word) => pattern.test(word.value));
  const positional = rest.filter((word) => !word.value.startsWith('-'));
  const types = (positional[0]?.value.split('/')[0] ?? '').split(',').map((type) => type.split('.')[0]!.toLowerCase());
  const findings: Finding[] = [];
  if (verb === 'delete') {
    if (types.some((type) => NAMESPACE_TYPES.has(type))) findings.push({ check: 'delete-namespace', word: positional[0]! });
    if (types.some((type) => CRD_TYPES.has(type))) findings.push({ check: 'delete-crd', word: positional[0]! });
    const all = flag(/^--all(?:=true)?$/) ?? flag(ALL_NAMESPACES);
    if (all) findings.push({ check: 'delete-all', word: all });
  }
  if (verb === 'drain' && !flag(/^--ignore-daemonsets(?:=true)?$/)) findings.push({ check: 'drain-without-ignore-daemonsets', word: verbWord });
  if (verb === 'scale') {
    const replicasAt = rest.findIndex((word) => /^--replicas(?:=0)?$/.test(word.value));
    const zero = replicasAt !== -1 && (rest[replicasAt]!.value === '--replicas=0' || rest[replicasAt + 1]?.value === '0');
    const wide = flag(/^(?:--all(?:=true)?|-l|--selector(?:=.*)?|-A|--all-namespaces(?:=true)?)$/) ?? flag(/^-l.+/);
    if (zero && wide) findings.push({ check: 'scale-to-zero-all', word: wide });
  }
  return findings;
}

const ROOT_TARGETS = new Set(['/', '/*', '~', '~/', '~/*', '$HOME', '$HOME/', '${HOME}', '*', '.', '..']);

function rmFindings(words: readonly Word[]): Finding[] {
  const flags = words.slice(1).filter((word) => word.value.startsWith('-') && !word.value.startsWith('--'));
  const long = words.slice(1).map((word) => word.value);
  const recursive = flags.some((word) => /r|R/.test(word.value)) || long.includes('--recursive');
  const force = flags.some((word) => word.value.includes('f')) || long.includes('--force');
  if (!recursive || !force) return [];
  const target = words.slice(1).find((word) => !word.value.startsWith('-') && ROOT_TARGETS.has(word.value));
  return target ? [{ check: 'rm-rf-root', word: target }] : [];
}

/** Splits a shell body into simple commands at operators (`|`, `&&`, `;`, …) and at unescaped newlines. */
function commands(body: string): Word[][] {
  const { words, problems } = commandLine(body);
  const groups: Word[][] = [];
  let current: Word[] = [];
  let lastEnd = 0;
  for (const word of words) {
    const gap = body.slice(lastEnd, word.start);
    const operator = problems.some((problem) => problem.start >= lastEnd && problem.start < word.start);
    if ((operator || /(?:^|[^\\])\n/.test(gap)) && current.length > 0) {
      groups.push(current);
      current = [];
    }
    current.push(word);
    lastEnd = word.end;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

const MESSAGE_IDS: Record<CheckName, string> = {
  'delete-namespace': 'deleteNamespace',
  'delete-all': 'deleteAll',
  'delete-crd': 'deleteCrd',
  'drain-without-ignore-daemonsets': 'drain',
  'scale-to-zero-all': 'scaleToZero',
  'rm-rf-root': 'rmRoot',
};

/** Some commands destroy too much to belong in a runbook, even behind a gate: an approval at 3 a.m. is not a review. */
export default defineRule<{ allow: string[] }>({
  meta: {
    id: 'dangerous-command',
    description: 'Commands that destroy far more than a mitigation should: deleting a namespace, `--all`, `rm -rf /`, a drain that evicts DaemonSets, scaling a whole namespace to zero.',
    severity: 'error',
    schema: {
      type: 'object',
      properties: { allow: { type: 'array', items: { enum: [...CHECKS] }, uniqueItems: true } },
      additionalProperties: false,
    },
    defaultOptions: { allow: [] },
    messages: {
      deleteNamespace: '`kubectl delete namespace` deletes everything in the namespace; delete the objects that need it instead',
      deleteAll: '`{flag}` makes `kubectl delete` remove every matching object; name the objects to delete',
      deleteCrd: 'Deleting a CustomResourceDefinition deletes every object of that type in the cluster; this does not belong in a runbook',
      drain: '`kubectl drain` without `--ignore-daemonsets` fails on (or, with `--force`, evicts) DaemonSet pods; add `--ignore-daemonsets`',
      scaleToZero: '`kubectl scale --replicas=0` with `{flag}` scales every matching workload to zero; name the workload to scale',
      rmRoot: '`rm -rf {target}` deletes far more than intended; name the path to remove',
    },
  },
  check(context) {
    const allowed = new Set(context.options.allow);
    for (const site of commandSites(context.runbook)) {
      const groups = site.runner === 'kubectl' ? [commandLine(site.body).words] : commands(site.body);
      for (const words of groups) {
        const program = words[0]?.value;
        const findings =
          site.runner === 'kubectl' ? kubectlFindings(words)
          : program === 'kubectl' ? kubectlFindings(words)
          : program === 'rm' ? rmFindings(words)
          : program === 'sudo' && words[1]?.value === 'rm' ? rmFindings(words.slice(1))
          : [];
        for (const finding of findings) {
          if (allowed.has(finding.check)) continue;
          context.report({
            messageId: MESSAGE_IDS[finding.check],
            data: { flag: finding.word.value, target: finding.word.value },
            start: site.bodyStart + finding.word.start,
            end: site.bodyStart + finding.word.end,
          });
        }
      }
    }
  },
});
