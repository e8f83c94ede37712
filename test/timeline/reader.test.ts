import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTimeline, readTimeline, readTimelineSync } from '../../src/timeline/reader.js';

const ok = (seq: number) => JSON.stringify({ v: 1, seq, time: '2025-10-26T10:20:00.000Z', run: 'r', type: 'note', text: 't', by: 'a' });

describe('parseTimeline', () => {
  it('reads complete lines, skips blank ones', () => {
    const r = parseTimeline(`${ok(1)}\n\n${ok(2)}\n`);
    expect(r.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(r.torn).toBeUndefined();
    expect(r.invalid).toEqual([]);
  });

  it('reports a torn last line with its line number and ignores it, even when it happens to be valid JSON', () => {
    expect(parseTimeline(`${ok(1)}\n{"v":1,"se`).torn).toEqual({ line: 2, text: '{"v":1,"se' });
    const r = parseTimeline(`${ok(1)}\n${ok(2)}`);
    expect(r.events.map((e) => e.seq)).toEqual([1]);
    expect(r.torn?.line).toBe(2);
  });

  it.each([
    ['not JSON', 'nope', 'not JSON'],
    ['an array', '[1]', 'not a JSON object'],
    ['another version', JSON.stringify({ v: 2, seq: 1, time: 'x', run: 'r', type: 'note' }), 'unsupported format version `v: 2`'],
    ['no seq', JSON.stringify({ v: 1, time: '2025-10-26T10:20:00.000Z', run: 'r', type: 'note' }), '`seq`'],
    ['an unknown type', JSON.stringify({ v: 1, seq: 1, time: '2025-10-26T10:20:00.000Z', run: 'r', type: 'x' }), 'unknown event type `x`'],
  ])('reports %s with its line', (_name, line, message) => {
    const r = parseTimeline(`${ok(1)}\n${line}\n${ok(3)}\n`);
    expect(r.events.map((e) => e.seq)).toEqual([1, 3]);
    expect(r.invalid).toEqual([{ line: 2, message: expect.stringContaining(message) }]);
  });

  it('reads files, async and sync alike; a missing file rejects', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'timeline-'));
    try {
      const path = join(dir, 't.jsonl');
      await writeFile(path, `${ok(1)}\n${ok(2)}\n{"tor`);
      expect(await readTimeline(path)).toEqual(readTimelineSync(path));
      expect((await readTimeline(path)).torn?.text).toBe('{"tor');
      await expect(readTimeline(join(dir, 'missing.jsonl'))).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
