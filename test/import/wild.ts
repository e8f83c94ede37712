/**
 * Measures the importer over the public runbooks in `../shared/wild-runbooks/` (five styles): which fences a
 * reader would call plain kubectl/oc commands or PromQL, and how many of them the import typed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Code, Root } from 'mdast';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { importRunbook } from '../../src/import/index.js';
import type { ImportResult } from '../../src/import/index.js';
import { promqlShape, promqlTemplateHits, withStandIns } from '../../src/import/promql.js';
import { splitCommandLine } from '../../src/steps/command-line.js';
import { interactiveKubectl } from '../../src/steps/kubectl-verbs.js';
import { REPO } from './helpers.js';

/** The wild runbooks, one folder per style. */
export const WILD = path.resolve(REPO, '../shared/wild-runbooks');

/** Markdown files (`.md`, `.markdown`, `.html.md.erb`) under `folder`, sorted, relative to it. */
export function wildFiles(folder: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir)
      .sort()
      .flatMap((name) => {
        const full = path.join(dir, name);
        return statSync(full).isDirectory() ? walk(full) : /\.(?:md|markdown|md\.erb)$/.test(name) ? [full] : [];
      });
  return walk(folder).map((file) => path.relative(folder, file));
}

const SHELLISH = new Set(['', 'bash', 'sh', 'shell', 'console', 'zsh', 'shell-session', 'kubectl', 'text', 'txt']);
const PROMPT = /^\s*(?:[\w.-]+@[\w.-]+(?::\S*?)?\s?[$#]|\$|#|>)\s+/;
const PROMPTED = /^\s*(?:(?:[\w.-]+@[\w.-]+(?::\S*?)?\s?)?\$|>)\s+\S/;

/** Command lines of a fence as a reader sees them: prompts dropped, continuations joined, comments and output left out. */
function commandLines(value: string): string[] {
  const lines = value.split('\n');
  const prompted = lines.some((l) => PROMPTED.test(l));
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (prompted && !PROMPTED.test(line)) continue;
    line = line.replace(PROMPT, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + ' ' + lines[++i]!.trim();
    out.push(line);
  }
  return out;
}

/** What kind of fence a reader would call it. */
export type FenceClass = 'kubectl' | 'interactive' | 'promql' | 'other';

/** A fence is `kubectl` when every command line is a plain kubectl/oc command (no pipes, `;`, `$(…)`, redirects). */
export function classifyFence(node: Code): FenceClass {
  const lang = (node.lang ?? '').toLowerCase();
  if (lang === 'promql') return 'promql';
  if (!SHELLISH.has(lang)) return 'other';
  // `<pod-name>` is a placeholder, not a redirection.
  const commands = commandLines(node.value).map((c) => c.replace(/<[^<>\n]+>/g, 'X'));
  if (commands.length > 0 && commands.every((c) => /^(?:kubectl|oc)\s/.test(c) && !/[|;&<>`]|\$\(/.test(c))) {
    // `exec -it`, `logs -f`, `edit`: no step can run these (no terminal, never ends); they are counted apart.
    const interactive = commands.some((c) => interactiveKubectl(['kubectl', ...splitCommandLine(c).words.slice(1).map((w) => w.value)]));
    return interactive ? 'interactive' : 'kubectl';
  }
  const trimmed = node.value.replace(/^\s*\$\s+/, '').trim();
  if (lang !== 'bash' && lang !== 'sh' && trimmed && commands.length <= 1) {
    // `[$__rate_interval]`, `<target>`: placeholders a reader replaces before running the query.
    const shape = promqlShape(withStandIns(trimmed, promqlTemplateHits(trimmed)));
    if (shape.parses && shape.hasSelector && shape.metrics.some((m) => /[_:]/.test(m))) return 'promql';
  }
  return 'other';
}

/** Counts for one style (folder). */
export interface StyleFigures {
  files: number;
  kubectlFences: number;
  kubectlTyped: number;
  /** Plain kubectl/oc fences with an interactive command (left as text with reason `interactive-command`). */
  interactive: number;
  interactiveAsNote: number;
  promqlFences: number;
  promqlTyped: number;
}

const parser = unified().use(remarkParse).freeze();

/** Imports every file of one style and counts fences by class and how many of them became steps. */
export function measureStyle(style: string): { figures: StyleFigures; files: Array<{ name: string; source: string } & ImportResult>; misses: string[] } {
  const folder = path.join(WILD, style);
  const names = wildFiles(folder);
  const figures: StyleFigures = { files: names.length, kubectlFences: 0, kubectlTyped: 0, interactive: 0, interactiveAsNote: 0, promqlFences: 0, promqlTyped: 0 };
  const files: Array<{ name: string; source: string } & ImportResult> = [];
  const misses: string[] = [];
  for (const name of names) {
    const source = readFileSync(path.join(folder, name), 'utf8');
    const result = importRunbook(source, { path: name });
    files.push({ name, source, ...result });
    const tree = parser.parse(source) as Root;
    const stepsByLine = new Map<number, string[]>();
    for (const c of result.report.conversions) stepsByLine.set(c.line, c.steps);
    const kinds = new Map(result.report.steps.map((s) => [s.id, s.action ?? s.kind]));
    visit(tree, 'code', (node: Code) => {
      const cls = classifyFence(node);
      if (cls === 'other') return;
      const steps = stepsByLine.get(node.position!.start.line) ?? [];
      const got = steps.map((id) => kinds.get(id) ?? 'check');
      if (cls === 'interactive') {
        figures.interactive++;
        const line = node.position!.start.line;
        if (got.length === 0 && result.report.prose.some((p) => p.line >= line && p.line <= node.position!.end.line && p.reason.startsWith('interactive'))) figures.interactiveAsNote++;
        else misses.push(`${style}/${name}:${line} interactive -> [${got.join(',')}] ${node.value.split('\n')[0]}`);
      } else if (cls === 'kubectl') {
        figures.kubectlFences++;
        if (got.length > 0 && got.every((k) => k === 'kubectl')) figures.kubectlTyped++;
        else misses.push(`${style}/${name}:${node.position!.start.line} kubectl -> [${got.join(',')}] ${node.value.split('\n')[0]}`);
      } else {
        figures.promqlFences++;
        if (got.length > 0 && got.every((k) => k === 'promql' || k === 'check')) figures.promqlTyped++;
        else misses.push(`${style}/${name}:${node.position!.start.line} promql -> [${got.join(',')}] ${node.value.split('\n')[0]}`);
      }
    });
  }
  return { figures, files, misses };
}
