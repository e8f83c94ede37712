/**
 * mdast → Runbook. Walks the tree once in document order: headings build the section tree, step containers
 * and step fences become Steps (bodies sliced from the source by position, never rebuilt from the parsed
 * Markdown), everything else is prose attached to the next step.
 */
import type { Code, Heading, Nodes, Paragraph, Root, RootContent } from 'mdast';
import type { ContainerDirective } from 'mdast-util-directive';
import { checkAttributes, closest, type AttributeSpec } from '../steps/definition.js';
import type { BodyOffsetMap } from '../steps/definition.js';
import { actionAttributes, checkAttributeSpecs, definitionOf, stepDefinition, stepKinds } from '../steps/index.js';
import { parseAttributeBlock, locateAttribute } from './attributes.js';
import type { Reporter } from './diagnostics.js';
import { parseFrontmatter } from './frontmatter.js';
import type {
  Attributes,
  MitigateAction,
  MitigateCheck,
  Mitigation,
  Position,
  Prose,
  Runbook,
  RunbookMeta,
  Section,
  Step,
  StepForm,
} from '../model/index.js';
import type { LineIndex } from './positions.js';
import { processor } from './processor.js';

/** Fence languages that are `sh` actions inside a mitigate. */
const SHELL_LANGS = new Set(['sh', 'bash', 'shell']);
/** Ids usable in `{{steps.<id>.<name>}}` (the placeholder grammar of src/steps/template.ts). */
const REFERABLE_ID = /^[A-Za-z_][\w-]*$/;

/** The raw info string of a fence, split into language and attribute text, with file offsets. */
interface FenceInfo {
  lang: string;
  langStart: number;
  meta: string;
  metaStart: number;
}

/** An attribute block as written: its text and file offset (for pointing at one attribute). */
interface BlockText {
  text: string;
  start: number;
}

/** A body with its place in the file. */
interface Body {
  body: string;
  bodyPosition: Position;
  toFile: BodyOffsetMap;
}

/** A step before ids are assigned. */
interface Draft {
  step: Step;
  explicitId?: string;
  idRange: { start: number; end: number };
}

/** A first line `---` followed by a `key:` line: front matter, when the parser found no closing line. */
const UNCLOSED_FRONTMATTER = /^---[ \t]*\r?\n(?:[ \t]*(?:#.*)?\r?\n)*[A-Za-z_][\w.-]*[ \t]*:/;

/** Builds the model from one source text. One instance per parse. */
export class RunbookBuilder {
  private readonly drafts: Draft[] = [];
  private readonly root: Section = { title: '', depth: 0, children: [] };
  private sectionStack: Section[] = [this.root];
  private prose: Prose[] = [];
  private firstH1?: string;

  constructor(
    private readonly source: string,
    private readonly lines: LineIndex,
    private readonly report: Reporter,
    private readonly path?: string,
  ) {}

  /** The block tree the last `build` read (see src/parse/blocks.ts: inline content may be left out). */
  tree?: Root;

  /** Parses and builds; reports every problem through the reporter. */
  build(): Runbook {
    const tree = processor.parse(this.source);
    this.tree = tree;
    let meta: Omit<RunbookMeta, 'title'> & { title?: string } = { alerts: [], owners: [], params: {}, extra: {} };
    let frontmatterPosition: Position | undefined;
    let frontmatterBroken = false;
    const first = tree.children[0];
    if (first?.type === 'yaml' && first.position) {
      frontmatterPosition = this.pos(first);
      const base = this.lines.lineStart(first.position.start.line + 1);
      const result = parseFrontmatter(first.value, base, this.report);
      meta = result.meta;
      frontmatterBroken = result.broken;
    } else if (UNCLOSED_FRONTMATTER.test(this.source)) {
      // `---` then `key:` lines and no closing `---`: Markdown reads a rule and a paragraph, and every setting
      // (namespace, context, params) would be silently dropped.
      this.report.error(
        'frontmatter-yaml',
        'Found front matter opened by `---` on line 1 but never closed; add a `---` line after its last key',
        0,
        this.lines.lineContentEnd(1),
      );
      frontmatterBroken = true;
    }
    this.walk(tree.children);
    this.assignIds();

    let title = meta.title ?? this.firstH1;
    if (title === undefined) {
      if (!frontmatterBroken) {
        // Without a step there is nothing to run: the file is prose (a README, a how-to), so only warn.
        const severity = this.drafts.length === 0 ? 'warn' : 'error';
        this.report[severity](
          'missing-title',
          'Found no title; expected a `title:` in the front matter or a `# Title` heading',
          0,
          this.lines.lineContentEnd(1),
        );
      }
      title = this.path ? fileStem(this.path) : 'Untitled runbook';
    }
    this.root.title = title;
    const runbook: Runbook = {
      meta: { ...meta, title },
      sections: this.root,
      steps: this.drafts.map((d) => d.step),
    };
    if (this.path !== undefined) runbook.path = this.path;
    if (frontmatterPosition) runbook.frontmatterPosition = frontmatterPosition;
    return runbook;
  }

  // ---------------------------------------------------------------- walking

  private walk(nodes: readonly (RootContent | Nodes)[]): void {
    for (const node of nodes) {
      switch (node.type) {
        case 'yaml':
          continue;
        case 'heading':
          this.heading(node);
          continue;
        case 'containerDirective':
          if (this.container(node)) continue;
          break;
        case 'code':
          if (this.topLevelFence(node)) continue;
          break;
        case 'paragraph':
          this.checkBrokenOpening(node);
          break;
        default:
          if ('children' in node && this.holdsStep(node)) {
            this.walk(node.children as RootContent[]);
            continue;
          }
      }
      if (node.position) this.prose.push({ text: this.slice(node), position: this.pos(node) });
    }
  }

  /** True when a step (or something that could be one) sits somewhere inside `node`. */
  private holdsStep(node: Nodes): boolean {
    if (node.type === 'containerDirective') return true;
    if (node.type === 'code') {
      const info = this.fenceInfo(node);
      return info !== undefined && (stepDefinition(info.lang) !== undefined || info.meta.startsWith('{'));
    }
    return 'children' in node && (node.children as Nodes[]).some((child) => this.holdsStep(child));
  }

  private heading(node: Heading): void {
    const title = plainText(node).trim();
    if (node.depth === 1 && this.firstH1 === undefined) this.firstH1 = title;
    while (this.sectionStack.length > 1 && this.sectionStack[this.sectionStack.length - 1]!.depth >= node.depth) this.sectionStack.pop();
    const section: Section = { title, depth: node.depth, position: this.pos(node), children: [] };
    this.sectionStack[this.sectionStack.length - 1]!.children.push(section);
    this.sectionStack.push(section);
    this.prose = [];
  }

  /** A paragraph that starts like `:::kind{…` is a container opening remark-directive could not read. */
  private checkBrokenOpening(node: Paragraph): void {
    const start = node.position?.start.offset;
    if (start === undefined) return;
    const line = this.lines.lineText(node.position!.start.line).slice(node.position!.start.column - 1);
    const match = /^(:{3,})([A-Za-z][\w-]*)/.exec(line);
    if (!match) return;
    const rest = line.slice(match[0].length).trimEnd();
    const restStart = start + match[0].length;
    const reason = rest.startsWith('{')
      ? (parseAttributeBlock(rest) as { reason?: string }).reason
      : `Found \`${rest}\` after \`${match[0]}\`; expected an attribute block \`{#id key="value"}\` or the end of the line`;
    if (!reason) return;
    this.report.error('malformed-attributes', `${reason} (so \`${match[0]}\` was read as text, not as a step)`, restStart, restStart + rest.length);
  }

  // ---------------------------------------------------------------- containers

  /** Handles a `:::name` container; returns false when it is not a step (then it is prose). */
  private container(node: ContainerDirective): boolean {
    const start = node.position!.start.offset!;
    const openLine = node.position!.start.line;
    const opening = this.lines.lineText(openLine).slice(node.position!.start.column - 1);
    const colons = /^:+/.exec(opening)?.[0].length ?? 3;
    if (!stepDefinition(node.name)) {
      const suggestion = closest(node.name, stepKinds());
      this.report.error(
        'unknown-kind',
        `Unknown step kind \`${node.name}\` in \`${':'.repeat(colons)}${node.name}\`; expected one of ${kindList()}` +
          (suggestion ? ` (did you mean \`${suggestion}\`?)` : ''),
        start + colons,
        start + colons + node.name.length,
      );
      return false;
    }
    const kind = node.name;
    const openingEnd = this.lines.lineContentEnd(openLine);
    const endLine = node.position!.end.line;
    const lastLine = this.source.slice(this.lines.lineStart(endLine), node.position!.end.offset).replace(/^[\s>]*/, '');
    const closing = /^(:{3,})[ \t]*$/.exec(lastLine);
    const closed = endLine > openLine && closing !== null && closing[1]!.length >= colons;
    if (!closed) {
      this.report.error(
        'unclosed-container',
        `Found \`${':'.repeat(colons)}${kind}\` with no closing \`${':'.repeat(colons)}\` line, so it runs to the end of the document; ` +
          `add a line \`${':'.repeat(colons)}\` after its body`,
        start,
        openingEnd,
      );
    }

    const bodyStart = openLine < this.lines.lineCount ? this.lines.lineStart(openLine + 1) : this.source.length;
    let bodyEnd: number;
    if (closed) bodyEnd = endLine - 1 > openLine ? this.lines.lineContentEnd(endLine - 1) : bodyStart;
    else {
      bodyEnd = Math.max(bodyStart, node.position!.end.offset!);
      if (this.source[bodyEnd - 1] === '\n') bodyEnd -= this.source[bodyEnd - 2] === '\r' ? 2 : 1;
      else if (this.source[bodyEnd - 1] === '\r') bodyEnd -= 1;
      bodyEnd = Math.max(bodyStart, bodyEnd);
    }
    const body: Body = {
      body: this.source.slice(bodyStart, bodyEnd),
      bodyPosition: this.lines.position(bodyStart, bodyEnd),
      toFile: (offset) => bodyStart + offset,
    };
    const braceAt = opening.indexOf('{', colons + kind.length);
    const block = braceAt === -1 ? undefined : { text: opening.slice(braceAt).trimEnd(), start: start + braceAt };
    const attributes: Attributes = {};
    for (const [key, value] of Object.entries(node.attributes ?? {})) attributes[key] = value ?? '';
    const idRange = { start, end: openingEnd };
    this.addStep(kind, 'directive', attributes, block, body, this.pos(node), idRange, node);
    return true;
  }

  // ---------------------------------------------------------------- fences

  /** Handles a fence outside any step; returns false when it is prose. */
  private topLevelFence(node: Code): boolean {
    const info = this.fenceInfo(node);
    if (!info) return false;
    const definition = stepDefinition(info.lang);
    if (!definition || (definition.body.fenceNeedsAttributes && !info.meta.startsWith('{'))) {
      this.reportUnknownFence(info);
      return false;
    }
    const kind = definition.kind;
    this.checkFenceClosed(node, info);
    const attributes = this.fenceAttributes(info);
    const block = info.meta ? { text: info.meta, start: info.metaStart } : undefined;
    const start = node.position!.start.offset!;
    const idRange = block ? { start: block.start, end: block.start + block.text.length } : { start, end: this.lines.lineContentEnd(node.position!.start.line) };
    this.addStep(kind, 'fence', attributes, block, this.fenceBody(node), this.pos(node), idRange);
    return true;
  }

  /** A fence with a well-formed `{…}` block whose language is not a step kind is almost surely a typo. */
  private reportUnknownFence(info: FenceInfo): void {
    if (!info.lang || !info.meta.startsWith('{') || !parseAttributeBlock(info.meta).ok) return;
    const suggestion = closest(info.lang, stepKinds());
    this.report.error(
      'unknown-kind',
      `Unknown step kind \`${info.lang}\` in a fence with an attribute block; expected one of ${kindList()}` +
        (suggestion ? ` (did you mean \`${suggestion}\`?)` : '') +
        ', or drop the `{…}` to keep the fence as prose',
      info.langStart,
      info.langStart + info.lang.length,
    );
  }

  private fenceAttributes(info: FenceInfo): Attributes {
    if (!info.meta) return {};
    const parsed = info.meta.startsWith('{') ? parseAttributeBlock(info.meta) : { ok: false as const, reason: `Found \`${info.meta}\` after the fence language; expected an attribute block \`{#id key="value"}\`` };
    if (parsed.ok) return parsed.attributes;
    this.report.error('malformed-attributes', parsed.reason, info.metaStart, info.metaStart + info.meta.length);
    return {};
  }

  private checkFenceClosed(node: Code, info: FenceInfo): void {
    const { start, end } = node.position!;
    const fence = /^(`{3,}|~{3,})/.exec(this.source.slice(start.offset, info.langStart))?.[1] ?? '```';
    const last = this.source.slice(this.lines.lineStart(end.line), end.offset).replace(/^[\s>]*/, '');
    const closing = new RegExp(`^\\${fence[0]}{${fence.length},}[ \\t]*$`);
    if (end.line > start.line && closing.test(last)) return;
    this.report.error(
      'unclosed-fence',
      `Found a \`${info.lang}\` fence with no closing \`${fence}\`, so it runs to the end of its block; add a line \`${fence}\` after its body`,
      start.offset!,
      this.lines.lineContentEnd(start.line),
    );
  }

  /** Reads a fence's opening line from the source (the parsed `meta` has character references decoded). */
  private fenceInfo(node: Code): FenceInfo | undefined {
    if (!node.position) return undefined;
    const start = node.position.start.offset!;
    const opening = this.source.slice(start, this.lines.lineContentEnd(node.position.start.line));
    const fence = /^(?:`{3,}|~{3,})[ \t]*/.exec(opening);
    if (!fence) return undefined;
    const info = opening.slice(fence[0].length);
    const lang = /^[^\s{]*/.exec(info)![0];
    const afterLang = info.slice(lang.length);
    const gap = /^[ \t]*/.exec(afterLang)![0].length;
    return {
      lang,
      langStart: start + fence[0].length,
      meta: afterLang.slice(gap).trimEnd(),
      metaStart: start + fence[0].length + lang.length + gap,
    };
  }

  /**
   * A fence's body. Each line of `code.value` is the end of one file line (a fence indented in a list or a
   * quote has its indentation stripped, as CommonMark defines). A fence at column 1 has nothing stripped, so
   * its body is sliced from the source: `code.value` has NUL replaced by U+FFFD, which would break the
   * byte-exact promise of the model (and make micromark's reading differ from the block reader's).
   */
  private fenceBody(node: Code): Body {
    const value = node.value;
    const openLine = node.position!.start.line;
    if (value === '') {
      const at = openLine < this.lines.lineCount ? this.lines.lineStart(openLine + 1) : this.source.length;
      return { body: '', bodyPosition: this.lines.position(at, at), toFile: () => at };
    }
    const valueStarts: number[] = [];
    const fileStarts: number[] = [];
    // micromark keeps each line ending as written (`\n`, `\r\n` or a lone `\r`), and LineIndex counts the same ones.
    const ending = /\r\n|\r|\n/g;
    let offset = 0;
    for (let line = openLine + 1; ; line++) {
      const match = ending.exec(value);
      const contentEnd = match ? match.index : value.length;
      valueStarts.push(offset);
      fileStarts.push(Math.max(this.lines.lineStart(line), this.lines.lineContentEnd(line) - (contentEnd - offset)));
      if (!match) break;
      offset = contentEnd + match[0].length;
    }
    const toFile: BodyOffsetMap = (at) => {
      let k = valueStarts.length - 1;
      while (k > 0 && valueStarts[k]! > at) k--;
      return fileStarts[k]! + (at - valueStarts[k]!);
    };
    const start = toFile(0);
    const end = toFile(value.length);
    const body = node.position!.start.column === 1 ? this.source.slice(start, end) : value;
    return { body, bodyPosition: this.lines.position(start, end), toFile };
  }

  // ---------------------------------------------------------------- steps

  private addStep(
    kind: string,
    form: StepForm,
    written: Attributes,
    block: BlockText | undefined,
    body: Body,
    position: Position,
    idRange: { start: number; end: number },
    container?: ContainerDirective,
  ): void {
    const { id, ...attributes } = written;
    const step: Step = {
      id: '',
      idExplicit: id !== undefined && id !== '',
      kind,
      form,
      attributes,
      body: body.body,
      bodyPosition: body.bodyPosition,
      position,
      section: this.sectionStack.slice(1).map((s) => s.title),
      proseBefore: this.prose,
    };
    if (attributes.title !== undefined) step.title = attributes.title;
    this.prose = [];

    const draft: Draft = { step, idRange };
    if (step.idExplicit) {
      draft.explicitId = id!;
      const at = block && locateAttribute(block.text, 'id', id);
      if (at) draft.idRange = { start: block!.start + at.start, end: block!.start + at.end };
    }
    this.drafts.push(draft);

    const definition = definitionOf(kind);
    this.checkAttributeSet(attributes, definition.attributes, `a \`${kind}\` step`, block, position);
    const empty = body.body.trim() === '';
    if (definition.body.holds === 'mitigation') {
      step.mitigation = container ? this.longOrShortMitigation(container, step, body) : this.shortMitigation(step, body);
    } else if (empty && !definition.body.mayBeEmpty?.(attributes)) {
      this.report.error('empty-body', `Found an empty \`${kind}\` step; expected ${definition.body.expects} in its body`, position.start.offset, position.end.offset);
    } else {
      definition.body.validate?.(body.body, body.toFile, this.report);
    }
  }

  private checkAttributeSet(
    attributes: Attributes,
    specs: Readonly<Record<string, AttributeSpec>>,
    what: string,
    block: BlockText | undefined,
    position: Position,
  ): void {
    for (const problem of checkAttributes(attributes, specs, what)) {
      const at = block && locateAttribute(block.text, problem.key, attributes[problem.key]);
      const start = at ? block!.start + at.start : position.start.offset;
      const end = at ? block!.start + at.end : this.lines.lineContentEnd(position.start.line);
      this.report.error(problem.type === 'unknown' ? 'unknown-attribute' : 'invalid-attribute', problem.message, start, end);
    }
  }

  // ---------------------------------------------------------------- mitigations

  private longOrShortMitigation(node: ContainerDirective, step: Step, body: Body): Mitigation {
    const fences: Code[] = [];
    const nested: ContainerDirective[] = [];
    const collect = (children: readonly Nodes[]): void => {
      for (const child of children) {
        if (child.type === 'code' && this.fenceInfo(child)) fences.push(child);
        else if (child.type === 'containerDirective') nested.push(child);
        else if ('children' in child) collect(child.children as Nodes[]);
      }
    };
    collect(node.children.filter((child) => !(child.type === 'paragraph' && child.data?.directiveLabel)));
    for (const inner of nested) {
      const start = inner.position!.start.offset!;
      this.report.error(
        'mitigate-invalid-content',
        `Found a \`:::${inner.name}\` container inside a \`mitigate\`; write its commands as fences (\`\`\`kubectl, \`\`\`sh, \`\`\`check) instead`,
        start,
        this.lines.lineContentEnd(inner.position!.start.line),
      );
    }
    if (fences.length === 0) return this.shortMitigation(step, body);

    const mitigation: Mitigation = { short: false, actions: [], rollback: [] };
    for (const fence of fences) {
      const info = this.fenceInfo(fence)!;
      const fenceStart = fence.position!.start.offset!;
      const lang = info.lang;
      if (lang !== 'check' && lang !== 'kubectl' && !SHELL_LANGS.has(lang)) {
        if (stepDefinition(lang)) {
          this.report.error(
            'mitigate-invalid-content',
            `Found a \`${lang}\` fence inside a \`mitigate\`; a mitigation holds \`kubectl\`/\`sh\` actions, one \`check\` and \`{rollback}\` fences — move the \`${lang}\` step out of it`,
            info.langStart,
            info.langStart + lang.length,
          );
        } else {
          this.reportUnknownFence(info);
        }
        continue;
      }
      this.checkFenceClosed(fence, info);
      const attributes = this.fenceAttributes(info);
      const block = info.meta ? { text: info.meta, start: info.metaStart } : undefined;
      const fenceBody = this.fenceBody(fence);
      const position = this.pos(fence);
      const part = { attributes, body: fenceBody.body, bodyPosition: fenceBody.bodyPosition, position };
      if (lang === 'check') {
        this.checkAttributeSet(attributes, checkAttributeSpecs, 'the `check` of a mitigation', block, position);
        if (mitigation.check) {
          this.report.error(
            'mitigate-extra-check',
            `Found a second \`check\` fence in one mitigation (the first is on line ${mitigation.check.position.start.line}); ` +
              'a mitigation is verified by one check — combine the conditions or move this check after the mitigation',
            fenceStart,
            this.lines.lineContentEnd(fence.position!.start.line),
          );
          continue;
        }
        const check: MitigateCheck = part;
        mitigation.check = check;
        continue;
      }
      this.checkAttributeSet(attributes, actionAttributes, 'a mitigation action', block, position);
      const action: MitigateAction = { kind: lang === 'kubectl' ? 'kubectl' : 'sh', ...part };
      if (fenceBody.body.trim() !== '') definitionOf(action.kind).body.validate?.(fenceBody.body, fenceBody.toFile, this.report);
      if (fenceBody.body.trim() === '') {
        this.report.error('empty-body', `Found an empty \`${lang}\` action; expected a command in its body`, position.start.offset, position.end.offset);
      }
      (attributes.rollback !== undefined ? mitigation.rollback : mitigation.actions).push(action);
    }
    if (mitigation.actions.length === 0) this.noAction(step);
    return mitigation;
  }

  /** One command, no inner fences: the body is the action; its runner is `run=`, else guessed from the first word. */
  private shortMitigation(step: Step, body: Body): Mitigation {
    const command = body.body.trim();
    if (command === '') {
      this.noAction(step);
      return { short: true, actions: [], rollback: [] };
    }
    const lead = body.body.length - body.body.trimStart().length;
    const run = step.attributes.run;
    const kind = run === 'kubectl' || run === 'sh' ? run : /^kubectl(?:\s|$)/.test(command) ? 'kubectl' : 'sh';
    const toFile: BodyOffsetMap = (at) => body.toFile(lead + at);
    const action: MitigateAction = {
      kind,
      attributes: {},
      body: command,
      bodyPosition: this.lines.position(toFile(0), toFile(command.length)),
      position: step.position,
    };
    definitionOf(kind).body.validate?.(command, toFile, this.report);
    return { short: true, actions: [action], rollback: [] };
  }

  private noAction(step: Step): void {
    this.report.error(
      'mitigate-no-action',
      'Found a `mitigate` with no action; expected a `kubectl` or `sh` fence (or, in the short form, one command as its body)',
      step.position.start.offset,
      this.lines.lineContentEnd(step.position.start.line),
    );
  }

  // ---------------------------------------------------------------- ids

  private assignIds(): void {
    const taken = new Map<string, Draft>();
    for (const draft of this.drafts) {
      const id = draft.explicitId;
      if (id === undefined) continue;
      draft.step.id = id;
      if (!REFERABLE_ID.test(id)) {
        this.report.warn(
          'invalid-id',
          `Step id \`${id}\` cannot be referenced as \`{{steps.${id}.<name>}}\`; use letters, digits, \`_\` and \`-\`, starting with a letter or \`_\``,
          draft.idRange.start,
          draft.idRange.end,
        );
      }
      const first = taken.get(id);
      if (first) {
        this.report.error(
          'duplicate-id',
          `Duplicate step id \`${id}\`: already used by the \`${first.step.kind}\` step on line ${first.step.position.start.line}; give each step its own id`,
          draft.idRange.start,
          draft.idRange.end,
        );
      } else taken.set(id, draft);
    }
    const counters = new Map<string, number>();
    for (const draft of this.drafts) {
      if (draft.explicitId !== undefined) continue;
      let n = counters.get(draft.step.kind) ?? 0;
      let id: string;
      do id = `${draft.step.kind}-${++n}`;
      while (taken.has(id));
      counters.set(draft.step.kind, n);
      taken.set(id, draft);
      draft.step.id = id;
    }
  }

  // ---------------------------------------------------------------- helpers

  private pos(node: Nodes): Position {
    return this.lines.position(node.position!.start.offset!, node.position!.end.offset!);
  }

  private slice(node: Nodes): string {
    return this.source.slice(node.position!.start.offset, node.position!.end.offset);
  }
}

function kindList(): string {
  return stepKinds().map((k) => `\`${k}\``).join(', ');
}

/** The text of a heading, without Markdown syntax. */
function plainText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string' && node.type !== 'html') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(plainText).join('');
  return '';
}

function fileStem(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base.replace(/\.[^.]*$/, '') || base;
}
