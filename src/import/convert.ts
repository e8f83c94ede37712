/**
 * `importRunbook`: turns a prose runbook into a format-v1 runbook by splicing the original source at mdast
 * position offsets. Only converted fences and the front matter change; every other byte is kept.
 */
import path from 'node:path';
import type { Code, Heading, InlineCode, Nodes, Parent, Root } from 'mdast';
import remarkDirective from 'remark-directive';
import remarkFrontmatter from 'remark-frontmatter';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { parser } from '@prometheus-io/lezer-promql';
import { splitCommandLine } from '../steps/command-line.js';
import { stepDefinition, stepDefinitions } from '../steps/index.js';
import { IMPORT_SHELL_LANGS } from '../steps/sh.js';
import { interactiveKubectl, isReadOnlyKubectl, kubectlVerb } from '../steps/kubectl-verbs.js';
import { KUBECTL_FAMILY } from '../steps/oc-verbs.js';
import { KNOWN_TOOLS, splitConsole } from './console.js';
import type { ParamDeclaration } from './frontmatter.js';
import { mergeFrontMatter, newFrontMatter, readFrontMatter } from './frontmatter.js';
import { commandIdBase, IdAllocator, promqlIdBase } from './ids.js';
import { mitigationSections, shellLineReads } from './sections.js';
import type { PlaceholderHit } from './placeholders.js';
import { commandPlaceholders, definedVariables, escapeExistingPlaceholders, kubectlSlots, substitute } from './placeholders.js';
import type { TemplateHit } from './promql.js';
import { looksLikePromql, promqlPlaceholders, promqlShape, promqlTemplateHits, withStandIns } from './promql.js';
import type { Candidate, Conversion, FileReport, ImportedKind, ImportedParam, ImportedStep, ProseFence, ProseReason } from './report.js';
import { appendAll } from '../format/extent.js';

/** Options of one import. */
export interface ImportOptions {
  /** The file's path, for the report and the title fallback. */
  path?: string;
}

/** The converted runbook and what was done. */
export interface ImportResult {
  output: string;
  report: FileReport;
}

// Own processor (not the parser's): TOML front matter must be recognised to be refused.
const processor = unified().use(remarkParse).use(remarkFrontmatter, ['yaml', 'toml']).use(remarkDirective).freeze();

const SHELL_LANGS: ReadonlySet<string> = new Set(IMPORT_SHELL_LANGS);

/**
 * A fence already in format v1, left as it is: any step kind's language with an attribute block, or a kind's
 * own language that no kind imports from (```` ```check ````, ```` ```mitigate ````, ```` ```trace ````).
 */
function alreadyTyped(lang: string, meta: string): boolean {
  if (!stepDefinition(lang)) return false;
  return meta.startsWith('{') || !stepDefinitions().some((d) => d.importFrom?.includes(lang));
}
/**
 * The kind a fence of `lang` becomes, its body kept as written, when a registered kind lists `lang` in
 * `importFrom` and the importer has no conversion of its own for it (PromQL and shell fences are converted above).
 */
function importedAs(lang: string): string | undefined {
  if (lang === '' || SHELL_LANGS.has(lang)) return undefined;
  return stepDefinitions().find((d) => d.importFrom?.includes(lang))?.kind;
}
const TEXT_LANGS = new Set(['', 'text', 'txt', 'plain', 'plaintext', 'console']);

/** A block of a converted fence's replacement. */
type Block =
  | { type: 'text'; raw: string[]; line: number; reason: ProseReason }
  | { type: 'step'; text: string; rendered: string; step: ImportedStep; meta: string }
  | { type: 'assignment'; raw: string[]; line: number; param: string };

interface Splice {
  /** The fence this splice replaces (absent for inserted text). */
  node?: Code;
  /** A fence that became exactly one mitigate: its id and action fence, for wrapping with a verifying check. */
  mitigate?: { step: ImportedStep; runner: 'kubectl' | 'sh'; text: string; meta: string };
  /** A fence that became a promql step, with its converted body. */
  promql?: { step: ImportedStep; body: string };
  /** Container indentation to repeat on every line after the first (fences in list items). */
  indent?: string;
  start: number;
  end: number;
  text: string;
  line: number;
  lang: string;
  steps: string[];
  frontMatter?: boolean;
  /** Text inserted around a range (a `:::mitigate` opening or closing), replacing nothing. */
  inserted?: boolean;
}

/** Collected params, keeping the best description seen. */
class ParamRegistry {
  private readonly params = new Map<string, { description: string; priority: number; default?: string; written: Set<string> }>();

  note(name: string, written: string, description: string | undefined, priority: number, value?: string): void {
    const entry = this.params.get(name) ?? { description: '', priority: 0, written: new Set<string>() };
    if (written) entry.written.add(written);
    if (description && priority > entry.priority) {
      entry.description = description;
      entry.priority = priority;
    }
    if (value !== undefined && entry.default === undefined) entry.default = value;
    this.params.set(name, entry);
  }

  has(name: string): boolean {
    return this.params.has(name);
  }

  list(declared: ReadonlySet<string>): ImportedParam[] {
    return [...this.params].map(([name, p]) => ({
      name,
      description: p.description || `Value of \`${name}\``,
      ...(p.default !== undefined ? { default: p.default } : {}),
      written: [...p.written],
      added: !declared.has(name),
    }));
  }
}

/** Longest run of backticks in `text`, so a fence around it can be longer. */
function fenceMarker(body: string): string {
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/** A fenced block. */
function renderFence(lang: string, meta: string, body: string): string {
  const marker = fenceMarker(body);
  return `${marker}${lang}${meta ? ` ${meta}` : ''}\n${body}\n${marker}`;
}

function headingText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(headingText).join('');
  return '';
}

/**
 * Puts a replacement back inside its list item: every line after the first gets the container's indentation
 * (blank lines stay empty, as CommonMark allows inside an item).
 */
function reindent(text: string, indent: string): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 || line === '' ? line : indent + line))
    .join('\n');
}

/**
 * The indentation that keeps a fence starting at `offset` inside its list item: the line's text before the fence,
 * with list markers turned into spaces (tabs kept, so columns stay the same).
 */
function containerIndent(source: string, offset: number): string {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  return source.slice(lineStart, offset).replace(/[^\t]/g, ' ');
}

/** Title from the file name: `_index.md` is named after its folder. */
function titleFromPath(file: string | undefined): string {
  if (!file) return 'Untitled runbook';
  const base = path.basename(file).replace(/\.(md|markdown)$/i, '');
  return base === '_index' || base === 'index' ? path.basename(path.dirname(path.resolve(file))) : base;
}

// `NODE_NAME=<instance label from alert>` is not valid shell, but it is what runbooks write.
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=('[^']*'|"[^"$`]*"|<[^<>]*>|[^\s'"$`;|&<>]*)$/;
const SESSION_PROGRAMS = new Set(['chroot', 'ssh']);

/** A command that opens an interactive shell somewhere else: what follows it in the fence runs there. */
function opensSession(argv: readonly string[]): boolean {
  const program = argv[0] ?? '';
  if (SESSION_PROGRAMS.has(program)) return argv.length <= 3;
  if (!KUBECTL_FAMILY.has(program)) return false;
  const { verb } = kubectlVerb(argv);
  return SESSION_VERBS.has(verb ?? '') && !argv.includes('--');
}

/** kubectl/oc verbs that can open a shell in a container or node. */
const SESSION_VERBS = new Set(['attach', 'debug', 'exec', 'rsh', 'run']);

// Prose between a mitigation and a query that says the query shows the mitigation worked.
const RECOVERY_WORDS = /\b(?:monitor|verify|verifies|confirm|recover|recovery|recovered|watch|ensure|check that|should (?:drop|go|return|fall|be back))/i;

/**
 * A mitigation followed by a "monitor recovery" query ending in a comparison (`… < 0.01`) becomes one
 * `:::mitigate` holding the action and a verifying `check {expect="< 0.01"}`. The container wraps the nodes from
 * the action to the query when they are siblings (same list item or top level), or the whole list when they are
 * its first and last items; anything else in between (another fence, a heading) leaves both as they are.
 */
function verifyMitigations(source: string, tree: Root, parents: Map<Nodes, Parent>, splices: Splice[]): void {
  const fences: Code[] = [];
  visit(tree, 'code', (node: Code) => {
    fences.push(node);
  });
  const byNode = new Map(splices.filter((s) => s.node).map((s) => [s.node!, s]));
  const chain = (node: Nodes): Nodes[] => {
    const out: Nodes[] = [node];
    for (let p = parents.get(node); p; p = parents.get(p as Nodes)) out.push(p as Nodes);
    return out;
  };
  const inserts: Splice[] = [];
  for (let i = 0; i + 1 < fences.length; i++) {
    const action = byNode.get(fences[i]!);
    const query = byNode.get(fences[i + 1]!);
    if (!action?.mitigate || !query?.promql) continue;
    const comparison = trailingComparison(query.promql.body);
    if (!comparison) continue;
    if (!RECOVERY_WORDS.test(source.slice(action.end, query.start))) continue;
    const a = chain(action.node!);
    const b = chain(query.node!);
    const common = a.find((n) => b.includes(n));
    if (!common) continue;
    let first = a[a.indexOf(common) - 1]!;
    let last = b[b.indexOf(common) - 1]!;
    let container: Nodes = common;
    if (common.type === 'list') {
      if (common.children[0] !== first || common.children.at(-1) !== last) continue;
      first = common;
      last = common;
      container = parents.get(common) as Nodes;
    }
    if (container.type !== 'root' && container.type !== 'listItem') continue;
    const children = container.children as Nodes[];
    const from = children.indexOf(first as never);
    const to = children.indexOf(last as never);
    const range = children.slice(from, to + 1);
    const start = first.position!.start.offset!;
    const end = last.position!.end.offset!;
    if (range.some((n) => n.type === 'heading' || n.type === 'html' || n.type === 'containerDirective' || n.type === 'thematicBreak')) continue;
    if (fences.some((f) => f !== action.node && f !== query.node && f.position!.start.offset! >= start && f.position!.end.offset! <= end)) continue;

    const { step } = action.mitigate;
    const open = `:::mitigate{#${step.id}}`;
    const actionFence = renderFence(action.mitigate.runner, action.mitigate.meta, action.mitigate.text);
    const check = `${renderFence('check', `{expect="${comparison.expect}"}`, comparison.query)}`;
    if (first === action.node) action.text = `${open}\n${actionFence}`;
    else {
      action.text = actionFence;
      const indent = containerIndent(source, start);
      inserts.push({ start, end: start, text: `${open}\n\n${indent}`, line: first.position!.start.line, lang: '', steps: [], inserted: true });
    }
    if (last === query.node) query.text = `${check}\n:::`;
    else {
      query.text = check;
      const indent = containerIndent(source, start);
      inserts.push({ start: end, end, text: `\n\n${indent}:::`, line: last.position!.end.line, lang: '', steps: [], inserted: true });
    }
    step.verify = query.promql.step.line;
    query.steps = [];
    query.promql.step.line = -1;
    i++;
  }
  splices.push(...inserts);
}

/** `expr < 0.01` → the query and the check's `expect`; undefined when the query does not end in a comparison with a number. */
function trailingComparison(body: string): { query: string; expect: string } | undefined {
  const tree = parser.parse(body);
  const top = tree.topNode.firstChild;
  if (!top || top.name !== 'BinaryExpr') return undefined;
  const kids: Array<{ name: string; from: number; to: number }> = [];
  for (let c = top.firstChild; c; c = c.nextSibling) kids.push({ name: c.name, from: c.from, to: c.to });
  const ops: Record<string, string> = { Lss: '<', Gtr: '>', Lte: '<=', Gte: '>=', Eql: '==', Neql: '!=' };
  if (kids.length !== 3 || !ops[kids[1]!.name] || kids[2]!.name !== 'NumberDurationLiteral') return undefined;
  const number = body.slice(kids[2]!.from, kids[2]!.to);
  if (!/^[0-9.eE+-]+$/.test(number)) return undefined;
  return { query: body.slice(kids[0]!.from, kids[0]!.to), expect: `${ops[kids[1]!.name]} ${number}` };
}

/** Converts one runbook source. Pure: no I/O. */
export function importRunbook(source: string, options: ImportOptions = {}): ImportResult {
  const tree = processor.parse(source) as Root;
  const report: FileReport = {
    ...(options.path !== undefined ? { path: options.path } : {}),
    changed: false,
    title: '',
    titleSource: 'file-name',
    frontMatter: { action: 'unchanged', input: { start: 0, end: 0 }, output: { start: 0, end: 0 } },
    steps: [],
    params: [],
    prose: [],
    candidates: [],
    conversions: [],
    alreadyTyped: 0,
    problems: [],
  };

  const first = tree.children[0];
  // remark-frontmatter's `toml` node is not in mdast's content map.
  if ((first?.type as string | undefined) === 'toml') {
    report.problems.push('TOML front matter (`+++`) is not supported; convert it to YAML (`---`) first');
    return { output: source, report };
  }
  const frontNode = first?.type === 'yaml' ? first : undefined;
  const existing = readFrontMatter(frontNode?.value);
  if (existing.problem) {
    report.problems.push(existing.problem);
    return { output: source, report };
  }

  // Ids already in the file (typed fences, directives) are reserved so new ones never collide.
  const reserved: string[] = [];
  visit(tree, (node) => {
    if (node.type === 'code' && node.meta) for (const m of node.meta.matchAll(/#([A-Za-z][\w-]*)/g)) reserved.push(m[1]!);
    if ((node.type === 'containerDirective' || node.type === 'leafDirective') && node.attributes?.id) reserved.push(node.attributes.id);
  });
  const ids = new IdAllocator(reserved);
  const params = new ParamRegistry();
  const splices: Splice[] = [];

  const prose = (line: number, lang: string, reason: ProseReason): void => {
    report.prose.push({ line, lang, reason });
  };

  const noteHits = (hits: readonly TemplateHit[]): void => {
    for (const hit of hits) params.note(hit.name, hit.raw, hit.description, hit.priority, hit.default);
  };

  const convertPromql = (node: Code, lang: string): void => {
    const escaped = escapeExistingPlaceholders(node.value);
    // Label-matcher strings, and outside them `[$__rate_interval]`, `<target>`, `$WINDOW` (never sent as written).
    const outside = promqlTemplateHits(escaped);
    const hits = [...promqlPlaceholders(escaped), ...outside];
    noteHits(hits);
    const body = substitute(escaped, hits);
    const id = ids.next(promqlIdBase(promqlShape(withStandIns(node.value, promqlTemplateHits(node.value))).metrics));
    const step: ImportedStep = { id, kind: 'promql', line: node.position!.start.line + 1 };
    report.steps.push(step);
    splices.push({
      start: node.position!.start.offset!,
      end: node.position!.end.offset!,
      text: renderFence('promql', `{#${id}}`, body),
      node,
      promql: { step, body },
      ...(currentIndent ? { indent: currentIndent } : {}),
      line: node.position!.start.line,
      lang,
      steps: [id],
    });
  };

  /** A fence that becomes one step of `kind` with its body as written (a registered kind's `importFrom`). */
  const convertAs = (node: Code, lang: string, kind: string): void => {
    const id = ids.next(kind);
    const step: ImportedStep = { id, kind, line: node.position!.start.line + 1 };
    report.steps.push(step);
    splices.push({
      start: node.position!.start.offset!,
      end: node.position!.end.offset!,
      text: renderFence(kind, `{#${id}}`, node.value),
      node,
      ...(currentIndent ? { indent: currentIndent } : {}),
      line: node.position!.start.line,
      lang,
      steps: [id],
    });
  };

  /** Converts a shell fence; returns false when it holds no command worth a step (left as is). */
  /** True when the fence became steps; otherwise why it stays prose, when more specific than the default. */
  const convertShell = (node: Code, lang: string): true | ProseReason | undefined => {
    const fenceLine = node.position!.start.line + 1;
    const blocks: Block[] = [];
    const assigned = new Map<string, { value: string; raw: string }>();
    const used = new Set<string>();
    let session: string | undefined;
    const pending: Array<{ hits: PlaceholderHit[]; descriptions: Map<string, string> }> = [];

    const pieces = splitConsole(node.value);
    const section = sections.get(node);
    const fenceStart = node.position!.start.offset!;
    const lineStart = source.lastIndexOf('\n', fenceStart - 1) + 1;
    const previousLine = lineStart === 0 ? '' : source.slice(source.lastIndexOf('\n', lineStart - 2) + 1, lineStart - 1);
    // Only the first block can follow the paragraph; later ones follow a fence of this replacement.
    let afterParagraph = source.slice(lineStart, fenceStart).trim() === '' && previousLine.trim() !== '' && !/^\s*(?:[`~]{3,}|:::)/.test(previousLine);
    // A closing `:::` with text on the next line (or at the very end) would join that paragraph on GitHub.
    const fenceEnd = node.position!.end.offset!;
    const nextLineStart = source.indexOf('\n', fenceEnd);
    const nextLine = nextLineStart === -1 ? undefined : source.slice(nextLineStart + 1, (source.indexOf('\n', nextLineStart + 1) + 1 || source.length + 1) - 1);
    const beforeText = nextLine === undefined || (nextLine.trim() !== '' && !/^\s*(?:[`~]{3,}|:::|#)/.test(nextLine));
    // Loop variables, `read` targets and inline assignments are the script's own; whole-line `X=…` become params.
    const shellDefined = definedVariables(
      pieces.flatMap((p) => (p.type === 'command' && !ASSIGNMENT.test(p.text) ? [p.text] : [])).join('\n'),
    );
    for (const piece of pieces) {
      const line = fenceLine + piece.line;
      if (piece.type === 'other') {
        blocks.push({ type: 'text', raw: piece.raw, line, reason: 'output' });
        continue;
      }
      if (session !== undefined) {
        blocks.push({ type: 'text', raw: piece.raw, line, reason: 'interactive-session' });
        continue;
      }
      const assignment = ASSIGNMENT.exec(piece.text);
      if (assignment) {
        const name = assignment[1]!.toLowerCase();
        const value = assignment[2]!.replace(/^(['"])(.*)\1$/, '$2');
        assigned.set(name, { value, raw: assignment[1]! });
        blocks.push({ type: 'assignment', raw: piece.raw, line, param: name });
        continue;
      }
      if (/^(?:exit|logout)\s*$/.test(piece.text)) {
        blocks.push({ type: 'text', raw: piece.raw, line, reason: 'no-command' });
        continue;
      }

      const escaped = escapeExistingPlaceholders(piece.text);
      // A kubectl step has no shell: a variable another command of the fence set would reach kubectl as `$X`.
      const probe = splitCommandLine(escaped);
      const noShell = KUBECTL_FAMILY.has(probe.words[0]?.value ?? '') && probe.problems.length === 0;
      const hits = commandPlaceholders(escaped, noShell ? new Set() : shellDefined);
      const substituted = substitute(escaped, hits);
      const slots = kubectlSlots(substituted);
      const text = substitute(substituted, slots.hits);
      pending.push({ hits: [...hits, ...slots.hits], descriptions: slots.descriptions });
      for (const hit of [...hits, ...slots.hits]) used.add(hit.name);

      const { words, problems } = splitCommandLine(text);
      const firstProblem = problems[0]?.start ?? Infinity;
      const argv = words.filter((w) => w.start < firstProblem).map((w) => w.value);
      const program = argv[0] ?? '';
      const kubeLike = KUBECTL_FAMILY.has(program);
      // `kubectl edit`, `exec -it`, `logs -f`, `oc rsh`…: a step has no terminal and must end, so `runbook run` would refuse it.
      if (kubeLike && interactiveKubectl(argv)) {
        blocks.push({ type: 'text', raw: piece.raw, line, reason: 'interactive-command' });
        // `exec -it … -- bash`, `oc debug node/x`: the lines after it are typed into that shell.
        if (SESSION_VERBS.has(kubectlVerb(argv).verb ?? '')) session = program;
        continue;
      }
      // Classified with the program in front: `oc` has commands of its own (src/steps/oc-verbs.ts).
      const readOnly = kubeLike && isReadOnlyKubectl(argv);
      const pureKubectl = kubeLike && problems.length === 0;
      const runner: 'kubectl' | 'sh' = pureKubectl ? 'kubectl' : 'sh';
      // A kubectl that may write is a change: it goes behind a mitigation's gate. Under a Mitigation heading any
      // command is the change the author means, unless it plainly only reads.
      const bySection =
        section !== undefined &&
        !(pureKubectl ? readOnly : shellLineReads(text, (segment) => splitCommandLine(segment).words.map((w) => w.value), isReadOnlyKubectl));
      const mitigation = (kubeLike && !readOnly) || bySection;
      const kind: ImportedKind = mitigation ? 'mitigate' : runner;
      const bin = runner === 'kubectl' && program !== 'kubectl' ? program : undefined;
      const id = ids.next(commandIdBase(text));
      const step: ImportedStep = {
        id,
        kind,
        line,
        ...(mitigation ? { action: runner } : {}),
        ...(bin ? { bin } : {}),
        ...(mitigation && !(kubeLike && !readOnly) ? { section } : {}),
      };
      const binMeta = bin ? `bin=${bin}` : '';
      // Right after a paragraph line a `:::` line would continue the paragraph (CommonMark's lazy continuation),
      // while a fence interrupts it: there the mitigation takes its short form, one ```mitigate fence.
      const rendered = !mitigation
        ? renderFence(runner, `{#${id}${binMeta ? ` ${binMeta}` : ''}}`, text)
        : (afterParagraph || beforeText) && !bin
          ? renderFence('mitigate', `{#${id}${runner === 'sh' ? ' run=sh' : ' run=kubectl'}}`, text)
          : `${afterParagraph ? '\n' : ''}:::mitigate{#${id}}\n${renderFence(runner, binMeta ? `{${binMeta}}` : '', text)}\n:::${beforeText ? '\n' : ''}`;
      blocks.push({ type: 'step', text, rendered, step, meta: binMeta ? `{${binMeta}}` : '' });
      afterParagraph = false;
      if (opensSession(words.map((w) => w.value))) session = program;
    }

    if (!blocks.some((b) => b.type === 'step')) {
      return blocks.some((b) => b.type === 'text' && b.reason === 'interactive-command') ? 'interactive-command' : undefined;
    }

    // Commit: params from placeholders, assignments that a step used (others go back to the text).
    for (const { hits, descriptions } of pending) {
      for (const hit of hits) {
        const assignment = assigned.get(hit.name);
        const described = assignment && /^<(.+)>$/.exec(assignment.value)?.[1];
        if (assignment && !described) params.note(hit.name, hit.raw, undefined, 0, assignment.value);
        if (described) params.note(hit.name, hit.raw, described.charAt(0).toUpperCase() + described.slice(1), 3);
        params.note(hit.name, hit.raw, hit.description, hit.priority);
      }
      for (const [name, description] of descriptions) if (params.has(name)) params.note(name, '', description, 2);
    }
    const out: string[] = [];
    let text: { raw: string[]; line: number; reason: ProseReason } | undefined;
    const flush = (): void => {
      if (!text) return;
      const lines = [...text.raw];
      while (lines.length > 0 && lines[0]!.trim() === '') lines.shift();
      while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop();
      if (lines.length > 0) {
        out.push(renderFence('text', '', lines.join('\n')));
        prose(text.line, lang, text.reason);
      }
      text = undefined;
    };
    for (const block of blocks) {
      if (block.type === 'assignment' && used.has(block.param)) continue;
      if (block.type === 'step') {
        flush();
        out.push(block.rendered);
        report.steps.push(block.step);
        continue;
      }
      const reason = block.type === 'text' ? block.reason : 'output';
      if (text) {
        appendAll(text.raw, block.raw);
        if (text.reason === 'output' && reason !== 'output') text.reason = reason;
      } else text = { raw: [...block.raw], line: block.line, reason };
    }
    flush();
    const only = blocks.length === 1 && blocks[0]!.type === 'step' ? blocks[0] : undefined;
    splices.push({
      node,
      // Only a mitigation has an action runner.
      ...(only?.step.action ? { mitigate: { step: only.step, runner: only.step.action, text: only.text, meta: only.meta } } : {}),
      start: node.position!.start.offset!,
      end: node.position!.end.offset!,
      // In a list item a blank line between the new blocks would make a tight list loose (renders differently).
      text: out.join(currentIndent ? '\n' : '\n\n'),
      ...(currentIndent ? { indent: currentIndent } : {}),
      line: node.position!.start.line,
      lang,
      steps: blocks.flatMap((b) => (b.type === 'step' ? [b.step.id] : [])),
    });
    return true;
  };

  const sections = mitigationSections(tree);
  const parents = new Map<Nodes, Parent>();
  visit(tree, (node, _index, parent) => {
    if (parent) parents.set(node as Nodes, parent);
  });
  const inListsOnly = (parent: Parent | undefined): boolean => {
    for (let p: Parent | undefined = parent; p; p = parents.get(p as Nodes)) {
      if (p.type !== 'root' && p.type !== 'list' && p.type !== 'listItem') return false;
    }
    return true;
  };
  /** The indentation of the fence being converted, set per fence: splices record it. */
  let currentIndent = '';

  visit(tree, 'code', (node: Code, _index, parent) => {
    const lang = (node.lang ?? '').toLowerCase();
    const line = node.position!.start.line;
    const meta = (node.meta ?? '').trim();
    if (alreadyTyped(lang, meta) || parent?.type === 'containerDirective') {
      report.alreadyTyped++;
      return;
    }
    const slice = source.slice(node.position!.start.offset!, node.position!.end.offset!);
    const lines = slice.split('\n');
    const closing = /^ {0,3}(`{3,}|~{3,})\s*$/;
    // Fences in (nested) list items are converted in place; block quotes would need their `>` markers repeated.
    if (!inListsOnly(parent)) {
      prose(line, lang, 'nested');
      return;
    }
    const indent = containerIndent(source, node.position!.start.offset!);
    currentIndent = indent;
    const lastLine = lines.at(-1)!;
    const closingLine = indent && lastLine.startsWith(indent) ? lastLine.slice(indent.length) : lastLine;
    if (lines.length < 2 || !closing.test(closingLine)) {
      prose(line, lang, 'unclosed');
      return;
    }
    // Placeholders outside label strings (`[$__rate_interval]`, `<target>`) stand in as values for recognition.
    const probe = withStandIns(node.value, promqlTemplateHits(node.value));
    if (lang === 'promql') {
      if (promqlShape(probe).parses) convertPromql(node, lang);
      else prose(line, lang, 'promql-syntax');
      return;
    }
    if (TEXT_LANGS.has(lang) && looksLikePromql(probe)) {
      convertPromql(node, lang);
      return;
    }
    if (SHELL_LANGS.has(lang) || lang === '') {
      const converted = convertShell(node, lang);
      if (converted === true) return;
      prose(line, lang, converted ?? (lang === '' ? 'not-promql' : 'no-command'));
      return;
    }
    const kind = importedAs(lang);
    if (kind !== undefined) {
      convertAs(node, lang, kind);
      return;
    }
    prose(line, lang, TEXT_LANGS.has(lang) ? 'not-promql' : 'language');
  });

  verifyMitigations(source, tree, parents, splices);

  // Inline code that reads like a command is a candidate only: prose stays prose.
  visit(tree, 'inlineCode', (node: InlineCode) => {
    const text = node.value.replace(/^\$\s+/, '').trim();
    const words = text.split(/\s+/);
    if (words.length < 2 || !KNOWN_TOOLS.has(words[0]!)) return;
    const argv = splitCommandLine(text);
    const program = words[0]!;
    const kubeLike = KUBECTL_FAMILY.has(program);
    const readOnly = kubeLike && isReadOnlyKubectl(argv.words.map((w) => w.value));
    const kind: ImportedKind = kubeLike && !readOnly ? 'mitigate' : kubeLike && argv.problems.length === 0 ? 'kubectl' : 'sh';
    const candidate: Candidate = { line: node.position!.start.line, column: node.position!.start.column, text: node.value, kind };
    report.candidates.push(candidate);
  });

  // Title: front matter, else the first H1, else the file name.
  let firstH1: Heading | undefined;
  visit(tree, 'heading', (node: Heading) => {
    if (!firstH1 && node.depth === 1) firstH1 = node;
  });
  if (existing.title !== undefined) {
    report.title = existing.title;
    report.titleSource = 'front-matter';
  } else if (firstH1 && headingText(firstH1).trim() !== '') {
    report.title = headingText(firstH1).trim();
    report.titleSource = 'heading';
  } else {
    report.title = titleFromPath(options.path);
  }

  report.params = params.list(existing.params);
  const declarations: ParamDeclaration[] = report.params
    .filter((p) => p.added)
    .map((p) => ({ name: p.name, description: p.description, ...(p.default !== undefined ? { default: p.default } : {}) }));

  // Front matter splice first (it sits before everything else).
  if (frontNode) {
    const start = frontNode.position!.start.offset!;
    const end = frontNode.position!.end.offset!;
    report.frontMatter.input = { start, end };
    const merged = mergeFrontMatter(frontNode.value, report.title, declarations);
    if (merged !== undefined) {
      splices.unshift({ start, end, text: `---\n${merged}---`, line: 1, lang: 'yaml', steps: [], frontMatter: true });
      report.frontMatter.action = 'merged';
    }
  } else {
    splices.unshift({ start: 0, end: 0, text: `---\n${newFrontMatter(report.title, declarations)}---\n\n`, line: 1, lang: 'yaml', steps: [], frontMatter: true });
    report.frontMatter.action = 'added';
  }

  // An insertion before a fence comes first; one at a fence's end after it.
  splices.sort((a, b) => a.start - b.start || a.end - b.end);
  let output = '';
  let last = 0;
  for (const splice of splices) {
    output += source.slice(last, splice.start);
    const outStart = output.length;
    output += splice.indent ? reindent(splice.text, splice.indent) : splice.text;
    last = splice.end;
    const range = { input: { start: splice.start, end: splice.end }, output: { start: outStart, end: output.length } };
    if (splice.frontMatter) {
      report.frontMatter.output = range.output;
      report.frontMatter.input = range.input;
      continue;
    }
    const conversion: Conversion = { line: splice.line, lang: splice.lang, ...range, steps: splice.steps };
    report.conversions.push(conversion);
  }
  output += source.slice(last);
  if (report.frontMatter.action === 'unchanged') {
    // Nothing precedes front matter, so unchanged front matter sits at the same offsets.
    report.frontMatter.output = { ...report.frontMatter.input };
  }
  report.changed = output !== source;
  report.steps = report.steps.filter((s) => s.line !== -1).sort((a, b) => a.line - b.line);
  report.prose.sort((a, b) => a.line - b.line);
  return { output, report };
}
