// The package as users get it: `npm pack`, installed into an empty folder outside the repository, then the CLI
// and the library used from there. Offline: the install is `npm ci --offline` from npm's cache (which `npm ci`
// of this repository filled) with a lockfile cut from ours to the production dependencies, so it fetches the
// same tarballs a registry install would and nothing else. No devDependency can be loaded at run time, since
// none is installed and the folder is not under the repository (no node_modules above it to fall back on).
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');

interface Manifest {
  name: string;
  version: string;
  license: string;
  bin: Record<string, string>;
  main: string;
  types: string;
  exports: Record<string, string | Record<string, string>>;
  files: string[];
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  engines: Record<string, string>;
}
interface LockEntry {
  version?: string;
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  link?: boolean;
  [key: string]: unknown;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let work: string;
let app: string;
let env: NodeJS.ProcessEnv;
let files: string[];
let npmCache: string;

async function run(file: string, args: string[], cwd = app, timeout = 60_000): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(file, args, { cwd, env, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** `npx runbook …` from the install folder, as a user types it. */
const runbook = (...args: string[]) => run('npx', ['--offline', '--cache', npmCache, 'runbook', ...args]);

/** Our lockfile cut to what installing the tarball needs: the package itself plus its production tree. */
function appLock(tarball: string): unknown {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const root = lock.packages['']!;
  const packages: Record<string, unknown> = {
    '': { name: 'app', dependencies: { [pkg.name]: `file:${tarball}` } },
    [`node_modules/${pkg.name}`]: {
      version: pkg.version,
      resolved: `file:${tarball}`,
      license: pkg.license,
      dependencies: root['dependencies'],
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path.startsWith('node_modules/') || path === `node_modules/${pkg.name}` || entry.dev || entry.link) continue;
    const { devOptional, ...rest } = entry;
    packages[path] = devOptional ? { ...rest, optional: true } : rest;
  }
  return { name: 'app', lockfileVersion: 3, requires: true, packages };
}

const TINY = [
  '---', 'title: Tiny', '---', '', '# Tiny', '', '## Symptoms', '', '```sh {#hello}', 'echo hello > ran.txt', '```', '',
  '## Diagnosis', '', '## Mitigation', '',
].join('\n');
const BAD = [
  '---', 'title: Bad', '---', '', '# Bad', '', '## Symptoms', '', '```promql {#broken}', 'sum(rate(x[5m])', '```', '',
  '## Diagnosis', '', '## Mitigation', '',
].join('\n');

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/ is missing: run `npx tsup` first (npm test does)');
  work = await mkdtemp(join(tmpdir(), 'runbook-package-'));
  await mkdir(join(work, 'home'));
  npmCache = (await exec('npm', ['config', 'get', 'cache'], { cwd: ROOT, encoding: 'utf8' })).stdout.trim();
  env = {
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    HOME: join(work, 'home'),
    LANG: 'C.UTF-8',
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
  // --ignore-scripts: `prepare` would rebuild dist/ (and clean it) under the other tests' feet; it is built.
  const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], ROOT);
  expect(packed.code, packed.stderr).toBe(0);
  const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  files = info!.files.map((f) => f.path).sort();
  app = join(work, 'app');
  await mkdir(app);
  const tarball = `../${info!.filename}`;
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, dependencies: { [pkg.name]: `file:${tarball}` } }));
  await writeFile(join(app, 'package-lock.json'), JSON.stringify(appLock(tarball)));
  const installed = await run('npm', ['ci', '--offline', '--cache', npmCache, '--no-audit', '--no-fund'], app, 180_000);
  expect(installed.code, `npm ci --offline from the tarball failed:\n${installed.stderr}`).toBe(0);
  await writeFile(join(app, 'tiny.md'), TINY);
  await writeFile(join(app, 'bad.md'), BAD);
}, 240_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('ships dist/, the bin, the types, the schemas, README and LICENSE, and no sources, tests or config', () => {
    for (const path of ['package.json', 'README.md', 'LICENSE', 'dist/cli.js', 'dist/index.js', 'dist/index.d.ts', 'dist/lint-worker.js']) {
      expect(files, path).toContain(path);
    }
    for (const schema of readdirSync(join(ROOT, 'schemas'))) expect(files).toContain(`schemas/${schema}`);
    const stray = files.filter((f) => !/^(dist|schemas)\//.test(f) && !['package.json', 'README.md', 'LICENSE'].includes(f));
    expect(stray).toEqual([]);
    expect(files.filter((f) => /(^|\/)(test|src|bench|scripts|node_modules)\//.test(f) || /\.test\.|\.tsx?$/.test(f.replace(/\.d\.ts$/, '')))).toEqual([]);
  });

  it('points bin, main, types and every export at files in the tarball, types first', () => {
    expect(pkg.bin).toEqual({ runbook: 'dist/cli.js' });
    expect(files).toContain(pkg.main.replace(/^\.\//, ''));
    expect(files).toContain(pkg.types.replace(/^\.\//, ''));
    const dot = pkg.exports['.'] as Record<string, string>;
    expect(Object.keys(dot)[0]).toBe('types');
    for (const target of Object.values(dot)) expect(files).toContain(target.replace(/^\.\//, ''));
    expect(readFileSync(join(ROOT, pkg.bin.runbook!), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});

describe('installed from the tarball into an empty folder', () => {
  it('has no devDependency in node_modules and links the bin', () => {
    const mine = Object.keys(pkg.devDependencies).filter((d) => !(d in pkg.dependencies) && d !== pkg.name);
    for (const heavy of ['vitest', 'tsx', 'tsup', 'typescript', 'ink-testing-library', 'fast-check', 'markdownlint-cli2']) {
      expect(mine).toContain(heavy);
      expect(existsSync(join(app, 'node_modules', heavy)), heavy).toBe(false);
    }
    expect(existsSync(join(app, 'node_modules/.bin/runbook'))).toBe(true);
    // An installed copy, not a link back into the repository.
    expect(existsSync(join(app, 'node_modules', pkg.name, 'src'))).toBe(false);
  });

  it('npx runbook --help and --version', async () => {
    const help = await runbook('--help');
    expect(help.code, help.stderr).toBe(0);
    for (const command of ['lint', 'run', 'export', 'import', 'parse']) expect(help.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    const version = await runbook('--version');
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('npx runbook lint: 0 on a clean runbook, 1 with file:line:col on a broken one', async () => {
    const clean = await runbook('lint', 'tiny.md');
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout).toContain('✔ 1 file checked, no problems');
    const broken = await runbook('lint', 'bad.md');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/bad\.md:10:\d+\s+error\s+PromQL syntax error.*promql-syntax/);
    const sarif = JSON.parse((await runbook('lint', '--format', 'sarif', 'bad.md')).stdout) as { version: string };
    expect(sarif.version).toBe('2.1.0');
  });

  it('npx runbook run --dry-run prints the plan and runs nothing; an approved run writes a timeline that export turns into a postmortem', async () => {
    const dry = await runbook('run', '--dry-run', 'tiny.md');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('[dry run: nothing is executed]');
    expect(dry.stdout).toContain('argv: ["sh","-c","echo hello > ran.txt"]');
    expect(existsSync(join(app, 'ran.txt'))).toBe(false);

    const live = await runbook('run', '--approve', 'hello', '--timeline', 'tiny.jsonl', 'tiny.md');
    expect(live.code, live.stdout + live.stderr).toBe(0);
    expect(await readFile(join(app, 'ran.txt'), 'utf8')).toBe('hello\n');

    const postmortem = await runbook('export', 'tiny.jsonl');
    expect(postmortem.code, postmortem.stderr).toBe(0);
    expect(postmortem.stdout).toContain('# Postmortem: Tiny');
    expect(postmortem.stdout).toContain('type: postmortem');
    const json = await runbook('export', '--format', 'json', 'tiny.jsonl');
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain('hello');
  });

  it('the library: import by name, its types resolve under nodenext, schemas and package.json are exported', async () => {
    const script = [
      "const m = await import('runbook');",
      "const { runbook } = m.parseRunbook(process.argv[1]);",
      "const schema = (await import('runbook/schemas/frontmatter.schema.json', { with: { type: 'json' } })).default;",
      "const manifest = (await import('runbook/package.json', { with: { type: 'json' } })).default;",
      "console.log(JSON.stringify({ title: runbook.meta.title, steps: runbook.steps.map((s) => s.id), version: m.VERSION, manifest: manifest.version, schema: typeof schema.$schema }));",
    ].join('\n');
    const lib = await run(process.execPath, ['--input-type=module', '-e', script, '--', TINY]);
    expect(lib.code, lib.stderr).toBe(0);
    expect(JSON.parse(lib.stdout)).toEqual({ title: 'Tiny', steps: ['hello'], version: pkg.version, manifest: pkg.version, schema: 'string' });

    // Type-check a consumer against the installed declarations (our compiler, the app's node_modules).
    await writeFile(
      join(app, 'consumer.ts'),
      [
        "import { parseRunbook, lintRunbook, type Runbook } from 'runbook';",
        "const book: Runbook = parseRunbook('# T').runbook;",
        'const count: number = lintRunbook(String(book.meta.title)).errorCount;',
        'export { count };',
      ].join('\n'),
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const check = await run(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', 'consumer.ts']);
    expect(check.stdout + check.stderr).toBe('');
    expect(check.code).toBe(0);
  });
});
