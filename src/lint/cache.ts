/**
 * The lint cache: per file, a hash of its content under the current settings and the messages it gave.
 * A file whose hash matches is not parsed again and prints the same output as before.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { VERSION } from '../version.js';
import type { LintMessage } from './result.js';
import type { RuleSettings } from './settings.js';

/** Default cache file, relative to cwd. */
export const DEFAULT_CACHE_LOCATION = '.runbook/lint-cache.json';

interface CacheEntry {
  hash: string;
  messages: LintMessage[];
}

interface CacheFile {
  /** Settings and tool version the entries were made with; a change invalidates every entry. */
  key: string;
  files: Record<string, CacheEntry>;
}

/** The cache key of a settings object: changes with the settings and with the tool version. */
export function settingsKey(settings: RuleSettings): string {
  return hash(`${VERSION}\n${JSON.stringify(settings)}`);
}

/** SHA-1 of a text (fast, and collisions are no security matter here). */
export function hash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** A cache loaded from disk; `save` writes it back with only the files of this run. */
export class LintCache {
  private readonly next: Record<string, CacheEntry> = {};

  private constructor(
    readonly location: string,
    private readonly key: string,
    private readonly previous: Record<string, CacheEntry>,
  ) {}

  /** Loads the cache at `location`; a missing, unreadable or foreign file is an empty cache. */
  static async load(location: string, settings: RuleSettings): Promise<LintCache> {
    const key = settingsKey(settings);
    try {
      const data = JSON.parse(await readFile(location, 'utf8')) as Partial<CacheFile>;
      if (data.key === key && data.files && typeof data.files === 'object') return new LintCache(location, key, data.files);
    } catch {
      // Start empty: a broken cache only costs one cold run.
    }
    return new LintCache(location, key, {});
  }

  /** The messages stored for `path` when its content hash is `contentHash`. */
  get(path: string, contentHash: string): LintMessage[] | undefined {
    const entry = this.previous[path];
    if (entry?.hash !== contentHash) return undefined;
    this.next[path] = entry;
    return entry.messages;
  }

  /** Records the messages of `path`. */
  set(path: string, contentHash: string, messages: LintMessage[]): void {
    this.next[path] = { hash: contentHash, messages };
  }

  /** Writes the cache (atomically: a crash mid-write never leaves half a file). */
  async save(): Promise<void> {
    await mkdir(dirname(this.location), { recursive: true });
    const temporary = `${this.location}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify({ key: this.key, files: this.next } satisfies CacheFile));
    await rename(temporary, this.location);
  }
}
