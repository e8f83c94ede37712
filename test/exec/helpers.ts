/** Test helpers of the executor tests: a memory sink, fixture loading, a fake kubectl that records argv. */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseRunbook } from '../../src/parse/index.js';
import type { Runbook } from '../../src/parse/model.js';
import type { CliIO } from '../../src/cli/io.js';
import type { NewEvent, TimelineEvent } from '../../src/timeline/events.js';
import { NODE_FAKE_PROXY, NODE_FAKE_PROXY_END } from '../sandbox/fake-kubectl.js';

/** Path of a fixture runbook. */
export const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;

/** Parses Markdown, failing on any parse error. */
export function runbookFrom(source: string): Runbook {
  const { runbook, file } = parseRunbook(source, { path: 'test.md' });
  const errors = file.messages.filter((m) => m.fatal);
  if (errors.length) throw new Error(`fixture does not parse: ${errors.map((e) => e.reason).join('; ')}`);
  return runbook;
}

/** A sink that keeps events in memory, stamped like the store would. */
export function memorySink(): { events: TimelineEvent[]; append(event: NewEvent): Promise<TimelineEvent> } {
  const events: TimelineEvent[] = [];
  return {
    events,
    async append(event) {
      const stamped = { v: 1, seq: events.length + 1, time: new Date().toISOString(), run: 'test', ...event } as TimelineEvent;
      events.push(stamped);
      return stamped;
    },
  };
}

/** A scratch folder with a fake `kubectl` first on PATH that appends its argv (JSON) to `argv.jsonl`. */
export interface FakeKubectl {
  dir: string;
  bin: string;
  /** PATH with the fake first. */
  path: string;
  /** Every invocation's argv (without argv[0]). */
  calls(): string[][];
  cleanup(): void;
}

/** Creates a fake kubectl: prints `{"items":[{"metadata":{"name":$FAKE_POD}}]}` for `-o json`, else `ok`. */
export function fakeKubectl(): FakeKubectl {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-exec-fake-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const log = join(dir, 'argv.jsonl');
  writeFileSync(
    join(bin, 'kubectl'),
    `#!/usr/bin/env node
${NODE_FAKE_PROXY}const fs = require('node:fs');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(args) + '\\n');
if (args.includes('json')) process.stdout.write(JSON.stringify({ items: [{ metadata: { name: process.env.FAKE_POD || 'gw-1' } }] }));
else process.stdout.write('ok\\n');
process.exit(Number(process.env.FAKE_EXIT || 0));
${NODE_FAKE_PROXY_END}`,
  );
  chmodSync(join(bin, 'kubectl'), 0o755);
  return {
    dir,
    bin,
    path: `${bin}:${process.env.PATH}`,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]) : []),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A CliIO writing into strings. */
export function memoryIO(options: { env: NodeJS.ProcessEnv; cwd: string }): CliIO & { out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  return {
    stdout,
    stderr,
    stdin: new PassThrough(),
    env: options.env,
    cwd: options.cwd,
    out: () => out,
    err: () => err,
  };
}

/** Events of one type. */
export function ofType<T extends TimelineEvent['type']>(events: readonly TimelineEvent[], type: T): Array<Extract<TimelineEvent, { type: T }>> {
  return events.filter((e): e is Extract<TimelineEvent, { type: T }> => e.type === type);
}

/** True while `pid` is a live process (a zombie waiting to be reaped by init counts as gone). */
export function isRunning(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}
