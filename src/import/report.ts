/**
 * What an import did, per file and in total: the data behind `--report json` and the human summary.
 */

/** Kinds of step the importer creates itself (a registered kind whose `importFrom` lists a fence language adds its own). */
export type ImportedKind = 'promql' | 'kubectl' | 'sh' | 'mitigate';

/** A kind of an imported step: one of IMPORTED_KINDS, or a registered kind's name. */
export type ImportedStepKind = ImportedKind | (string & {});

/** Every imported kind, in report order. */
export const IMPORTED_KINDS: readonly ImportedKind[] = ['promql', 'kubectl', 'sh', 'mitigate'];

/** Why a fence (or part of one) was left as prose. */
export type ProseReason =
  /** Command output or comments inside a console fence, kept as a ```` ```text ```` fence after the step. */
  | 'output'
  /** Commands that run inside an interactive session opened earlier in the fence (`oc debug`, `chroot`). */
  | 'interactive-session'
  /** A `text`/`console`/unlabelled fence that does not parse as PromQL with a metric selector, and has no command. */
  | 'not-promql'
  /** A shell fence with no command in it (only comments, `exit`, output). */
  | 'no-command'
  /** A fence with no closing line: it runs to the end of the file, so its extent is a guess. */
  | 'unclosed'
  /** A fence inside a block quote (or a container other than lists): left alone, its `>` markers would need repeating. */
  | 'nested'
  /** A language the importer does not convert (`yaml`, `json`, …). */
  | 'language'
  /** A ```` ```promql ```` fence that does not parse; left for the author (lint reports it). */
  | 'promql-syntax'
  /** A kubectl command that needs a terminal or never ends (`edit`, `exec -it`, `logs -f`): it cannot be a step. */
  | 'interactive-command';

/** Every reason, in report order. */
export const PROSE_REASONS: readonly ProseReason[] = [
  'output', 'interactive-session', 'not-promql', 'no-command', 'unclosed', 'nested', 'language', 'promql-syntax', 'interactive-command',
];

/** A half-open offset range. */
export interface Range {
  start: number;
  end: number;
}

/** One step the importer created. */
export interface ImportedStep {
  id: string;
  kind: ImportedStepKind;
  /** For `mitigate`: the runner of its action fence. */
  action?: 'kubectl' | 'sh';
  /** A kubectl-compatible CLI other than kubectl (`oc`), written as the fence's `bin` attribute. */
  bin?: string;
  /** For a `mitigate` made so by where it stands (a command that may not write, under this heading). */
  section?: string;
  /** 1-based line in the input of the command or query. */
  line: number;
  /** For `mitigate`: input line of the "monitor recovery" query that became its verifying `check`. */
  verify?: number;
}

/** A fence, or part of one, left as prose. */
export interface ProseFence {
  line: number;
  lang: string;
  reason: ProseReason;
}

/** Inline code in prose that looks like a command: listed, not converted. */
export interface Candidate {
  line: number;
  column: number;
  text: string;
  /** What it would become as a step. */
  kind: ImportedKind;
}

/** A param the import declared (or found already declared and used). */
export interface ImportedParam {
  name: string;
  description: string;
  default?: string;
  /** The placeholders as written, e.g. `$NAMESPACE`, `<my-namespace>`. */
  written: string[];
  /** False when the front matter already declared it. */
  added: boolean;
}

/** A region of the input replaced by a region of the output. */
export interface Conversion {
  line: number;
  lang: string;
  input: Range;
  output: Range;
  steps: string[];
}

/** Everything about one file. */
export interface FileReport {
  path?: string;
  /** Where the runbook was written, when it was. */
  output?: string;
  changed: boolean;
  title: string;
  titleSource: 'front-matter' | 'heading' | 'file-name';
  frontMatter: { action: 'added' | 'merged' | 'unchanged'; input: Range; output: Range };
  steps: ImportedStep[];
  params: ImportedParam[];
  prose: ProseFence[];
  candidates: Candidate[];
  conversions: Conversion[];
  /** Fences and directives already typed (a previous import or hand-written), left alone. */
  alreadyTyped: number;
  /** Reasons the file could not be (fully) imported; a non-empty list fails the command. */
  problems: string[];
}

/** Sums over all files. */
export interface ImportTotals {
  files: number;
  changed: number;
  /** Steps per kind: every one of IMPORTED_KINDS, then any other kind imported. */
  steps: Record<ImportedKind, number> & Record<string, number>;
  params: number;
  prose: Record<ProseReason, number>;
  candidates: number;
  alreadyTyped: number;
  problems: number;
}

/** The whole report. */
export interface ImportReport {
  files: FileReport[];
  totals: ImportTotals;
}

/** Totals of a set of file reports. */
export function totalsOf(files: readonly FileReport[]): ImportTotals {
  const steps = Object.fromEntries(IMPORTED_KINDS.map((k) => [k, 0])) as ImportTotals['steps'];
  const prose = Object.fromEntries(PROSE_REASONS.map((r) => [r, 0])) as Record<ProseReason, number>;
  let params = 0;
  let candidates = 0;
  let alreadyTyped = 0;
  let problems = 0;
  for (const file of files) {
    for (const step of file.steps) steps[step.kind] = (steps[step.kind] ?? 0) + 1;
    for (const fence of file.prose) prose[fence.reason]++;
    params += file.params.filter((p) => p.added).length;
    candidates += file.candidates.length;
    alreadyTyped += file.alreadyTyped;
    problems += file.problems.length;
  }
  return { files: files.length, changed: files.filter((f) => f.changed).length, steps, params, prose, candidates, alreadyTyped, problems };
}

/** A few lines for stderr when no `--report` was asked for. */
export function summarise(report: ImportReport): string {
  const lines: string[] = [];
  for (const file of report.files) {
    const counts = kindsOf(file.steps.map((s) => s.kind)).map((k) => [k, file.steps.filter((s) => s.kind === k).length] as const)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} ${k}`);
    const where = file.output && file.output !== file.path ? ` → ${file.output}` : '';
    const parts = [
      counts.length > 0 ? counts.join(', ') : 'no steps',
      file.params.some((p) => p.added) ? `params ${file.params.filter((p) => p.added).map((p) => p.name).join(', ')}` : '',
      file.prose.length > 0 ? `${file.prose.length} left as prose` : '',
      file.candidates.length > 0 ? `${file.candidates.length} inline candidate${file.candidates.length === 1 ? '' : 's'}` : '',
      file.changed ? '' : 'unchanged',
    ].filter(Boolean);
    lines.push(`${file.path ?? '<input>'}${where}: ${parts.join('; ')}`);
    for (const problem of file.problems) lines.push(`  error: ${problem}`);
  }
  const t = report.totals;
  const kinds = kindsOf(Object.keys(t.steps));
  const stepTotal = kinds.reduce((n, k) => n + t.steps[k]!, 0);
  lines.push(
    `${t.files} file${t.files === 1 ? '' : 's'}, ${t.changed} changed: ${stepTotal} steps ` +
      `(${kinds.filter((k) => t.steps[k] !== undefined).map((k) => `${t.steps[k]} ${k}`).join(', ')}), ${t.params} params, ` +
      `${PROSE_REASONS.reduce((n, r) => n + t.prose[r], 0)} fences left as prose, ${t.candidates} inline candidates` +
      (t.problems > 0 ? `, ${t.problems} problems` : ''),
  );
  return lines.join('\n') + '\n';
}

/** IMPORTED_KINDS, then the other kinds among `kinds` in first-seen order. */
function kindsOf(kinds: readonly string[]): string[] {
  const builtIn: readonly string[] = IMPORTED_KINDS;
  return [...IMPORTED_KINDS, ...new Set(kinds.filter((k) => !builtIn.includes(k)))];
}
