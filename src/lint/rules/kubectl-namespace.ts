import { kubectlVerb } from '../../steps/kubectl-verbs.js';
import { defineRule } from '../rule.js';
import { commandLine, commandSites } from '../sites.js';

/** Resource names (plural, singular, short) that are not namespaced. */
const CLUSTER_SCOPED = new Set([
  'namespace', 'namespaces', 'ns', 'node', 'nodes', 'no', 'persistentvolume', 'persistentvolumes', 'pv',
  'storageclass', 'storageclasses', 'sc', 'clusterrole', 'clusterroles', 'clusterrolebinding', 'clusterrolebindings',
  'customresourcedefinition', 'customresourcedefinitions', 'crd', 'crds', 'apiservice', 'apiservices',
  'certificatesigningrequest', 'certificatesigningrequests', 'csr', 'priorityclass', 'priorityclasses', 'pc',
  'ingressclass', 'ingressclasses', 'runtimeclass', 'runtimeclasses', 'volumeattachment', 'volumeattachments',
  'csidriver', 'csidrivers', 'csinode', 'csinodes', 'componentstatus', 'componentstatuses', 'cs',
  'mutatingwebhookconfiguration', 'mutatingwebhookconfigurations', 'validatingwebhookconfiguration',
  'validatingwebhookconfigurations', 'flowschema', 'flowschemas', 'prioritylevelconfiguration', 'prioritylevelconfigurations',
]);

/** Verbs that never address a namespace. */
const UNNAMESPACED_VERBS = new Set([
  'version', 'cluster-info', 'api-resources', 'api-versions', 'config', 'explain', 'completion', 'plugin', 'kustomize',
  'cordon', 'uncordon', 'drain', 'taint', 'certificate', 'options', 'help', 'alpha',
]);

/** Verbs that act on pods (namespaced) and take no resource type word. */
const POD_VERBS = new Set(['logs', 'exec', 'attach', 'port-forward', 'cp', 'debug', 'events']);

/** Verbs whose first argument after a sub-command is the resource (`rollout restart deploy/x`, `create secret …`). */
const SUBCOMMAND_VERBS = new Set(['rollout', 'set', 'top']);

/**
 * Whether the command addresses namespaced objects: true / false, or undefined when it can't be told
 * (`apply -f`, an unknown verb) — undecidable commands are not reported.
 */
function isNamespaced(argv: readonly string[]): boolean | undefined {
  const { verb, index } = kubectlVerb(argv);
  if (verb === undefined) return undefined;
  if (UNNAMESPACED_VERBS.has(verb)) return false;
  if (verb === 'auth') return undefined;
  if (POD_VERBS.has(verb)) return true;
  const positional = argv.slice(index + 1).filter((word, i, all) => !word.startsWith('-') && !isFlagValue(all, i));
  const resourceWord = SUBCOMMAND_VERBS.has(verb) ? positional[1] ?? (verb === 'top' ? positional[0] : undefined) : positional[0];
  if (resourceWord === undefined) return undefined;
  const types = resourceWord.split('/')[0]!.split(',').map((type) => type.split('.')[0]!.toLowerCase());
  return types.some((type) => !CLUSTER_SCOPED.has(type));
}

/** True when argv[i] is the value of a preceding short flag written apart (`-l app=x`, `-o json`). */
function isFlagValue(argv: readonly string[], i: number): boolean {
  const previous = argv[i - 1];
  return previous !== undefined && /^(?:-[lopcf]|--(?:selector|output|container|filename|field-selector|sort-by|template|since|tail|type|replicas|timeout))$/.test(previous);
}

const NAMESPACE_FLAG = /^(?:-n.*|--namespace(?:=.*)?|-A|--all-namespaces(?:=.*)?)$/;

/** A namespaced kubectl command takes the kubeconfig's current namespace when none is given: rarely the right one in an incident. */
export default defineRule({
  meta: {
    id: 'kubectl-namespace',
    description: 'A namespaced kubectl command with no namespace from the command, the step, the front matter or a param.',
    severity: 'warn',
    messages: {
      missing:
        'No namespace for `kubectl {verb}`: add `-n <namespace>`, a `namespace=` attribute, `namespace:` in the front matter, or a `namespace` param',
    },
  },
  check(context) {
    const { meta } = context.runbook;
    if (meta.namespace !== undefined || Object.hasOwn(meta.params, 'namespace')) return;
    for (const site of commandSites(context.runbook)) {
      if (site.runner !== 'kubectl' || site.attributes.namespace !== undefined) continue;
      const { words } = commandLine(site.body);
      const argv = words.map((word) => word.value);
      if (argv.some((word) => NAMESPACE_FLAG.test(word))) continue;
      if (isNamespaced(argv) !== true) continue;
      const { verb, index } = kubectlVerb(argv);
      const word = words[index]!;
      context.report({ messageId: 'missing', data: { verb: verb! }, start: site.bodyStart + word.start, end: site.bodyStart + word.end });
    }
  },
});
