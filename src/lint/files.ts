/** Which files `runbook lint` reads: paths, folders (all `.md` under them) and globs, relative to cwd. */
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
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
    if (isDynamicPattern(pattern)) {
      matches = await glob(pattern, { cwd, ignore: IGNORE, absolute: true, dot: false });
    } else {
      const path = resolve(cwd, pattern);
      const info = await stat(path).catch(() => undefined);
      if (!info) throw new UsageError(`No such file or folder: ${pattern}`);
      matches = info.isDirectory() ? await glob('**/*.md', { cwd: path, ignore: IGNORE, absolute: true }) : [path];
    }
    if (matches.length === 0) throw new UsageError(`No runbooks match \`${pattern}\``);
    for (const match of matches) found.add(displayPath(match, cwd));
  }
  return [...found].sort();
}

/** `path` relative to `cwd` when it is under it, else absolute; always `/`-separated. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  const shown = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  return shown.split('\\').join('/');
}
