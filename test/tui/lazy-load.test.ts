/**
 * ink and React cost ~0.5 s to import, so only an interactive `runbook run` may load them. Each command runs
 * as a real process with a module resolve hook (hooks/log-resolve.mjs) that logs every module it resolves;
 * the interactive cases run in a real terminal (tmux). The last case is the control: on a terminal, `run`
 * does load the UI, so an empty log elsewhere means "not loaded", not "the hook saw nothing".
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_SOURCE, ROOT, RUNBOOK, TSX_LOADER } from './e2e-helpers.js';
import { startTmux } from './tmux.js';

const execFileAsync = promisify(execFile);
const HOOK = pathToFileURL(join(ROOT, 'test', 'tui', 'hooks', 'log-resolve.mjs')).href;
/** What only the interactive UI brings in. */
const UI_MODULE = /\/node_modules\/(ink|react|react-reconciler|@inkjs\/ui)\/|\/src\/tui\//;
/** A closed loopback port: the one query fails at once, so a run ends in well under a second of work. */
const CLOSED_PROMETHEUS = 'http://127.0.0.1:1';

const ONE_QUERY = `---
title: One query
---

# One query

\`\`\`promql {#up title="Targets up"}
up
\`\`\`
`;

let dir: string;
let runbook: string;
let counter = 0;

const env = (log: string): Record<string, string> => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: dir,
  LANG: 'C.UTF-8',
  TERM: 'xterm-256color',
  TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'),
  RUNBOOK_RESOLVE_LOG: log,
});
const argv = (args: string[]): string[] => [process.execPath, '--import', TSX_LOADER, '--import', HOOK, CLI_SOURCE, ...args];

/** The modules a command resolved. */
function resolved(log: string): string[] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t')[1]!);
}

/** Runs the CLI without a terminal (stdin and stdout are pipes). */
async function plain(args: string[]): Promise<string[]> {
  const log = join(dir, `resolve-${++counter}.log`);
  const [node, ...rest] = argv(args);
  await execFileAsync(node!, rest, { cwd: dir, env: env(log) }).catch((error: { code?: unknown }) => {
    // Exit 1 (a failed run, lint findings) is an answer, not a crash.
    if (typeof error.code !== 'number') throw error;
  });
  return resolved(log);
}

/** Runs the CLI in a real terminal and waits for it to exit. */
async function onTerminal(args: string[]): Promise<{ modules: string[]; exitCode: number; screen: string }> {
  const log = join(dir, `resolve-${++counter}.log`);
  const pane = await startTmux({ argv: argv(args), cwd: dir, env: env(log), width: 100, height: 40 });
  try {
    const exitCode = await pane.waitForExit(30_000);
    return { modules: resolved(log), exitCode, screen: await pane.capture() };
  } finally {
    await pane.kill();
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-lazy-'));
  runbook = join(dir, 'one-query.md');
  writeFileSync(runbook, ONE_QUERY);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('ink and React load only for an interactive run', () => {
  it('not for --help, parse, lint, a run without a terminal, or export', async () => {
    const timeline = join(dir, 'plain.jsonl');
    const cases: Array<[string, string[], RegExp]> = [
      ['--help', ['--help'], /\/src\/cli\/main\.ts$/],
      ['parse', ['parse', RUNBOOK], /\/src\/cli\/commands\/parse\.ts$/],
      ['lint', ['lint', RUNBOOK], /\/src\/cli\/commands\/lint\.ts$/],
      ['run (no terminal)', ['run', runbook, '--prometheus', CLOSED_PROMETHEUS, '--timeline', timeline], /\/src\/exec\/executor\.ts$/],
    ];
    for (const [name, args, proof] of cases) {
      const modules = await plain(args);
      // The hook saw the command's own modules…
      expect(modules.some((m) => proof.test(m)), `${name}: the command's module was resolved`).toBe(true);
      // …and nothing of the UI.
      expect(modules.filter((m) => UI_MODULE.test(m)), name).toEqual([]);
    }
    // The plain run above wrote a timeline; exporting it does not need the UI either.
    const exported = await plain(['export', timeline, '--format', 'json']);
    expect(exported.some((m) => m.endsWith('/src/cli/commands/export.ts'))).toBe(true);
    expect(exported.filter((m) => UI_MODULE.test(m))).toEqual([]);
  }, 60_000);

  it('not for --dry-run or --json, even on a terminal', async () => {
    const dry = await onTerminal(['run', runbook, '--dry-run', '--prometheus', CLOSED_PROMETHEUS, '--timeline', join(dir, 'dry.jsonl')]);
    expect(dry.exitCode).toBe(0);
    expect(dry.screen).toContain('Targets up');
    expect(dry.modules.some((m) => m.endsWith('/src/exec/executor.ts'))).toBe(true);
    expect(dry.modules.filter((m) => UI_MODULE.test(m))).toEqual([]);

    const json = await onTerminal(['run', runbook, '--json', '--prometheus', CLOSED_PROMETHEUS, '--timeline', join(dir, 'json.jsonl')]);
    expect(json.exitCode).toBe(1);
    expect(json.screen).toContain('"type":"run.finished"');
    expect(json.modules.filter((m) => UI_MODULE.test(m))).toEqual([]);
  }, 60_000);

  it('on a terminal, `run` loads ink and React and draws the UI (the control)', async () => {
    const timeline = join(dir, 'tty.jsonl');
    const { modules, exitCode, screen } = await onTerminal(['run', runbook, '--prometheus', CLOSED_PROMETHEUS, '--timeline', timeline]);
    expect(exitCode).toBe(1);
    expect(screen).toContain('Run finished: failed');
    expect(screen).toContain(`Timeline: ${timeline}`);
    expect(modules.some((m) => /\/node_modules\/ink\//.test(m))).toBe(true);
    expect(modules.some((m) => /\/node_modules\/react\//.test(m))).toBe(true);
    expect(modules.some((m) => m.endsWith('/src/tui/index.ts'))).toBe(true);
  }, 60_000);
});

/** Files `entry` imports statically (`import … from "./x.js"`, `import "./x.js"`, `export … from`), transitively. */
function staticClosure(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s(?:[^;'"]*?\sfrom\s*)?"(\.{1,2}\/[^"]+)"/g)) visit(join(dirname(file), match[1]!));
  };
  visit(entry);
  return seen;
}

const DIST_CLI = join(ROOT, 'dist', 'cli.js');
const IMPORTS_INK = /\bfrom\s*"(ink|react)"/;

describe.skipIf(!existsSync(DIST_CLI))('the built CLI (dist/, as `npm test` builds it)', () => {
  it('keeps ink and React out of the entry and the run command chunk; only a chunk they import() lazily has them', () => {
    // The entry only turns on the compile cache and then import()s the command module (always loaded).
    const main = [...readFileSync(DIST_CLI, 'utf8').matchAll(/import\("(\.\/main-[^"]+)"\)/g)].map((m) => join(ROOT, 'dist', m[1]!));
    expect(main).toHaveLength(1);
    const run = [...readFileSync(main[0]!, 'utf8').matchAll(/import\("(\.\/run-[^"]+)"\)/g)].map((m) => join(ROOT, 'dist', m[1]!));
    expect(run).toHaveLength(1);
    // Everything that loads for `runbook --help` and for a plain `runbook run`.
    const eager = new Set([...staticClosure(DIST_CLI), ...staticClosure(main[0]!), ...staticClosure(run[0]!)]);
    expect(eager.size).toBeGreaterThan(2);
    expect([...eager].filter((file) => IMPORTS_INK.test(readFileSync(file, 'utf8')))).toEqual([]);
    // The control: the UI is in the bundle, behind the run chunk's dynamic import().
    const lazy = [...readFileSync(run[0]!, 'utf8').matchAll(/import\("(\.\/[^"]+)"\)/g)].map((m) => join(ROOT, 'dist', m[1]!));
    expect(lazy.some((file) => [...staticClosure(file)].some((f) => IMPORTS_INK.test(readFileSync(f, 'utf8'))))).toBe(true);
  });
});
