/**
 * The lint cache: per file, a hash of its content under the current settings and the messages it gave.
 * A file whose hash matches is not parsed again and prints the same output as before.
 */
import { createRequire } from 'node:module';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { VERSION } from '../version.js';
import { resultOf, type LintMessage, type LintResult } from './result.js';
import type { RuleSettings } from './settings.js';

/** Default cache file, relative to cwd. */
export const DEFAULT_CACHE_LOCATION = '.runbook/lint-cache.json';

interface CacheEntry {
  hash: string;
  /** Size and modification time when the file was read: when both are unchanged, it is not read again. */
  size?: number;
  mtimeMs?: number;
  messages: LintMessage[];
  /** The file is a postmortem (linted by the CLI with the postmortem rules, not cached here). */
  postmortem?: true;
}

/** What identifies a file's content: its hash, and the size and modification time it was read with. */
export interface FileStamp {
  hash: string;
  size: number;
  mtimeMs: number;
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

let crypto: typeof import('node:crypto') | undefined;

/** SHA-1 of a text (fast, and collisions are no security matter here). */
export function hash(text: string): string {
  // node:crypto takes ~4 ms to load; a run without --cache never needs it.
  crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return crypto.createHash('sha1').update(text).digest('hex');
}

/**
 * A cache loaded from disk; `save` writes it back with only the files of this run (and only when that changes
 * it). A file whose size and modification time are those it was last read with is taken as unchanged without
 * reading it (as ESLint's cache does); otherwise its content hash decides.
 */
export class LintCache {
  private readonly next: Record<string, CacheEntry> = {};
  private changed = false;

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
    const cache = new LintCache(location, key, {});
    cache.changed = true;
    return cache;
  }

  /** The result stored for `path` when it was read with this size and modification time. */
  unchanged(path: string, size: number, mtimeMs: number): LintResult | undefined {
    const entry = this.previous[path];
    if (entry === undefined || entry.size !== size || entry.mtimeMs !== mtimeMs) return undefined;
    return this.keep(path, entry);
  }

  /** The result stored for `path` when its content hash is `stamp.hash` (its size and time are updated). */
  get(path: string, stamp: FileStamp): LintResult | undefined {
    const entry = this.previous[path];
    if (entry?.hash !== stamp.hash) return undefined;
    if (entry.size !== stamp.size || entry.mtimeMs !== stamp.mtimeMs) this.changed = true;
    return this.keep(path, { ...entry, size: stamp.size, mtimeMs: stamp.mtimeMs });
  }

  /** Records the result of `path`. */
  set(path: string, stamp: FileStamp, result: LintResult): void {
    this.changed = true;
    this.next[path] = { ...stamp, messages: result.messages, ...(result.postmortem ? { postmortem: true as const } : {}) };
  }

  private keep(path: string, entry: CacheEntry): LintResult {
    this.next[path] = entry;
    const result = resultOf(path, entry.messages);
    return entry.postmortem ? { ...result, postmortem: true } : result;
  }

  /** Writes the cache (atomically: a crash mid-write never leaves half a file); nothing when it did not change. */
  async save(): Promise<void> {
    if (!this.changed && Object.keys(this.next).length === Object.keys(this.previous).length) return;
    await mkdir(dirname(this.location), { recursive: true });
    const temporary = `${this.location}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify({ key: this.key, files: this.next } satisfies CacheFile));
    await rename(temporary, this.location);
  }
}
