import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { noteCommand } from '../../src/cli/commands/note.js';
import type { CliIO } from '../../src/cli/io.js';
import { readTimeline } from '../../src/timeline/reader.js';
import { openTimeline } from '../../src/timeline/store.js';
import { everyEventType } from './events.fixture.js';

function io(): CliIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  return { stdout, stderr, stdin: new PassThrough(), env: {}, cwd: process.cwd(), out: () => out, err: () => err };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'note-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runbook note', () => {
  it('appends a note by the OS user while the run has the file open, and prints its seq', async () => {
    const path = join(dir, 'run.jsonl');
    const run = await openTimeline(path, { run: 'run-7' });
    await run.append(everyEventType[0]!);
    await run.append(everyEventType[1]!);
    const cli = io();
    expect(await noteCommand(path, 'rolled back the config map', cli)).toBe(0);
    expect(cli.out()).toBe('3\n');
    // The run's store sees the note and carries on after it.
    expect((await run.append(everyEventType[2]!)).seq).toBe(4);
    await run.close();
    const { events } = await readTimeline(path);
    expect(events[2]).toMatchObject({ seq: 3, run: 'run-7', type: 'note', text: 'rolled back the config map', by: userInfo().username });
  });

  it('redacts secrets in the note, with the built-in rules and the .runbookrc patterns', async () => {
    const path = join(dir, 'run.jsonl');
    const run = await openTimeline(path, { run: 'run-8' });
    await run.append(everyEventType[0]!);
    await run.close();
    await writeFile(join(dir, '.runbookrc.json'), JSON.stringify({ redact: ['acme_[a-z0-9]{8}'] }));
    const cli = { ...io(), cwd: dir };
    expect(await noteCommand(path, 'used Authorization: Bearer abc.def.ghi and key acme_12345678', cli)).toBe(0);
    const text = (await readTimeline(path)).events[1]!;
    expect(text).toMatchObject({ type: 'note', text: 'used Authorization: Bearer [REDACTED] and key [REDACTED]' });
  });

  it('exits 2 with a plain message when the file does not exist, and creates nothing', async () => {
    const cli = io();
    const path = join(dir, 'nope.jsonl');
    expect(await noteCommand(path, 'x', cli)).toBe(2);
    expect(cli.err()).toContain(`no timeline at ${path}`);
    await expect(readTimeline(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('exits 2 when the file has no run.started', async () => {
    const path = join(dir, 'other.jsonl');
    await writeFile(path, '{"hello":"world"}\n');
    const cli = io();
    expect(await noteCommand(path, 'x', cli)).toBe(2);
    expect(cli.err()).toContain('no run.started');
  });

  it('exits 2 on an empty note', async () => {
    const cli = io();
    expect(await noteCommand(join(dir, 'x.jsonl'), '  ', cli)).toBe(2);
    expect(cli.err()).toContain('empty');
  });
});
