// The pre-commit hook and the GitHub composite action, checked against what pre-commit and Actions require
// (https://pre-commit.com/#new-hooks; docs.github.com "Metadata syntax for GitHub Actions") and then run:
// the hook's entry on the files pre-commit would pass, the action's `run:` steps as the runner would.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { globSync } from 'tinyglobby';

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');

const GOOD = [
  '---', 'title: Good', 'namespace: payments', '---', '', '# Good', '', '## Symptoms', '', '```promql {#up}', 'up == 0', '```',
  '', '## Diagnosis', '', '## Mitigation', '',
].join('\n');
// Line 10: an unclosed bracket, a positioned promql-syntax error.
const BAD = [
  '---', 'title: Bad', 'namespace: payments', '---', '', '# Bad', '', '## Symptoms', '', '```promql {#broken}',
  'sum(rate(http_requests_total[5m])', '```', '', '## Diagnosis', '', '## Mitigation', '',
].join('\n');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(file, args, { ...options, encoding: 'utf8' });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof e.code !== 'number') throw error;
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

let work: string;
let bin: string;
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npx tsup` first (npm test does)');
});
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'runbook-integrations-'));
  await mkdir(join(work, 'repo/runbooks'), { recursive: true });
  await writeFile(join(work, 'repo/runbooks/good.md'), GOOD);
  await writeFile(join(work, 'repo/runbooks/bad.md'), BAD);
  await writeFile(join(work, 'repo/notes.txt'), 'not markdown: sum(');
  // What `language: node` leaves on PATH: the package's bin, linked by name.
  bin = join(work, 'bin');
  await mkdir(bin);
  await symlink(CLI, join(bin, 'runbook'));
  await mkdir(join(work, 'home'));
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: join(work, 'home'), LANG: 'C.UTF-8', ...extra };
}

interface Hook {
  id: string;
  name: string;
  entry: string;
  language: string;
  files?: string;
  exclude?: string;
  types?: string[];
  pass_filenames?: boolean;
  [key: string]: unknown;
}

function loadHooks(): Hook[] {
  return parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
}

describe('.pre-commit-hooks.yaml', () => {
  it('is a list of hooks with the keys pre-commit requires, and runbook-lint is one (language node, .md files)', () => {
    const hooks = loadHooks();
    expect(Array.isArray(hooks)).toBe(true);
    for (const hook of hooks) {
      for (const key of ['id', 'name', 'entry', 'language'] as const) {
        expect(typeof hook[key], `${hook.id ?? '?'}.${key}`).toBe('string');
        expect(hook[key].length).toBeGreaterThan(0);
      }
      const known = [
        'id', 'name', 'entry', 'language', 'files', 'exclude', 'types', 'types_or', 'exclude_types', 'always_run',
        'fail_fast', 'verbose', 'pass_filenames', 'require_serial', 'description', 'language_version',
        'minimum_pre_commit_version', 'args', 'stages',
      ];
      expect(Object.keys(hook).filter((k) => !known.includes(k))).toEqual([]);
    }
    const lint = hooks.find((h) => h.id === 'runbook-lint');
    expect(lint).toBeDefined();
    expect(lint!.language).toBe('node');
    expect(lint!.files).toBe('\\.md$');
    const files = new RegExp(lint!.files!);
    expect(files.test('runbooks/payment-gateway-timeout.md')).toBe(true);
    expect(files.test('src/index.ts')).toBe(false);
    expect(files.test('notes.md.txt')).toBe(false);
    // language: node installs this repository as an npm package: its entry must be one of our bins.
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(Object.keys(pkg.bin)).toContain(lint!.entry.split(/\s+/)[0]);
  });

  it('its entry, given the files pre-commit would pass, fails on a broken runbook with file:line:col and passes on good ones', async () => {
    const hook = loadHooks().find((h) => h.id === 'runbook-lint')!;
    const repo = join(work, 'repo');
    // pre-commit passes the staged paths relative to the repository root, filtered by `files`.
    const all = globSync('**/*', { cwd: repo, dot: true }).sort();
    const selected = all.filter((p) => new RegExp(hook.files!).test(p));
    expect(selected).toEqual(['runbooks/bad.md', 'runbooks/good.md']);
    const [command, ...fixed] = hook.entry.split(/\s+/);

    const failing = await run(command!, [...fixed, ...selected], { cwd: repo, env: cleanEnv() });
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/runbooks\/bad\.md:11:\d+\s+error\s+PromQL syntax error.*promql-syntax/);
    expect(failing.stdout).not.toContain('runbooks/good.md:');

    const passing = await run(command!, [...fixed, 'runbooks/good.md'], { cwd: repo, env: cleanEnv() });
    expect(passing.stderr).toBe('');
    expect(passing.code).toBe(0);
    expect(passing.stdout).toContain('✔ 1 file checked, no problems');
  });
});

interface ActionStep {
  name?: string;
  id?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

function loadAction(): Action {
  return parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as Action;
}

/** Every `${{ … }}` in a string, trimmed. */
function expressions(text: string): string[] {
  return [...text.matchAll(/\$\{\{\s*(.*?)\s*\}\}/g)].map((m) => m[1]!);
}

describe('action.yml', () => {
  it('is a composite action with the keys Actions requires, and every expression names a declared input or step', () => {
    const action = loadAction();
    expect(typeof action.name).toBe('string');
    expect(typeof action.description).toBe('string');
    expect(action.runs.using).toBe('composite');
    expect(action.runs.steps.length).toBeGreaterThan(0);
    for (const [id, input] of Object.entries(action.inputs)) {
      expect(typeof input.description, `inputs.${id}.description`).toBe('string');
      if (input.default !== undefined) expect(typeof input.default, `inputs.${id}.default`).toBe('string');
    }
    // Composite actions need `value` on each output, and `shell` on each `run` step.
    for (const [id, output] of Object.entries(action.outputs)) {
      expect(typeof output.description, `outputs.${id}.description`).toBe('string');
      expect(typeof output.value, `outputs.${id}.value`).toBe('string');
    }
    const stepIds = new Set(action.runs.steps.flatMap((s) => (s.id ? [s.id] : [])));
    for (const step of action.runs.steps) {
      expect(Boolean(step.run) !== Boolean(step.uses), `${step.name}: exactly one of run/uses`).toBe(true);
      if (step.run) {
        expect(step.shell, `${step.name}.shell`).toBe('bash');
        // Inputs are passed through env, never spliced into the script (script injection).
        expect(expressions(step.run), `${step.name}.run`).toEqual([]);
      }
      const text = JSON.stringify([step.if, step.env, step.with]);
      for (const expr of expressions(text).concat(step.if ? [step.if.replace(/^\$\{\{|\}\}$/g, '')] : [])) {
        for (const [, kind, name] of expr.matchAll(/\b(inputs|steps)\.([\w-]+)/g)) {
          if (kind === 'inputs') expect(Object.keys(action.inputs), expr).toContain(name);
          else expect([...stepIds], expr).toContain(name);
        }
      }
    }
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    expect(upload, 'a step uploads the SARIF log to code scanning').toBeDefined();
    expect(upload!.with?.sarif_file).toMatch(/steps\.lint\.outputs\.sarif-file/);
  });

  /**
   * Runs the composite action's steps the way the runner does: `${{ }}` in env/with/if evaluated, each `run:`
   * through `bash --noprofile --norc -eo pipefail`, outputs collected from $GITHUB_OUTPUT; a `uses:` step is
   * recorded with its evaluated `with:` (it needs GitHub). Stops at the first failing step, as Actions does.
   */
  async function runAction(inputs: Record<string, string>, workspace: string) {
    const action = loadAction();
    const values: Record<string, string> = {};
    for (const [id, input] of Object.entries(action.inputs)) values[id] = inputs[id] ?? input.default ?? '';
    const outputs: Record<string, Record<string, string>> = {};
    const evaluate = (expr: string): string => {
      const m = /^(inputs\.([\w-]+)|steps\.([\w-]+)\.outputs\.([\w-]+))$/.exec(expr.trim());
      if (!m) throw new Error(`expression not understood by this test: ${expr}`);
      return m[2] !== undefined ? (values[m[2]] ?? '') : (outputs[m[3]!]?.[m[4]!] ?? '');
    };
    const substitute = (text: string) => text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, e: string) => evaluate(e));
    const condition = (text: string): boolean =>
      text
        .replace(/^\$\{\{|\}\}$/g, '')
        .split('&&')
        .every((term) => {
          const m = /^\s*(\S+)\s*(==|!=)\s*'([^']*)'\s*$/.exec(term);
          if (!m) throw new Error(`condition not understood by this test: ${term}`);
          return (evaluate(m[1]!) === m[3]) === (m[2] === '==');
        });
    const uploads: Record<string, string>[] = [];
    let stdout = '';
    let failed: Run | undefined;
    let index = 0;
    for (const step of action.runs.steps) {
      index += 1;
      if (step.if && !condition(step.if)) continue;
      if (step.uses) {
        uploads.push(Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, substitute(v)])));
        continue;
      }
      const script = join(work, `step-${index}.sh`);
      const outputFile = join(work, `step-${index}.out`);
      await writeFile(script, step.run!);
      await writeFile(outputFile, '');
      await chmod(script, 0o755);
      const env = cleanEnv({
        GITHUB_ACTION_PATH: ROOT,
        GITHUB_WORKSPACE: workspace,
        GITHUB_OUTPUT: outputFile,
        ...Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, substitute(v)])),
      });
      const result = await run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], { cwd: workspace, env });
      stdout += result.stdout;
      if (step.id) {
        outputs[step.id] = Object.fromEntries(
          (await readFile(outputFile, 'utf8'))
            .split('\n')
            .filter((l) => l.includes('='))
            .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
        );
      }
      if (result.code !== 0) {
        failed = result;
        break;
      }
    }
    return { outputs, uploads, stdout, failed };
  }

  it('run as a script: SARIF written and uploaded, annotations printed, the job fails on a broken runbook', async () => {
    const repo = join(work, 'repo');
    const result = await runAction({}, repo);
    expect(result.outputs.lint?.['exit-code']).toBe('1');
    expect(result.failed?.code).toBe(1);
    // Annotations for the pull request, in workflow-command form.
    expect(result.stdout).toMatch(/^::error file=runbooks\/bad\.md,line=11,col=\d+,.*title=promql-syntax::/m);
    // The SARIF log, uploaded by the code-scanning step, names the broken file and line.
    expect(result.uploads).toEqual([{ sarif_file: 'runbook-lint.sarif', category: 'runbook-lint' }]);
    const sarif = JSON.parse(await readFile(join(repo, 'runbook-lint.sarif'), 'utf8')) as {
      version: string;
      runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
    };
    expect(sarif.version).toBe('2.1.0');
    const found = sarif.runs[0]!.results.map((r) => [r.ruleId, r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region.startLine]);
    expect(found).toContainEqual(['promql-syntax', 'runbooks/bad.md', 11]);
  });

  it('run as a script: passes on clean runbooks, takes paths on several lines, skips the upload when told to', async () => {
    const repo = join(work, 'repo');
    await rm(join(repo, 'runbooks/bad.md'));
    await mkdir(join(repo, 'more'));
    await writeFile(join(repo, 'more/other.md'), GOOD.replace('Good', 'Other'));
    const clean = await runAction({ paths: 'runbooks/good.md\nmore/', 'upload-sarif': 'false', 'sarif-file': 'out.sarif' }, repo);
    expect(clean.failed).toBeUndefined();
    expect(clean.outputs.lint).toEqual({ 'exit-code': '0', 'sarif-file': 'out.sarif' });
    expect(clean.uploads).toEqual([]);
    const sarif = JSON.parse(await readFile(join(repo, 'out.sarif'), 'utf8')) as {
      runs: { results: unknown[]; artifacts?: { location: { uri: string } }[] }[];
    };
    expect(sarif.runs[0]!.results).toEqual([]);
    expect(clean.stdout).not.toContain('::error');
  });

  it('run as a script: a path that matches nothing is exit 2 and nothing is uploaded', async () => {
    const result = await runAction({ paths: 'runbooks/typo-*.md' }, join(work, 'repo'));
    expect(result.outputs.lint?.['exit-code']).toBe('2');
    expect(result.uploads).toEqual([]);
    expect(result.failed?.code).toBe(2);
  });
});
