import { execFile } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTimeline } from '../../src/timeline/reader.js';
import { openTimeline, STALE_LOCK_MS, TimelinePathError, TimelineWriteError } from '../../src/timeline/store.js';
import { everyEventType, steppingClock } from './events.fixture.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'timeline-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openTimeline / append', () => {
  it('round-trips every event type, stamping v, seq, time and run', async () => {
    const path = join(dir, 'deep', 'er', 'run.jsonl');
    const store = await openTimeline(path, { run: 'run-1', clock: steppingClock() });
    const appended = [];
    for (const e of everyEventType) appended.push(await store.append(e));
    await store.close();

    const text = await readFile(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(everyEventType.length + 1);
    const { events, torn, invalid } = await readTimeline(path);
    expect(torn).toBeUndefined();
    expect(invalid).toEqual([]);
    expect(events).toEqual(appended);
    expect(events.map((e) => e.seq)).toEqual(everyEventType.map((_, i) => i + 1));
    expect(events[0]).toMatchObject({ v: 1, seq: 1, time: '2025-10-26T10:14:00.000Z', run: 'run-1', type: 'run.started' });
    expect(events[7]?.time).toBe('2025-10-26T10:14:07.000Z');
    events.forEach((e, i) => expect(e).toMatchObject(everyEventType[i]!));
    // Keys start with the stamp, so `head` of the file reads naturally.
    expect(Object.keys(events[6]!)).toEqual(['v', 'seq', 'time', 'run', 'type', 'text', 'by']);
  });

  it('continues seq after the last complete event when reopened', async () => {
    const path = join(dir, 'run.jsonl');
    const first = await openTimeline(path, { run: 'r' });
    await first.append(everyEventType[0]!);
    await first.append(everyEventType[1]!);
    await first.close();
    const second = await openTimeline(path, { run: 'r' });
    const e = await second.append({ type: 'note', text: 'resumed', by: 'a' });
    await second.close();
    expect(e.seq).toBe(3);
    expect((await readTimeline(path)).events.map((x) => x.seq)).toEqual([1, 2, 3]);
  });

  it('creates the file with mode 0600 and never widens it', async () => {
    const path = join(dir, 'runs', 'run.jsonl');
    const store = await openTimeline(path, { run: 'r' });
    await store.append({ type: 'note', text: 'x', by: 'a' });
    await store.close();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('appends a torn line to nothing: the next event starts on its own line, seq after the last complete one', async () => {
    const path = join(dir, 'run.jsonl');
    const store = await openTimeline(path, { run: 'r' });
    await store.append(everyEventType[0]!);
    await store.append({ type: 'note', text: 'before crash', by: 'a' });
    await store.close();
    const torn = '{"v":1,"seq":3,"time":"2025-10-26T10:1';
    await appendFile(path, torn);
    const before = await readFile(path, 'utf8');

    const read = await readTimeline(path);
    expect(read.torn).toEqual({ line: 3, text: torn });
    expect(read.events.map((e) => e.seq)).toEqual([1, 2]);
    // Reading never rewrites.
    expect(await readFile(path, 'utf8')).toBe(before);

    const resumed = await openTimeline(path, { run: 'r' });
    const e = await resumed.append({ type: 'note', text: 'after crash', by: 'a' });
    await resumed.close();
    expect(e.seq).toBe(3);
    const after = await readFile(path, 'utf8');
    expect(after.startsWith(before)).toBe(true);
    const reread = await readTimeline(path);
    expect(reread.torn).toBeUndefined();
    expect(reread.events.map((x) => x.seq)).toEqual([1, 2, 3]);
    expect(reread.invalid).toEqual([{ line: 3, message: expect.stringContaining('not JSON') }]);
  });

  it('refuses a symbolic link (here to /dev/full) and a device with TimelinePathError, before writing anything', async () => {
    // Disk full (ENOSPC on a regular file) is test/reliability/timeline-faults.test.ts, on a small tmpfs.
    const path = join(dir, 'full.jsonl');
    await symlink('/dev/full', path);
    await expect(openTimeline(path, { run: 'r' })).rejects.toBeInstanceOf(TimelinePathError);
    await expect(openTimeline('/dev/full', { run: 'r' })).rejects.toMatchObject({ path: '/dev/full', message: expect.stringContaining('not a regular file') });
  });

  it('rejects with TimelineWriteError when the path cannot be created', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, '');
    const open = openTimeline(join(file, 'run.jsonl'), { run: 'r' });
    await expect(open).rejects.toBeInstanceOf(TimelineWriteError);
    await expect(open).rejects.toMatchObject({ code: expect.stringMatching(/^(EEXIST|ENOTDIR)$/), message: expect.stringContaining('cannot open timeline') });
  });

  it('rejects appends after close', async () => {
    const store = await openTimeline(join(dir, 'run.jsonl'), { run: 'r' });
    await store.close();
    await expect(store.append({ type: 'note', text: 'x', by: 'a' })).rejects.toBeInstanceOf(TimelineWriteError);
  });

  it('removes a lock left by a crashed process and appends', async () => {
    const path = join(dir, 'run.jsonl');
    const lock = `${path}.lock`;
    await writeFile(lock, '99999\n');
    const old = new Date(Date.now() - STALE_LOCK_MS - 5_000);
    await utimes(lock, old, old);
    const store = await openTimeline(path, { run: 'r' });
    expect((await store.append({ type: 'note', text: 'x', by: 'a' })).seq).toBe(1);
    await store.close();
    await expect(stat(lock)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps appends of one store in call order', async () => {
    const path = join(dir, 'run.jsonl');
    const store = await openTimeline(path, { run: 'r' });
    const all = await Promise.all(Array.from({ length: 20 }, (_, i) => store.append({ type: 'note', text: String(i), by: 'a' })));
    await store.close();
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const { events } = await readTimeline(path);
    expect(events.map((e) => (e.type === 'note' ? e.text : ''))).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
  });
});

describe('concurrent writers', () => {
  it('two stores in one process (a note while the run writes) interleave without a broken line or a duplicate seq', async () => {
    const path = join(dir, 'run.jsonl');
    const run = await openTimeline(path, { run: 'r' });
    const note = await openTimeline(path, { run: 'r' });
    await Promise.all([
      (async () => {
        for (let i = 0; i < 30; i++) await run.append({ type: 'note', text: `run ${i}`, by: 'run' });
      })(),
      (async () => {
        for (let i = 0; i < 30; i++) await note.append({ type: 'note', text: `note ${i}`, by: 'note' });
      })(),
    ]);
    await run.close();
    await note.close();
    const { events, torn, invalid } = await readTimeline(path);
    expect(torn).toBeUndefined();
    expect(invalid).toEqual([]);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('three processes appending at once give seq 1..N in file order, every line whole', async () => {
    const path = join(dir, 'run.jsonl');
    const worker = join(import.meta.dirname, 'append-worker.ts');
    const tsx = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'tsx');
    const exec = promisify(execFile);
    const count = 40;
    await Promise.all(['w1', 'w2', 'w3'].map((by) => exec(tsx, [worker, path, 'r', by, String(count)])));
    const { events, torn, invalid } = await readTimeline(path);
    expect(torn).toBeUndefined();
    expect(invalid).toEqual([]);
    expect(events).toHaveLength(3 * count);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 3 * count }, (_, i) => i + 1));
    for (const by of ['w1', 'w2', 'w3']) {
      const mine = events.filter((e) => e.type === 'note' && e.by === by).map((e) => (e.type === 'note' ? Number(e.text.split(' ')[1]) : -1));
      expect(mine).toEqual(Array.from({ length: count }, (_, i) => i));
    }
    await expect(stat(`${path}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});
