/**
 * Runbook coverage of alert rules: which alerting rules no runbook answers, which runbooks answer no rule,
 * which `runbook_url`s point at no runbook file. Pure: it reads the files it is given and nothing else.
 *
 * A runbook answers a rule when its front matter `alerts:` lists the rule's name, or when the rule's
 * `runbook_url` resolves to the runbook's file. A URL resolves through a pattern such as
 * `https://runbooks.example.com/runbooks/{path}`, where `{path}` is the file's path under the runbook folder
 * without `.md`, compared case-insensitively (published sites lower-case it). Without a pattern, a URL
 * resolves when its path ends with that path.
 */
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';
import { expandPaths } from '../lint/files.js';
import { resultOf, type LintMessage, type LintResult } from '../lint/result.js';
import { parseRunbook } from '../parse/index.js';
import { readAlertRules, ruleFiles, type AlertRule, type Place } from './rules.js';

export type { AlertRule, Place } from './rules.js';

/** The three kinds of gap, also the rule ids formatters print. */
export const COVERAGE_RULES = {
  'alert-without-runbook': 'An alerting rule that no runbook answers (no runbook lists it under `alerts:`, and its `runbook_url` resolves to no runbook).',
  'runbook-without-alert': 'A runbook that answers no alerting rule.',
  'runbook-url-unresolved': 'An alerting rule whose `runbook_url` resolves to no runbook file.',
} as const;

/** One of COVERAGE_RULES' ids. */
export type GapKind = keyof typeof COVERAGE_RULES;

/** One gap, with where it is. */
export interface CoverageGap {
  kind: GapKind;
  /** The rule file (alert gaps) or the runbook file (`runbook-without-alert`), relative to cwd. */
  file: string;
  place: Place;
  message: string;
  /** The alert's name (alert gaps). */
  alert?: string;
  /** The runbook_url (`runbook-url-unresolved`). */
  url?: string;
}

/** A runbook file as coverage sees it. */
export interface CoverageRunbook {
  /** Relative to cwd, `/`-separated. */
  file: string;
  /** Path under its runbook folder without `.md`, `/`-separated (what `{path}` stands for). */
  path: string;
  /** Front matter `alerts:`. */
  alerts: string[];
}

/** What `runbook coverage` found. */
export interface CoverageReport {
  rules: AlertRule[];
  runbooks: CoverageRunbook[];
  /** For each rule (same order as `rules`), the runbook files that answer it. */
  answeredBy: string[][];
  gaps: CoverageGap[];
}

/** Options of checkCoverage. */
export interface CoverageOptions {
  /** Rule files or folders. */
  rules: readonly string[];
  /** Runbook files, folders or globs (default `runbooks/`). */
  runbooks: readonly string[];
  /** URL pattern with `{path}`. */
  runbookUrl?: string;
  cwd: string;
}

/**
 * Hugo's section list pages (`_index.md`), as runbook sites such as runbooks.prometheus-operator.dev have one
 * per folder: a listing, not a runbook, so never counted as a runbook that answers nothing.
 */
const SECTION_PAGE = '_index.md';

/** Front matter `type` of a postmortem (as src/lint/linter.ts reads it; not imported, to leave the rules unloaded). */
const POSTMORTEM_TYPE = 'postmortem';

/** Reads the rules and runbooks and finds the gaps. Throws UsageError for missing paths or a bad pattern. */
export async function checkCoverage(options: CoverageOptions): Promise<CoverageReport> {
  const { cwd } = options;
  if (options.rules.length === 0) throw new UsageError('--rules needs at least one rule file or folder');
  const match = options.runbookUrl !== undefined ? urlPattern(options.runbookUrl) : undefined;
  const rules = readAlertRules(ruleFiles(options.rules, cwd), cwd);
  const runbooks = await readRunbooks(options.runbooks.length > 0 ? options.runbooks : ['runbooks'], cwd);

  const byPath = new Map<string, CoverageRunbook[]>();
  for (const runbook of runbooks) {
    const key = runbook.path.toLowerCase();
    byPath.set(key, [...(byPath.get(key) ?? []), runbook]);
  }
  const byAlert = new Map<string, CoverageRunbook[]>();
  for (const runbook of runbooks) for (const alert of runbook.alerts) byAlert.set(alert, [...(byAlert.get(alert) ?? []), runbook]);

  const gaps: CoverageGap[] = [];
  const used = new Set<string>();
  const answeredBy = rules.map((rule) => {
    const answering = new Set((byAlert.get(rule.name) ?? []).map((runbook) => runbook.file));
    if (rule.runbookUrl) {
      const target = resolveUrl(rule.runbookUrl.url, match, byPath);
      if (target.length > 0) for (const runbook of target) answering.add(runbook.file);
      else {
        const why = match && !match.test(rule.runbookUrl.url) ? ` (it does not match the pattern \`${options.runbookUrl}\`)` : '';
        gaps.push({
          kind: 'runbook-url-unresolved',
          file: rule.file,
          place: rule.runbookUrl.place,
          alert: rule.name,
          url: rule.runbookUrl.url,
          message: `The runbook_url \`${rule.runbookUrl.url}\` of alert \`${rule.name}\` resolves to no runbook file${why}; add the runbook or fix the URL`,
        });
      }
    }
    if (answering.size === 0) {
      gaps.push({
        kind: 'alert-without-runbook',
        file: rule.file,
        place: rule.place,
        alert: rule.name,
        message: `Alert \`${rule.name}\` has no runbook: no runbook lists it under \`alerts:\`${rule.runbookUrl ? ' and its runbook_url resolves to no file' : ' and it has no runbook_url'}`,
      });
    }
    for (const file of answering) used.add(file);
    return [...answering].sort();
  });
  for (const runbook of runbooks) {
    if (used.has(runbook.file)) continue;
    const listed = runbook.alerts.length > 0 ? `it lists ${runbook.alerts.map((a) => `\`${a}\``).join(', ')} under \`alerts:\`, which no rule defines` : 'it lists no alert under `alerts:`';
    gaps.push({
      kind: 'runbook-without-alert',
      file: runbook.file,
      place: { line: 1, column: 1, endLine: 1, endColumn: 1 },
      message: `Runbook \`${runbook.path}\` answers no alerting rule: ${listed}, and no rule's runbook_url resolves to it`,
    });
  }
  return { rules, runbooks, answeredBy, gaps };
}

/** A URL pattern as a matcher: the `{path}` part of a URL, or undefined when the URL does not match. */
export interface UrlPattern {
  test(url: string): boolean;
  path(url: string): string | undefined;
}

/** Compiles `https://host/runbooks/{path}`; a trailing slash, query or fragment on the URL is ignored. */
export function urlPattern(pattern: string): UrlPattern {
  const parts = pattern.split('{path}');
  if (parts.length !== 2) throw new UsageError(`--runbook-url must contain \`{path}\` once, found \`${pattern}\``);
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const regex = new RegExp(`^${escape(parts[0]!)}(.+?)${escape(parts[1]!.replace(/\/$/, ''))}/?(?:[?#].*)?$`, 'i');
  return {
    test: (url) => regex.test(url),
    path: (url) => {
      const found = regex.exec(url)?.[1];
      return found === undefined ? undefined : normalisePath(found);
    },
  };
}

function normalisePath(path: string): string {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // Keep a path with a stray `%` as written.
  }
  return decoded.replace(/\/+$/, '').replace(/\.md$/i, '').toLowerCase();
}

/** The runbooks a runbook_url resolves to. */
function resolveUrl(url: string, pattern: UrlPattern | undefined, byPath: ReadonlyMap<string, CoverageRunbook[]>): CoverageRunbook[] {
  if (pattern) {
    const path = pattern.path(url);
    return path === undefined ? [] : (byPath.get(path) ?? []);
  }
  // No pattern: the URL's path ends with the runbook's path; the longest such path wins.
  let urlPath = url.replace(/[?#].*$/, '');
  try {
    urlPath = new URL(url).pathname;
  } catch {
    // A relative URL: used as written.
  }
  const wanted = normalisePath(urlPath);
  let best: CoverageRunbook[] = [];
  let bestLength = -1;
  for (const [path, runbooks] of byPath) {
    if ((wanted === path || wanted.endsWith(`/${path}`)) && path.length > bestLength) {
      best = runbooks;
      bestLength = path.length;
    }
  }
  return best;
}

/** The runbooks under each path, with their `{path}` relative to the folder named (a file: its own folder). */
async function readRunbooks(paths: readonly string[], cwd: string): Promise<CoverageRunbook[]> {
  const seen = new Map<string, CoverageRunbook>();
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    const info = await stat(absolute).catch(() => undefined);
    const root = info?.isDirectory() ? absolute : info ? dirname(absolute) : cwd;
    for (const file of await expandPaths([path], cwd)) {
      if (seen.has(file) || basename(file) === SECTION_PAGE) continue;
      const parsed = parseRunbook(readFileSync(resolve(cwd, file), 'utf8'), { path: file });
      if (parsed.runbook.meta.extra.type === POSTMORTEM_TYPE) continue;
      const under = relative(root, resolve(cwd, file)).split(sep).join('/').replace(/\.md$/, '');
      seen.set(file, { file, path: under, alerts: parsed.runbook.meta.alerts });
    }
  }
  return [...seen.values()].sort((a, b) => a.file.localeCompare(b.file));
}

/** The gaps as lint results, one per file (sorted), for the lint formatters. All gaps are errors. */
export function gapsAsResults(gaps: readonly CoverageGap[]): LintResult[] {
  const byFile = new Map<string, LintMessage[]>();
  for (const gap of gaps) {
    const messages = byFile.get(gap.file) ?? [];
    messages.push({ ruleId: gap.kind, severity: 2, message: gap.message, ...gap.place });
    byFile.set(gap.file, messages);
  }
  return [...byFile.keys()].sort().map((file) => resultOf(file, byFile.get(file)!));
}
