/**
 * The linters being compared, as argv arrays run with the same `node`: `runbook lint` (the built CLI),
 * markdownlint-cli2 (default rules) and remark-cli (preset-lint-recommended + directive + frontmatter).
 * Peers are started through their bin scripts, not `npx`, so npx's own start-up is not counted.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Command } from './measure.js';

/** Ids of the compared linters. */
export type ToolId = 'runbook' | 'markdownlint-cli2' | 'remark-cli';

/** Every compared linter, runbook first. */
export const TOOL_IDS: readonly ToolId[] = ['runbook', 'markdownlint-cli2', 'remark-cli'];

/** Paths the harness works with. */
export interface BenchPaths {
  /** Repository root (cwd of every command). */
  root: string;
  /** bench/.work */
  work: string;
  /** bench/corpus */
  corpus: string;
  /** The CLI to measure, once {@link ensureBuilt} has built it (default dist/cli.js). */
  cli?: string;
}

/** The built CLI being measured. */
export function cliPath(paths: BenchPaths): string {
  return paths.cli ?? join(paths.root, 'dist', 'cli.js');
}

/** Which build of the CLI is measured, or why none can be. */
export type BuildOutcome = { cli: string; note?: string } | { skip: string };

function runTsup(paths: BenchPaths, args: string[]): { ok: boolean; detail: string } {
  const result = spawnSync(join(paths.root, 'node_modules', '.bin', 'tsup'), [...args, '--silent'], { cwd: paths.root, encoding: 'utf8' });
  const detail = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').find((line) => /ERROR|error/.test(line)) ?? '';
  return { ok: result.status === 0, detail: detail.replace(/^[^A-Za-z]*/, '').trim() };
}

/**
 * Builds the CLI for this run into bench/.work/cli with the project's own tsup.config.ts (`--out-dir` only
 * changes where it goes). A private build, not dist/: `npm test` rebuilds dist/ (pretest), and a concurrent
 * rebuild must not change the code under measurement halfway through a run. When that build fails because a
 * command module does not exist yet, builds bench/tsup.bench.config.ts instead (same settings, missing
 * commands left external) and says so in `note`.
 */
export function ensureBuilt(paths: BenchPaths, log: (line: string) => void): BuildOutcome {
  const outDir = join(paths.work, 'cli');
  const cli = join(outDir, 'cli.js');
  log('building the CLI into bench/.work/cli with tsup …');
  const main = runTsup(paths, ['--out-dir', outDir]);
  if (main.ok && existsSync(cli)) return { cli };
  log(`tsup failed (${main.detail}); trying the benchmark build with missing commands left external …`);
  const bench = runTsup(paths, ['--config', join(paths.root, 'bench', 'tsup.bench.config.ts')]);
  if (bench.ok && existsSync(cli)) {
    return { cli, note: `measured a build of bench/tsup.bench.config.ts (tsup.config.ts settings) because \`tsup\` failed: ${main.detail}` };
  }
  return { skip: `the CLI does not build: ${main.detail || bench.detail}` };
}

/** Whether `runbook <command>` exists in this tree yet (the commands are written concurrently). */
export function commandAvailable(paths: BenchPaths, command: 'lint' | 'run'): string | undefined {
  const source = join(paths.root, 'src', 'cli', 'commands', `${command}.ts`);
  return existsSync(source) ? undefined : `src/cli/commands/${command}.ts does not exist yet`;
}

/** Writes the peers' configuration files into bench/.work and returns their paths. */
export async function writePeerConfigs(paths: BenchPaths): Promise<{ markdownlint: string; remark: string }> {
  await mkdir(paths.work, { recursive: true });
  const markdownlint = join(paths.work, '.markdownlint-cli2.jsonc');
  // Default rules, nothing else: the same files, no ignores, no fixes.
  await writeFile(markdownlint, `${JSON.stringify({ config: { default: true } }, null, 2)}\n`);
  const remark = join(paths.work, '.remarkrc.json');
  // remark-frontmatter keeps remark from reading the front matter as a thematic break plus a heading.
  await writeFile(remark, `${JSON.stringify({ plugins: ['remark-frontmatter', 'remark-directive', 'remark-preset-lint-recommended'] }, null, 2)}\n`);
  return { markdownlint, remark };
}

/** The command that lints `target` (a corpus folder or one file) with `tool`. */
export function lintCommand(tool: ToolId, target: string, paths: BenchPaths, configs: { markdownlint: string; remark: string }): Command {
  const rel = relative(paths.root, target) || '.';
  const isDir = existsSync(target) && statSync(target).isDirectory();
  const node = process.execPath;
  switch (tool) {
    case 'runbook':
      return { file: node, args: [cliPath(paths), 'lint', rel], cwd: paths.root };
    case 'markdownlint-cli2':
      // markdownlint-cli2 takes globs relative to cwd; a corpus folder holds only the runbooks (+ manifest.json).
      return {
        file: node,
        args: [join(paths.root, 'node_modules', 'markdownlint-cli2', 'markdownlint-cli2-bin.mjs'), '--config', relative(paths.root, configs.markdownlint), isDir ? `${rel}/**/*.md` : `:${rel}`],
        cwd: paths.root,
      };
    case 'remark-cli':
      return {
        file: node,
        args: [join(paths.root, 'node_modules', 'remark-cli', 'cli.js'), '--rc-path', relative(paths.root, configs.remark), '--no-config', '--no-stdout', '--no-color', rel],
        cwd: paths.root,
      };
  }
}

/** What a run's own output says: how many files the tool linted, and how many problems it reported. */
export interface SanityInfo {
  filesLinted: number | undefined;
  problems: number | undefined;
  exitCode: number;
}

/** Reads a lint run's output (each tool's default report); which numbers are available depends on the tool. */
export function readSanity(tool: ToolId, output: { stdout: string; stderr: string; exitCode: number }): SanityInfo {
  switch (tool) {
    case 'runbook': {
      // The stylish summary: `✔ N files checked, no problems` or `✖ P problems (…) in N files`.
      const clean = /(\d+) files? checked, no problems/.exec(output.stdout);
      if (clean) return { filesLinted: Number(clean[1]), problems: 0, exitCode: output.exitCode };
      const dirty = /(\d+) problems? \(.*\) in (\d+) files?/.exec(output.stdout);
      return { filesLinted: dirty ? Number(dirty[2]) : undefined, problems: dirty ? Number(dirty[1]) : undefined, exitCode: output.exitCode };
    }
    case 'markdownlint-cli2': {
      const text = output.stdout + output.stderr;
      const files = /Linting: (\d+) file/.exec(text);
      const problems = /Summary: (\d+) error/.exec(text);
      return { filesLinted: files ? Number(files[1]) : undefined, problems: problems ? Number(problems[1]) : undefined, exitCode: output.exitCode };
    }
    case 'remark-cli': {
      // remark's default report names every file (`x.md: no issues found`, or `x.md` followed by messages).
      const text = output.stderr;
      const files = text.split('\n').filter((line) => /^\S.*\.md(?:: no issues found)?$/.test(line)).length;
      // Only the summary lines (`⚠ 2 warnings`, `✖ 1 error`): message lines such as `3:5-3:15 warning …` also
      // contain "<digits> warning".
      let problems = 0;
      for (const line of text.split('\n').filter((l) => /^[⚠✖]/.test(l))) {
        for (const match of line.matchAll(/(\d+) (?:errors?|warnings?)\b/g)) problems += Number(match[1]);
      }
      return { filesLinted: files, problems, exitCode: output.exitCode };
    }
  }
}
