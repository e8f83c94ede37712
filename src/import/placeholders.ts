/**
 * Placeholders written for humans (`$NAMESPACE`, `${POD}`, `<namespace>`, an all-caps `NAMESPACE` in an
 * argument slot) and how they become runbook params (`{{namespace}}`) with a description taken from where
 * they were found.
 */
import type { Word } from '../steps/command-line.js';
import { splitCommandLine } from '../steps/command-line.js';
import { kubectlVerb } from '../steps/kubectl-verbs.js';
import { findPlaceholders } from '../steps/template.js';

/** One placeholder found in a text, with what it becomes. Offsets are into that text, end exclusive. */
export interface PlaceholderHit {
  raw: string;
  /** Param name (`namespace`). */
  name: string;
  start: number;
  end: number;
  description?: string;
  /** How much to trust `description`: 3 written by the author, 2 from the argument slot, 1 a fallback. */
  priority: number;
}

/**
 * `${POD}`, `$NAMESPACE` (upper case only: lower-case `$k` is far more often a real shell or template variable),
 * and `<namespace>` / `<value of instance label from alert>`.
 */
export const PLACEHOLDER_IN_TEXT = /\$\{([A-Z][A-Z0-9_]*)\}|\$([A-Z][A-Z0-9_]*)(?![A-Za-z0-9_])|<([A-Za-z][\w.-]*(?: [\w.-]+)*)>/g;

/** Environment variables a command may really mean; never turned into params. */
const ENVIRONMENT = new Set(['HOME', 'PATH', 'PWD', 'USER', 'SHELL', 'KUBECONFIG', 'EDITOR', 'TERM', 'HOSTNAME', 'TMPDIR']);

/** The param name for a placeholder as written; `label` names the PromQL label it sits in, if any. */
export function paramNameFor(raw: string, label?: string): string | undefined {
  const variable = /^\$\{?([A-Z][A-Z0-9_]*)\}?$/.exec(raw)?.[1];
  if (variable) return ENVIRONMENT.has(variable) ? undefined : variable.toLowerCase();
  const inner = /^<(.+)>$/.exec(raw)?.[1];
  if (!inner) return undefined;
  if (/\s/.test(inner)) {
    if (label) return normalise(label);
    const labelled = /(\w+) label/.exec(inner)?.[1];
    return normalise(labelled ?? inner.split(/\s+/).slice(0, 4).join('_'));
  }
  return normalise(inner);
}

function normalise(text: string): string | undefined {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/^(?:my|your|the)_/, '')
    .replace(/^name_of_(?:the_)?/, '');
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : undefined;
}

/** Ranges of `text` inside single quotes, where a shell expands nothing. */
function singleQuoted(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let double = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && text[i + 1] !== undefined) {
      i++;
      continue;
    }
    if (c === '"') double = !double;
    else if (c === "'" && !double) {
      const close = text.indexOf("'", i + 1);
      const end = close === -1 ? text.length : close + 1;
      ranges.push([i, end]);
      i = end - 1;
    }
  }
  return ranges;
}

// `$node`, `${cluster}`, `$GrafanaPodName`: a variable of any case (upper case is PLACEHOLDER_IN_TEXT's).
const LOWER_VARIABLE = /\$\{([a-z_][A-Za-z0-9_]*|[A-Z][A-Za-z0-9_]*[a-z][A-Za-z0-9_]*)\}|\$([a-z_][A-Za-z0-9_]*|[A-Z][A-Za-z0-9_]*[a-z][A-Za-z0-9_]*)(?![A-Za-z0-9_])/g;

/** Shell and environment variables a command may really mean in lower case. */
const SHELL_LOWER = new Set(['_', 'i', 'j', 'k', 'x', 'line', 'f', 'file']);

/**
 * Variables a fence gives values itself: `for x in`, `read -r a b`, `x=…`, `export x=…`, `local x=…`. Their uses
 * are shell, not placeholders.
 */
export function definedVariables(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/\bfor\s+([A-Za-z_]\w*)\s+in\b/g)) names.add(m[1]!);
  for (const m of text.matchAll(/\bread\s+((?:-\w+\s+)*)([A-Za-z_]\w*(?:\s+[A-Za-z_]\w*)*)/g)) for (const n of m[2]!.split(/\s+/)) names.add(n);
  for (const m of text.matchAll(/(?:^|[\s;&|(`])(?:export\s+|local\s+|declare\s+(?:-\w+\s+)?)?([A-Za-z_]\w*)\+?=/gm)) names.add(m[1]!);
  return names;
}

/** Ranges of `{{…}}` (a go-template the original already had, escaped as `\{{…}}`): their `$x` are the template's. */
function templateRanges(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const m of text.matchAll(/\{\{[\s\S]*?\}\}/g)) ranges.push([m.index, m.index + m[0].length]);
  return ranges;
}

/**
 * `$VAR`, `${VAR}` (outside single quotes, where a shell would expand them) and `<name>` (anywhere: it is
 * never shell syntax in a runbook example) in a command line. With `defined` (the variables the fence assigns or
 * loops over), lower- and mixed-case `$node`, `${cluster}` too when the fence never gives them a value: nothing
 * would, so they are placeholders (in a kubectl step no shell expands them at all).
 */
export function commandPlaceholders(text: string, defined?: ReadonlySet<string>): PlaceholderHit[] {
  const quoted = singleQuoted(text);
  const templates = templateRanges(text);
  const hits: PlaceholderHit[] = [];
  const matches = [...text.matchAll(PLACEHOLDER_IN_TEXT)];
  if (defined) {
    for (const m of text.matchAll(LOWER_VARIABLE)) {
      const variable = m[1] ?? m[2]!;
      if (!defined.has(variable) && !SHELL_LOWER.has(variable)) matches.push(m);
    }
  }
  for (const match of matches) {
    const raw = match[0];
    const start = match.index;
    if (raw.startsWith('$') && quoted.some(([s, e]) => start >= s && start < e)) continue;
    if (raw.startsWith('$') && templates.some(([s, e]) => start >= s && start < e)) continue;
    const lower = /^\$\{?([A-Za-z_]\w*)\}?$/.exec(raw)?.[1];
    const name = lower && /[a-z]/.test(lower) ? snakeName(lower) : paramNameFor(raw);
    if (!name) continue;
    // An upper-case variable the fence assigns itself (`for NODE in …`) stays shell too.
    if (defined && lower && defined.has(lower)) continue;
    const inner = /^<(.+)>$/.exec(raw)?.[1];
    const described = inner && /\s/.test(inner) ? inner.charAt(0).toUpperCase() + inner.slice(1) : undefined;
    hits.push({
      raw,
      name,
      start,
      end: start + raw.length,
      description: described ?? `Value of \`${raw}\` in the original runbook`,
      priority: described ? 3 : 1,
    });
  }
  return hits;
}

/** `GrafanaPodName` → `grafana_pod_name`; undefined when not a usable param name. */
function snakeName(variable: string): string | undefined {
  const name = variable.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().replace(/^_+/, '');
  return /^[a-z][a-z0-9_]*$/.test(name) ? name : undefined;
}

/** Replaces hits (non-overlapping, any order) by `{{name}}`. */
export function substitute(text: string, hits: readonly PlaceholderHit[]): string {
  let out = text;
  for (const hit of [...hits].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, hit.start) + `{{${hit.name}}}` + out.slice(hit.end);
  }
  return out;
}

/**
 * Escapes `{{…}}` the original text already had (a kubectl go-template's `{{end}}`) so it stays literal
 * instead of becoming a runbook placeholder.
 */
export function escapeExistingPlaceholders(text: string): string {
  let out = text;
  for (const found of findPlaceholders(text).reverse()) out = `${out.slice(0, found.start)}\\${out.slice(found.start)}`;
  return out;
}

const RESOURCE_ALIASES: Readonly<Record<string, string>> = {
  po: 'pod', pods: 'pod', svc: 'service', services: 'service', sts: 'statefulset', statefulsets: 'statefulset',
  deploy: 'deployment', deployments: 'deployment', ds: 'daemonset', daemonsets: 'daemonset', cm: 'configmap',
  configmaps: 'configmap', ns: 'namespace', namespaces: 'namespace', no: 'node', nodes: 'node',
  pvc: 'PersistentVolumeClaim', persistentvolumeclaims: 'PersistentVolumeClaim', pv: 'PersistentVolume',
  persistentvolumes: 'PersistentVolume', rs: 'replicaset', replicasets: 'replicaset', jobs: 'job', ep: 'endpoints',
  secrets: 'secret', events: 'event', ev: 'event',
};

/** `pods` → `pod`, `svc` → `service`: the resource kind as a reader says it. */
export function resourceKind(word: string): string {
  const type = word.split('/')[0]!.split('.')[0]!.toLowerCase();
  return RESOURCE_ALIASES[type] ?? type;
}

const VALUE_FLAGS = new Set([
  '-n', '--namespace', '-c', '--container', '-l', '--selector', '--field-selector', '--context', '-o', '--output',
  '--template', '--tail', '--since', '--cluster', '--kubeconfig', '-f', '--filename', '--replicas', '--type', '-p', '--patch',
  '--for', '--timeout', '-w', '--sort-by',
]);

/** A slot of a kubectl command line that holds a value a reader fills in. */
interface Slot {
  /** Offsets into the command text of the value part of the word. */
  start: number;
  end: number;
  describe: string;
}

/** Verbs whose positional argument is a pod (no resource type before it). */
const POD_VERBS = new Set(['logs', 'exec', 'attach', 'rsh', 'port-forward', 'cp']);

const ALL_CAPS = /^[A-Z][A-Z0-9_]+$/;

/**
 * All-caps words in obvious argument slots of a kubectl command (the value of `-n`, `-c`, a label value of
 * `-l`, the resource name after the type) become placeholders; `{{name}}` already in such a slot gets the
 * slot's description. Returns new hits (all-caps words) and descriptions for names already substituted.
 */
export function kubectlSlots(text: string): { hits: PlaceholderHit[]; descriptions: Map<string, string> } {
  // Only the first command of a line: what follows a pipe or sits in `$(…)` has slots of its own kind.
  const split = splitCommandLine(text);
  const firstProblem = split.problems[0]?.start ?? Infinity;
  const words = split.words.filter((w) => w.start < firstProblem);
  const argv = words.map((w) => w.value);
  const hits: PlaceholderHit[] = [];
  const descriptions = new Map<string, string>();
  if (argv[0] !== 'kubectl' && argv[0] !== 'oc') return { hits, descriptions };
  // `oc` mirrors kubectl's verbs; the verb table skips only a leading `kubectl`.
  const { verb, index } = kubectlVerb(argv[0] === 'oc' ? ['kubectl', ...argv.slice(1)] : argv);
  if (verb === undefined) return { hits, descriptions };

  const positionals: Word[] = [];
  const flagged: Array<{ flag: string; word: Word; offset: number }> = [];
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (i === index) continue;
    if (word.value.startsWith('-') && !word.quoted) {
      const eq = word.value.indexOf('=');
      if (eq !== -1) flagged.push({ flag: word.value.slice(0, eq), word, offset: eq + 1 });
      else if (VALUE_FLAGS.has(word.value) && words[i + 1]) {
        flagged.push({ flag: word.value, word: words[i + 1]!, offset: 0 });
        i++;
      }
      continue;
    }
    positionals.push(word);
  }
  // `rollout status deployment X`: the sub-command is not the type.
  if ((verb === 'rollout' || verb === 'auth' || verb === 'top') && positionals.length > 0) positionals.shift();
  const typeWord = positionals[0];
  const podVerb = POD_VERBS.has(verb);
  const kind = podVerb ? 'pod' : typeWord && !typeWord.value.includes('{{') ? resourceKind(typeWord.value) : undefined;

  const slots: Slot[] = [];
  const exact = (word: Word): boolean => !word.quoted && text.slice(word.start, word.end) === word.value;
  for (const { flag, word, offset } of flagged) {
    if (!exact(word)) continue;
    const start = word.start + offset;
    const value = text.slice(start, word.end);
    if (flag === '-n' || flag === '--namespace') slots.push({ start, end: word.end, describe: `Namespace of the ${kind ?? 'resources'}` });
    else if (flag === '-c' || flag === '--container') slots.push({ start, end: word.end, describe: `Container in the ${kind ?? 'pod'}` });
    else if (flag === '-l' || flag === '--selector' || flag === '--field-selector') {
      let at = start;
      for (const part of value.split(',')) {
        const eq = part.search(/!?=/);
        if (eq !== -1) {
          const key = part.slice(0, eq);
          const valueStart = at + part.indexOf('=', eq) + 1;
          slots.push({
            start: valueStart,
            end: at + part.length,
            describe: flag === '--field-selector' ? `Value of the \`${key}\` field` : `Value of the \`${key}\` label`,
          });
        }
        at += part.length + 1;
      }
    }
  }
  // The resource name: `get pod NAME`, `get pod/NAME`, `logs NAME`.
  const nameWords = podVerb ? positionals : positionals.slice(typeWord?.value.includes('/') ? 0 : 1);
  for (const word of nameWords) {
    if (!exact(word)) continue;
    const slash = word.value.indexOf('/');
    const start = slash === -1 ? word.start : word.start + slash + 1;
    const what = slash === -1 ? kind : resourceKind(word.value);
    slots.push({ start, end: word.end, describe: `Name of the ${what ?? 'resource'}` });
  }

  for (const slot of slots) {
    const value = text.slice(slot.start, slot.end);
    if (ALL_CAPS.test(value)) {
      hits.push({ raw: value, name: value.toLowerCase(), start: slot.start, end: slot.end, description: slot.describe, priority: 2 });
    }
    for (const found of findPlaceholders(value)) {
      if (found.ref.type === 'param' && !descriptions.has(found.ref.name)) descriptions.set(found.ref.name, slot.describe);
    }
  }
  return { hits, descriptions };
}
