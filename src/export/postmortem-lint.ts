/**
 * Postmortem lint: checks a postmortem written from the export template. Every section of the template is
 * there; every action item has a priority, an owner and a due date; the root cause names conditions, not
 * people; and (a warning) no "To fill in" prompt is left. Pure functions over the Markdown source, returning
 * positioned diagnostics; `runbook lint --postmortem` (or front matter `type: postmortem`) calls them.
 *
 * Tables: the project parses Markdown without GFM, so a table is a paragraph of `|` lines; its rows and
 * cells are read from that paragraph's source slice, which keeps exact positions.
 */
import type { Heading, Nodes, Paragraph, Root, Text } from 'mdast';
import remarkFrontmatter from 'remark-frontmatter';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { parse as parseYaml } from 'yaml';
import { LineIndex } from '../parse/positions.js';
import { PROMPT_MARKER, POSTMORTEM_SECTIONS, POSTMORTEM_TYPE, type PostmortemSection } from './template.js';

/** A diagnostic in the shape of a VFileMessage's place (1-based lines and columns, end exclusive). */
export interface PostmortemDiagnostic {
  ruleId: PostmortemRuleId;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: 'error' | 'warning';
}

/** Rules of the postmortem lint and what each checks. */
export const POSTMORTEM_RULES = {
  'postmortem-section-missing': 'every section of the postmortem template is present',
  'postmortem-action-item-incomplete': 'every action item has a priority (P0–P2), an owner and a due date (YYYY-MM-DD)',
  'postmortem-blame': 'the Root cause section points at conditions, not at people (@handles, "X forgot", "X deployed without")',
  'postmortem-prompt-left': 'no "To fill in" prompt of the export is left (warning)',
} as const;

/** A postmortem rule id. */
export type PostmortemRuleId = keyof typeof POSTMORTEM_RULES;

const parser = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']);

/** True when the Markdown's front matter says `type: postmortem`. */
export function isPostmortem(source: string): boolean {
  const tree = parser.parse(source) as Root;
  const yaml = tree.children[0];
  if (yaml?.type !== 'yaml') return false;
  try {
    const data = parseYaml(yaml.value) as { type?: unknown } | null;
    return data?.type === POSTMORTEM_TYPE;
  } catch {
    return false;
  }
}

/** Lints a postmortem; diagnostics sorted by position. */
export function lintPostmortem(source: string): PostmortemDiagnostic[] {
  const tree = parser.parse(source) as Root;
  const lines = new LineIndex(source);
  const sections = splitSections(tree);
  const diagnostics = [
    ...missingSections(sections, lines, source),
    ...actionItems(sections.get('Action items'), source, lines),
    ...blame(sections.get('Root cause'), source, lines),
    ...promptsLeft(tree, source, lines),
  ];
  return diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
}

interface SectionNodes {
  heading: Heading;
  nodes: Nodes[];
}

/** Top-level nodes under each template heading (up to the next heading of the same or a higher level). */
function splitSections(tree: Root): Map<PostmortemSection, SectionNodes> {
  const sections = new Map<PostmortemSection, SectionNodes>();
  let current: SectionNodes | undefined;
  for (const node of tree.children) {
    if (node.type === 'heading') {
      const name = templateName(headingText(node));
      if (name) {
        current = { heading: node, nodes: [] };
        if (!sections.has(name)) sections.set(name, current);
        continue;
      }
      if (current && node.depth <= current.heading.depth) current = undefined;
    }
    current?.nodes.push(node);
  }
  return sections;
}

function headingText(node: Heading): string {
  const parts: string[] = [];
  const walk = (n: Nodes): void => {
    if ('value' in n && typeof n.value === 'string') parts.push(n.value);
    if ('children' in n) for (const c of n.children) walk(c as Nodes);
  };
  walk(node);
  return parts.join('').trim();
}

function templateName(text: string): PostmortemSection | undefined {
  const normal = text.toLowerCase().replace(/[:.]$/, '').trim();
  return POSTMORTEM_SECTIONS.find((s) => s.toLowerCase() === normal);
}

function missingSections(sections: Map<PostmortemSection, SectionNodes>, lines: LineIndex, source: string): PostmortemDiagnostic[] {
  const out: PostmortemDiagnostic[] = [];
  POSTMORTEM_SECTIONS.forEach((name, i) => {
    if (sections.has(name)) return;
    // Point at the heading it should come before, or the end of the file.
    const next = POSTMORTEM_SECTIONS.slice(i + 1).map((n) => sections.get(n)).find(Boolean);
    const offset = next?.heading.position?.start.offset ?? source.length;
    const where = next ? `before \`${headingText(next.heading)}\`` : 'at the end';
    out.push(at(lines, 'postmortem-section-missing', `Missing section \`${name}\`; add a \`## ${name}\` heading ${where}, as in the template`, offset, next ? (next.heading.position?.end.offset ?? offset) : offset, 'error'));
  });
  return out;
}

/** The cells of table rows inside the section, with offsets. */
interface Cell {
  text: string;
  start: number;
  end: number;
}

function tableRows(section: SectionNodes, source: string): Array<{ cells: Cell[]; start: number; end: number }> {
  const rows: Array<{ cells: Cell[]; start: number; end: number }> = [];
  for (const node of section.nodes) {
    if (node.type !== 'paragraph' || !node.position) continue;
    const paragraph = node as Paragraph;
    let offset = paragraph.position!.start.offset!;
    const text = source.slice(offset, paragraph.position!.end.offset!);
    // Rows end at any CommonMark line ending (`\r\n`, `\n` or a lone `\r`), as the positions do.
    for (const match of text.matchAll(/([^\r\n]*)(\r\n|\r|\n|$)/g)) {
      const line = match[1]!;
      if (!line && !match[2]) break;
      const lead = line.length - line.trimStart().length;
      if (line.trimStart().startsWith('|')) rows.push({ cells: splitCells(line, offset), start: offset + lead, end: offset + line.length });
      offset += match[0].length;
    }
  }
  return rows;
}

function splitCells(line: string, lineOffset: number): Cell[] {
  const cells: Cell[] = [];
  let start = line.indexOf('|') + 1;
  let inCode = 0;
  for (let i = start; i < line.length; i++) {
    const ch = line[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === '`') {
      let run = 1;
      while (line[i + run] === '`') run++;
      inCode = inCode === run ? 0 : inCode || run;
      i += run - 1;
      continue;
    }
    if (ch === '|' && !inCode) {
      cells.push(cellAt(line, start, i, lineOffset));
      start = i + 1;
    }
  }
  if (line.slice(start).trim()) cells.push(cellAt(line, start, line.length, lineOffset));
  return cells;
}

function cellAt(line: string, from: number, to: number, lineOffset: number): Cell {
  const raw = line.slice(from, to);
  const lead = raw.length - raw.trimStart().length;
  const text = raw.trim();
  return { text, start: lineOffset + from + lead, end: lineOffset + from + lead + text.length };
}

const PLACEHOLDER = /^(todo|tbd|tbc|\?+|-+|—|–|n\/a|none|owner|someone)\b/i;

function actionItems(section: SectionNodes | undefined, source: string, lines: LineIndex): PostmortemDiagnostic[] {
  if (!section) return [];
  const out: PostmortemDiagnostic[] = [];
  const rows = tableRows(section, source);
  const headingEnd = section.heading.position?.end.offset ?? 0;
  const headingStart = section.heading.position?.start.offset ?? 0;
  if (rows.length < 2) {
    out.push(at(lines, 'postmortem-action-item-incomplete', 'No action items table; add one with the columns `Action item | Priority | Owner | Due date`', headingStart, headingEnd, 'error'));
    return out;
  }
  const [header, , ...data] = rows;
  const names = header!.cells.map((c) => c.text.replace(/[*_]/g, '').toLowerCase());
  const column = (name: string): number => names.findIndex((n) => n === name);
  const columns = { Priority: column('priority'), Owner: column('owner'), 'Due date': column('due date') };
  for (const [name, index] of Object.entries(columns)) {
    if (index < 0) {
      out.push(at(lines, 'postmortem-action-item-incomplete', `The action items table has no \`${name}\` column; expected \`Action item | Priority | Owner | Due date\``, header!.start, header!.end, 'error'));
    }
  }
  if (!data.length) {
    out.push(at(lines, 'postmortem-action-item-incomplete', 'The action items table is empty; every postmortem ends with at least one action item', header!.start, header!.end, 'warning'));
  }
  for (const row of data) {
    const check = (name: keyof typeof columns, valid: (text: string) => boolean, expected: string): void => {
      const index = columns[name];
      if (index < 0) return;
      const c = row.cells[index];
      const text = c?.text.replace(/^[*_]+|[*_]+$/g, '') ?? '';
      if (valid(text)) return;
      const found = text ? `\`${text}\`` : 'nothing';
      const [from, to] = c && c.text ? [c.start, c.end] : [row.start, row.end];
      out.push(at(lines, 'postmortem-action-item-incomplete', `Action item ${name.toLowerCase()} is ${found}; expected ${expected}`, from, to, 'error'));
    };
    check('Priority', (t) => /^P[0-2]$/.test(t), '`P0`, `P1` or `P2`');
    check('Owner', (t) => t !== '' && !PLACEHOLDER.test(t), 'a team or person who owns the item');
    check('Due date', (t) => /^\d{4}-\d{2}-\d{2}$/.test(t) && !Number.isNaN(Date.parse(`${t}T00:00:00Z`)) && new Date(`${t}T00:00:00Z`).toISOString().startsWith(t), 'a date `YYYY-MM-DD`');
  }
  return out;
}

/** Verbs that make a sentence about a person's failing rather than the system's. */
const BLAME_VERBS = [
  'forgot', 'forgets', 'neglected', 'ignored', 'missed', 'overlooked', 'messed up', 'screwed up', 'was careless', 'should have known',
  'deployed without', 'pushed without', 'merged without', 'shipped without', 'released without', 'changed without', 'approved without',
  'failed to notice', 'failed to check', "didn't check", 'did not check', "didn't test", 'did not test', "didn't notice", 'did not notice',
];
/** Capitalised words that start sentences about things, not people. */
const NOT_PEOPLE = new Set([
  'the', 'this', 'that', 'these', 'those', 'it', 'its', 'we', 'our', 'a', 'an', 'no', 'nobody', 'everyone', 'team', 'monitoring',
  'alerting', 'system', 'service', 'deployment', 'pipeline', 'ci', 'process', 'review', 'then', 'and', 'but', 'which',
]);
const BLAME = new RegExp(
  `(?<![\\w@])(@[A-Za-z0-9][\\w.-]*|[A-Z][a-z]+(?:\\s[A-Z][a-z]+)?|responder \\d+)\\s+(${BLAME_VERBS.map((v) => v.replace(/\s/g, '\\s+')).join('|')})\\b`,
  'g',
);
const HANDLE = /(?<![\w@.])@[A-Za-z0-9][\w-]*(?:\/[\w-]+)?/g;

function blame(section: SectionNodes | undefined, source: string, lines: LineIndex): PostmortemDiagnostic[] {
  if (!section) return [];
  const out: PostmortemDiagnostic[] = [];
  const texts: Text[] = [];
  const walk = (n: Nodes): void => {
    if (n.type === 'text') texts.push(n);
    else if ('children' in n) for (const c of n.children) walk(c as Nodes);
  };
  section.nodes.forEach(walk);
  for (const t of texts) {
    const start = t.position?.start.offset;
    const end = t.position?.end.offset;
    if (start === undefined || end === undefined) continue;
    // The source slice, not the text value: offsets into it are offsets into the file.
    const raw = source.slice(start, end);
    const reported = new Set<number>();
    for (const m of raw.matchAll(BLAME)) {
      const who = m[1]!;
      if (!who.startsWith('@') && !who.startsWith('responder') && NOT_PEOPLE.has(who.split(/\s/)[0]!.toLowerCase())) continue;
      reported.add(start + m.index);
      out.push(at(lines, 'postmortem-blame', `The root cause blames a person (\`${m[0].replace(/\s+/g, ' ')}\`); describe the condition that made the mistake possible (a missing check, an unsafe default) instead`, start + m.index, start + m.index + m[0].length, 'error'));
    }
    for (const m of raw.matchAll(HANDLE)) {
      if (reported.has(start + m.index)) continue;
      out.push(at(lines, 'postmortem-blame', `The root cause names a person (\`${m[0]}\`); root causes are about the system, so leave names out`, start + m.index, start + m.index + m[0].length, 'error'));
    }
  }
  return out;
}

function promptsLeft(tree: Root, source: string, lines: LineIndex): PostmortemDiagnostic[] {
  const out: PostmortemDiagnostic[] = [];
  let index = source.indexOf(PROMPT_MARKER);
  const codeRanges: Array<[number, number]> = [];
  const walk = (n: Nodes): void => {
    if ((n.type === 'code' || n.type === 'inlineCode' || n.type === 'yaml') && n.position) codeRanges.push([n.position.start.offset!, n.position.end.offset!]);
    if ('children' in n) for (const c of n.children) walk(c as Nodes);
  };
  walk(tree);
  while (index >= 0) {
    if (!codeRanges.some(([s, e]) => index >= s && index < e)) {
      const lineEnd = source.indexOf('\n', index);
      out.push(at(lines, 'postmortem-prompt-left', `A prompt of the template is still here (\`${PROMPT_MARKER} …\`); replace it with what the team found`, index, lineEnd < 0 ? source.length : lineEnd, 'warning'));
    }
    index = source.indexOf(PROMPT_MARKER, index + PROMPT_MARKER.length);
  }
  return out;
}

function at(lines: LineIndex, ruleId: PostmortemRuleId, message: string, start: number, end: number, severity: 'error' | 'warning'): PostmortemDiagnostic {
  const s = lines.point(start);
  const e = lines.point(Math.max(start, end));
  return { ruleId, message, line: s.line, column: s.column, endLine: e.line, endColumn: e.column, severity };
}
