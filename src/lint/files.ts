/** Which files `runbook lint` reads: paths, folders (all `.md` under them) and globs, relative to cwd. */
import { readdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';

/** What `runbook lint` with no paths reads. */
export const DEFAULT_PATTERNS: readonly string[] = ['runbooks/**/*.md'];

/** Folders never searched. */
const IGNORE = ['**/node_modules/**', '**/.git/**'];

/**
 * Expands paths, folders and globs into files (relative to `cwd`, `/`-separated, sorted, unique). A path or
 * pattern that matches nothing is a UsageError: a typo must not pass lint silently.
 */
export async function expandPaths(patterns: readonly string[], cwd: string): Promise<string[]> {
  const found = new Set<string>();
  for (const pattern of patterns.length > 0 ? patterns : DEFAULT_PATTERNS) {
    let matches: string[];
    if (GLOB_CHARACTERS.test(pattern) && (await globber()).isDynamicPattern(pattern)) {
      matches = await (await globber()).glob(pattern, { cwd, ignore: IGNORE, absolute: true, dot: false });
    } else {
      const path = resolve(cwd, pattern);
      const info = await stat(path).catch(() => undefined);
      if (!info) throw new UsageError(`No such file or folder: ${pattern}`);
      matches = !info.isDirectory() ? [path] : (markdownUnder(path) ?? (await (await globber()).glob('**/*.md', { cwd: path, ignore: IGNORE, absolute: true })));
    }
    if (matches.length === 0) throw new UsageError(`No runbooks match \`${pattern}\``);
    for (const match of matches) found.add(displayPath(match, cwd));
  }
  return [...found].sort();
}

/**
 * The `.md` files under `dir` as the glob `**\/*.md` finds them (no dot files or folders, no node_modules),
 * read with readdir: a plain folder needs no glob library. Undefined when there is a symbolic link, whose
 * handling is left to the glob library.
 */
function markdownUnder(dir: string): string[] | undefined {
  const found: string[] = [];
  const walk = (at: string): boolean => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      if (entry.isSymbolicLink()) return false;
      if (entry.isDirectory()) {
        if (!walk(join(at, entry.name))) return false;
      } else if (entry.isFile() && entry.name.endsWith('.md')) found.push(join(at, entry.name));
    }
    return true;
  };
  return walk(dir) ? found : undefined;
}

/** A pattern without any of these is a plain path: linting named files needs no glob library. */
const GLOB_CHARACTERS = /[*?[\]{}()!+@|\\]/;

let tinyglobby: typeof import('tinyglobby') | undefined;
const globber = async (): Promise<typeof import('tinyglobby')> => (tinyglobby ??= await import('tinyglobby'));

/** `path` relative to `cwd` when it is under it, else absolute; always `/`-separated. */
export function displayPath(path: string, cwd: string): string {
  // The common case, a normalised path under cwd, without path.relative (which costs ~10 µs a file).
  const prefix = cwd.endsWith(sep) ? cwd : cwd + sep;
  if (sep === '/' && path.startsWith(prefix) && path.length > prefix.length && !/\/\.{0,2}(?:\/|$)|\/\//.test(path)) return path.slice(prefix.length).split('\\').join('/');
  const rel = relative(cwd, path);
  const shown = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  return shown.split('\\').join('/');
}
