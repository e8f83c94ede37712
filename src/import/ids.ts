/**
 * Readable step ids derived from what a step does (`get-pods`, `etcdctl-endpoint-status`,
 * `alertmanager-notifications-total`), unique within one runbook.
 */
import { splitCommandLine } from '../steps/command-line.js';
import { kubectlVerb } from '../steps/kubectl-verbs.js';

const MAX_LENGTH = 48;

/** Lower-case kebab words only; placeholders (`{{pod}}`) and punctuation dropped. */
function slug(text: string): string {
  return text
    .replace(/\\?\{\{[^}]*\}\}/g, ' ')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function cap(id: string): string {
  if (id.length <= MAX_LENGTH) return id;
  const cut = id.slice(0, MAX_LENGTH);
  const dash = cut.lastIndexOf('-');
  return dash > 10 ? cut.slice(0, dash) : cut;
}

/** Base id for a command line: kubectl/oc verb and its first arguments, else the program and sub-commands. */
export function commandIdBase(command: string): string {
  const { words, problems } = splitCommandLine(command);
  const firstProblem = problems[0]?.start ?? Infinity;
  const argv = words.filter((w) => w.start < firstProblem).map((w) => w.value);
  const program = (argv[0] ?? '').split('/').pop() ?? '';
  if (program === 'kubectl' || program === 'oc') {
    const forVerb = ['kubectl', ...argv.slice(1)];
    const { verb, index } = kubectlVerb(forVerb);
    if (verb !== undefined) {
      const parts = [verb];
      for (let i = index + 1; i < forVerb.length && parts.length < 3; i++) {
        const word = forVerb[i]!;
        if (word.startsWith('-')) {
          // Skip a flag's separate value (`-n ns`, `-c container`, `-l app=x`).
          if (!word.includes('=') && /^-(?:n|c|l|o|f)$|^--(?:namespace|container|selector|field-selector|output|context)$/.test(word)) i++;
          continue;
        }
        parts.push(word);
      }
      const id = cap(slug(parts.join(' ')));
      return program === 'oc' ? `oc-${id}` : id;
    }
  }
  const parts = [program];
  for (const word of argv.slice(1)) {
    if (parts.length >= 3 || !/^[a-z][a-z0-9-]*$/.test(word)) break;
    parts.push(word);
  }
  return cap(slug(parts.join(' '))) || 'command';
}

/** Base id for a PromQL query: its first metric name. */
export function promqlIdBase(metrics: readonly string[]): string {
  return cap(slug(metrics[0] ?? 'query')) || 'query';
}

/** Hands out ids, suffixing `-2`, `-3`, … when a base is taken. Ids already in the file are reserved. */
export class IdAllocator {
  private readonly used = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const id of reserved) this.used.add(id);
  }

  /** A fresh id from `base` (which must start with a letter; `step-` is prefixed otherwise). */
  next(base: string): string {
    const clean = /^[a-z]/.test(base) ? base : `step-${base}`;
    let id = clean;
    for (let n = 2; this.used.has(id); n++) id = `${clean}-${n}`;
    this.used.add(id);
    return id;
  }
}
