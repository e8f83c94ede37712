/**
 * The parser: runbook Markdown → Runbook model plus positioned diagnostics. Never throws on bad input.
 */
import type { Root } from 'mdast';
import { VFile } from 'vfile';
import { RunbookBuilder } from './build.js';
import { Reporter, type ParseRuleId } from './diagnostics.js';
import type { Runbook } from '../model/index.js';
import { LineIndex } from './positions.js';
import { findTooDeep, type TooDeep } from './limits.js';

export { PARSE_RULES, type ParseRuleId } from './diagnostics.js';
export { FRONTMATTER_SCHEMA } from './frontmatter.js';
export type * from '../model/index.js';
export { STEP_KINDS } from '../steps/index.js';

/** Options of parseRunbook. */
export interface ParseOptions {
  /** The file path, recorded in the model and in every diagnostic. */
  path?: string;
}

/** The parsed runbook and the file whose `messages` are the diagnostics (`fatal: true` for errors). */
export interface ParseResult {
  runbook: Runbook;
  file: VFile;
  /**
   * The Markdown block tree the runbook was built from: every block node (heading, paragraph, code, list,
   * container, …) with its exact position, code nodes complete. Inline content of paragraphs is left out
   * when the fast block reader read the file (src/parse/blocks.ts); parse with micromark for it.
   */
  blocks: Root;
  /** The text every position refers to: the source without a leading byte order mark (U+FEFF). */
  source: string;
}

/** `text` without a leading byte order mark, which editors on Windows write and Markdown ignores. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses runbook Markdown. Problems become messages on `file`; an internal failure becomes one fatal message. */
export function parseRunbook(source: string, options: ParseOptions = {}): ParseResult {
  // Without the BOM, or the fast block reader misses the front matter and fences, and positions are one off.
  const text = stripBom(typeof source === 'string' ? source : String(source ?? ''));
  const file = options.path === undefined ? new VFile({ value: text }) : new VFile({ path: options.path, value: text });
  try {
    const lines = new LineIndex(text);
    const tooDeep = findTooDeep(text);
    if (tooDeep) return tooDeepResult(text, file, lines, tooDeep, options.path);
    const builder = new RunbookBuilder(text, lines, new Reporter(file, lines), options.path);
    const runbook = builder.build();
    return { runbook, file, blocks: builder.tree!, source: text };
  } catch (error) {
    // A parser bug must not take the caller down: it becomes a positioned error like any other.
    const detail = error instanceof Error ? error.message : String(error);
    const start = { line: 1, column: 1, offset: 0 };
    file.message(`The parser failed on this file (${detail}); please report it with the file`, {
      place: { start, end: start },
      ruleId: 'internal-error' satisfies ParseRuleId,
      source: 'runbook',
    }).fatal = true;
    const title = 'Untitled runbook';
    const runbook: Runbook = {
      meta: { title, alerts: [], owners: [], params: {}, extra: {} },
      sections: { title, depth: 0, children: [] },
      steps: [],
    };
    if (options.path !== undefined) runbook.path = options.path;
    return { runbook, file, blocks: { type: 'root', children: [] }, source: text };
  }
}

/** The result of a file that nests past the limits: one error at the line, no steps (nothing else is read). */
function tooDeepResult(text: string, file: VFile, lines: LineIndex, tooDeep: TooDeep, path: string | undefined): ParseResult {
  new Reporter(file, lines).error('nesting-too-deep', `${tooDeep.message}; flatten the document`, tooDeep.offset, tooDeep.end);
  const title = path ? (path.split('/').pop() ?? path).replace(/\.md$/i, '') : 'Untitled runbook';
  const runbook: Runbook = { meta: { title, alerts: [], owners: [], params: {}, extra: {} }, sections: { title, depth: 0, children: [] }, steps: [] };
  if (path !== undefined) runbook.path = path;
  return { runbook, file, blocks: { type: 'root', children: [] }, source: text };
}
