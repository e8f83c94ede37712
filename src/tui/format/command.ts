/** What will run, written the way an operator would type it, and where it will run. */
import type { StepCommand, Targets } from '../../timeline/events.js';
import { appendAll } from '../../format/extent.js';

const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./^-]+$/;

/** One argv word in POSIX shell quoting, quoted only when it needs to be (`'a b'`, `'it'\''s'`). */
export function quoteArg(arg: string): string {
  if (PLAIN_WORD.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** argv as one command line a person could paste. */
export function argvText(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ');
}

/**
 * A resolved command as display lines: a PromQL query as written (with its range or instant), an
 * `sh -c` script line by line (quoting a multi-line script would hide it), any other argv as `$ …`.
 */
export function commandLines(command: StepCommand): string[] {
  const lines: string[] = [];
  if (command.query !== undefined) {
    appendAll(lines, command.query.replace(/\s+$/, '').split('\n'));
    if (command.range) lines.push(`# range ${command.range.start} → ${command.range.end}, step ${command.range.step}`);
    else if (command.time) lines.push(`# at ${command.time}`);
  }
  const argv = command.argv;
  if (argv && argv.length > 0) {
    if (argv[0] === 'sh' && argv[1] === '-c' && argv[2] !== undefined) {
      lines.push(`$ sh -c${argv.length > 3 ? ` … ${argvText(argv.slice(3))}` : ''}`);
      appendAll(lines, argv[2].replace(/\s+$/, '').split('\n').map((l) => `    ${l}`));
    } else {
      lines.push(`$ ${argvText(argv)}`);
    }
  }
  return lines;
}

/** Where a kubectl command acts: its own `--context` / `-n` flags win over the run's targets. */
export interface KubeWhere {
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
}

/** Reads `--context`, `-n` / `--namespace` and `-A` / `--all-namespaces` from argv, falling back to `targets`. */
export function kubeWhere(argv: readonly string[], targets: Targets): KubeWhere {
  const where: KubeWhere = {};
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    const next = argv[i + 1];
    if (word === '--context' && next !== undefined) where.context = next;
    else if (word.startsWith('--context=')) where.context = word.slice('--context='.length);
    else if ((word === '-n' || word === '--namespace') && next !== undefined) where.namespace = next;
    else if (word.startsWith('--namespace=')) where.namespace = word.slice('--namespace='.length);
    else if (word.startsWith('-n') && word.length > 2 && !word.startsWith('--')) where.namespace = word.slice(2).replace(/^=/, '');
    else if (word === '-A' || word === '--all-namespaces') where.allNamespaces = true;
  }
  where.context ??= targets.context;
  where.namespace ??= targets.namespace;
  return where;
}
