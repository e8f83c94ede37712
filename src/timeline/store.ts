/**
 * The append-only timeline store: one JSON object per line, written with a single `write` and `fsync`ed
 * before `append` resolves, so a crash loses at most the event being written (a torn last line).
 *
 * Several processes may append to one file at once (`runbook run` and `runbook note` from another
 * terminal). Sequence numbers are allocated under a lock file `<path>.lock` (created with `wx`): the holder
 * re-reads the last complete event's `seq` when the file grew behind its back, writes, syncs, and unlinks
 * the lock. The lock is held for a few milliseconds; one older than `STALE_LOCK_MS` is taken to be left by
 * a crashed process and removed.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, constants as fsConstants, fstatSync, fsyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { mkdir, open, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TimelinePathError, TimelineWriteError } from './errors.js';
import { TIMELINE_VERSION, type NewEvent, type TimelineEvent } from './events.js';

export { TimelinePathError, TimelineWriteError } from './errors.js';

/** How an open timeline is written. */
export interface TimelineStore {
  /** The timeline file. */
  readonly path: string;
  /** The run id stamped on every event. */
  readonly run: string;
  /** Stamps `v`, `seq`, `time`, `run` on the event, appends it as one line and syncs it to disk. */
  append(event: NewEvent): Promise<TimelineEvent>;
  /** Waits for pending appends and closes the file. Idempotent. */
  close(): Promise<void>;
}

/** Options of `openTimeline`. */
export interface OpenTimelineOptions {
  /** Run id stamped on every event. */
  run: string;
  /** Clock for `time` (injected so tests are deterministic). */
  clock?: () => Date;
  /** Files the timeline must not be (the runbook being run): refused with `TimelinePathError`. */
  protect?: readonly string[];
}

/** Bytes of an existing file read to recognise a timeline of this tool (its first line is an event). */
const HEAD_BYTES = 64 * 1024;

/** A lock older than this was left by a process that died while holding it. */
export const STALE_LOCK_MS = 3_000;
/** Give up waiting for the lock after this long (a live holder keeps it for milliseconds). */
const LOCK_TIMEOUT_MS = 10_000;
/** Bytes read at a time when looking backwards for the last complete event. */
const TAIL_CHUNK = 64 * 1024;

/** A new run id: a random UUID. */
export function newRunId(): string {
  return randomUUID();
}

/**
 * Opens (creating it and its parent folders, mode 0600) a timeline for appending. On an existing file,
 * `seq` continues after the last complete event's. Rejects with `TimelineWriteError` when the file cannot
 * be created or opened for append.
 */
export async function openTimeline(path: string, options: OpenTimelineOptions): Promise<TimelineStore> {
  const clock = options.clock ?? (() => new Date());
  let created = false;
  let handle: FileHandle;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    try {
      // O_EXCL first so we know whether this call created the file (then its folder entry must be synced too);
      // with O_CREAT it also refuses a symbolic link, dangling or not, instead of following it.
      handle = await open(path, fsConstants.O_RDWR | fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW, 0o600);
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // An existing file: never follow a link, never block on a FIFO without a reader.
      handle = await open(path, fsConstants.O_RDWR | fsConstants.O_APPEND | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new TimelinePathError(path, `refusing timeline ${path}: it is a symbolic link; give the file it points to, or a new path`);
    if (code === 'ENXIO' || code === 'EISDIR') throw new TimelinePathError(path, `refusing timeline ${path}: ${code === 'EISDIR' ? 'it is a directory' : 'it is not a regular file'}`);
    throw new TimelineWriteError(path, `cannot open timeline ${path} for append: ${describe(error)}`, { cause: error });
  }
  try {
    await checkTimelineFile(handle, path, created, options.protect ?? []);
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
  if (created) await syncDirectory(dirname(path));

  let lastSeq = 0;
  let endsWithNewline = true;
  let knownSize = 0;
  try {
    const size = (await handle.stat()).size;
    ({ lastSeq, endsWithNewline } = await readTail(handle, size));
    knownSize = size;
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw new TimelineWriteError(path, `cannot read timeline ${path}: ${describe(error)}`, { cause: error });
  }

  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();

  async function appendNow(event: NewEvent): Promise<TimelineEvent> {
    if (closed) throw new TimelineWriteError(path, `timeline ${path} is closed`);
    // The uncontended path is synchronous: each thread-pool round trip of fs/promises cost more than the call
    // itself, twice per step (measured in docs/performance.md), and a run does nothing else while it records.
    const release = tryLockNow(path) ?? (await acquireLock(path));
    try {
      let size: number;
      try {
        size = fstatSync(handle.fd).size;
        // Another process (runbook note) appended since our last write: find where its seq got to.
        if (size !== knownSize) {
          const tail = await readTail(handle, size);
          lastSeq = Math.max(lastSeq, tail.lastSeq);
          endsWithNewline = tail.endsWithNewline;
        }
      } catch (error) {
        throw new TimelineWriteError(path, `cannot read timeline ${path}: ${describe(error)}`, { cause: error });
      }
      const seq = lastSeq + 1;
      const stamped = stamp(event, { seq, time: clock().toISOString(), run: options.run });
      // A torn line left by a crash is terminated (not rewritten) so this event starts on a line of its own.
      const text = `${endsWithNewline ? '' : '\n'}${JSON.stringify(stamped)}\n`;
      const bytes = Buffer.from(text, 'utf8');
      try {
        let written = 0;
        // One write call; the loop only matters if the kernel accepts part of it (then the line is torn anyway).
        while (written < bytes.length) written += writeSync(handle.fd, bytes, written, bytes.length - written);
        fsyncSync(handle.fd);
      } catch (error) {
        // We no longer know what the end of the file looks like; re-read it before the next append.
        knownSize = -1;
        throw new TimelineWriteError(path, `cannot write to timeline ${path}: ${describe(error)}`, { cause: error });
      }
      lastSeq = seq;
      endsWithNewline = true;
      knownSize = size + bytes.length;
      return stamped;
    } finally {
      await release();
    }
  }

  return {
    path,
    run: options.run,
    append(event: NewEvent): Promise<TimelineEvent> {
      // Appends from one store go out in call order, each after the previous one is on disk.
      const result = queue.then(() => appendNow(event));
      queue = result.catch(() => undefined);
      return result;
    },
    async close(): Promise<void> {
      if (closed) return;
      await queue;
      closed = true;
      await handle.close();
    },
  };
}

function stamp(event: NewEvent, base: { seq: number; time: string; run: string }): TimelineEvent {
  const { v: _v, seq: _seq, time: _time, run: _run, ...rest } = event as NewEvent & Record<'v' | 'seq' | 'time' | 'run', unknown>;
  return { v: TIMELINE_VERSION, seq: base.seq, time: base.time, run: base.run, ...rest } as TimelineEvent;
}

/**
 * Reads backwards from `size` to the last complete line holding an event with a numeric `seq`. Bytes after
 * the last newline are a torn line and never count.
 */
async function readTail(reader: FileHandle, size: number): Promise<{ lastSeq: number; endsWithNewline: boolean }> {
  if (size === 0) return { lastSeq: 0, endsWithNewline: true };
  {
    let start = size;
    let data = Buffer.alloc(0);
    let endsWithNewline: boolean | undefined;
    while (start > 0) {
      const from = Math.max(0, start - TAIL_CHUNK);
      const chunk = Buffer.alloc(start - from);
      let got = 0;
      while (got < chunk.length) {
        const { bytesRead } = await reader.read(chunk, got, chunk.length - got, from + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      data = Buffer.concat([chunk.subarray(0, got), data]);
      start = from;
      endsWithNewline ??= data[data.length - 1] === 0x0a;
      const lines = data.toString('utf8').split('\n');
      lines.pop(); // after the last newline: empty, or a torn line
      // The first piece may be the end of a line that starts in a chunk not read yet.
      const firstComplete = start === 0 ? 0 : 1;
      for (let i = lines.length - 1; i >= firstComplete; i--) {
        const seq = seqOf(lines[i] ?? '');
        if (seq !== undefined) return { lastSeq: seq, endsWithNewline };
      }
    }
    return { lastSeq: 0, endsWithNewline: endsWithNewline ?? true };
  }
}

/**
 * An open timeline file is safe to append to: a regular file (not a FIFO, device or directory), not one of
 * `protect` (compared by device and inode, so another path to the runbook is caught too), and, when it
 * existed before, empty or a timeline of this tool (its first line is an event: `v`, `seq`, `type`; a first
 * line torn by a crash still starts like one).
 */
async function checkTimelineFile(handle: FileHandle, path: string, created: boolean, protect: readonly string[]): Promise<void> {
  const info = await handle.stat();
  if (!info.isFile()) throw new TimelinePathError(path, `refusing timeline ${path}: it is not a regular file (a FIFO, device or socket)`);
  for (const other of protect) {
    const theirs = await stat(other).catch(() => undefined);
    if (theirs && theirs.dev === info.dev && theirs.ino === info.ino) {
      throw new TimelinePathError(path, `refusing timeline ${path}: it is ${other}, which this run reads`);
    }
  }
  if (created || info.size === 0) return;
  const head = Buffer.alloc(Math.min(HEAD_BYTES, info.size));
  const { bytesRead } = await handle.read(head, 0, head.length, 0);
  const text = head.subarray(0, bytesRead).toString('utf8');
  const newline = text.indexOf('\n');
  if (newline === -1 ? isTornRunStart(text) : isEventLine(text.slice(0, newline))) return;
  throw new TimelinePathError(path, `refusing timeline ${path}: it exists and is not a runbook timeline (its first line is not a timeline event); give a new path`);
}

function isEventLine(line: string): boolean {
  try {
    const value = JSON.parse(line) as { v?: unknown; seq?: unknown; type?: unknown };
    return typeof value?.v === 'number' && typeof value.seq === 'number' && typeof value.type === 'string';
  } catch {
    return false;
  }
}

/** The start of a `run.started` line cut short by a crash: the stamp writes `v` first. */
function isTornRunStart(text: string): boolean {
  return /^\{"v":\d+,"seq":\d/.test(text);
}

function seqOf(line: string): number | undefined {
  if (!line.trim()) return undefined;
  try {
    const value = JSON.parse(line) as { seq?: unknown };
    return typeof value?.seq === 'number' && Number.isInteger(value.seq) ? value.seq : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes `<path>.lock` at once when nobody holds it (the usual case); undefined when it is held, so the caller
 * waits for it with `acquireLock`. Same outcomes as `acquireLock` otherwise.
 */
function tryLockNow(path: string): (() => Promise<void>) | undefined {
  const lockPath = `${path}.lock`;
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return undefined;
    if (code === 'EACCES' || code === 'EPERM') return async () => undefined;
    throw new TimelineWriteError(path, `cannot lock timeline ${path}: ${describe(error)}`, { cause: error });
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } catch (error) {
    // On a full disk the lock file can be created but not written: remove it (see acquireLock).
    closeSync(fd);
    try {
      unlinkSync(lockPath);
    } catch {
      // Already gone.
    }
    throw new TimelineWriteError(path, `cannot lock timeline ${path}: ${describe(error)}`, { cause: error });
  }
  closeSync(fd);
  return async () => {
    try {
      unlinkSync(lockPath);
    } catch {
      // Already gone (a stale-lock sweep by another process).
    }
  };
}

/** Takes `<path>.lock`; resolves to its release. */
async function acquireLock(path: string): Promise<() => Promise<void>> {
  const lockPath = `${path}.lock`;
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      const lock = await open(lockPath, 'wx', 0o600);
      try {
        await lock.writeFile(`${process.pid}\n`);
      } catch (error) {
        // On a full disk the lock file can be created (a free inode) but not written: remove it, or every
        // later append would wait for it to go stale.
        await lock.close();
        await unlink(lockPath).catch(() => undefined);
        throw error;
      }
      await lock.close();
      return async () => {
        await unlink(lockPath).catch(() => undefined);
      };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A folder we may not create files in (but the timeline itself is writable): append without the lock;
      // seq stays right for a single writer, which is the only way such a file gets written.
      if (code === 'EACCES' || code === 'EPERM') return async () => undefined;
      if (code !== 'EEXIST') throw new TimelineWriteError(path, `cannot lock timeline ${path}: ${describe(error)}`, { cause: error });
    }
    try {
      const age = Date.now() - (await stat(lockPath)).mtimeMs;
      if (age > STALE_LOCK_MS) await unlink(lockPath).catch(() => undefined);
    } catch {
      // Released between our attempt and the stat: try again at once.
      continue;
    }
    if (Date.now() > deadline) {
      throw new TimelineWriteError(path, `timeline ${path} is locked by another process (${lockPath}); remove the lock file if no runbook process is running`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 8));
  }
}

async function syncDirectory(dir: string): Promise<void> {
  // Without this a crash right after creation may lose the file's name even though its data was synced.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems refuse fsync on a folder; the events themselves are still synced.
  }
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC') return 'no space left on device';
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'permission denied';
  if (e?.code === 'EROFS') return 'read-only file system';
  return e instanceof Error ? e.message : String(error);
}
