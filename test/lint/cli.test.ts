import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { Ajv } from 'ajv';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lintCommand } from '../../src/cli/commands/lint.js';
import type { CliIO } from '../../src/cli/io.js';
import { InvalidInputError, UsageError } from '../../src/errors.js';
import type { LintResult } from '../../src/lint/result.js';
import { RULES } from '../../src/lint/rules/index.js';
import { md } from './rule-tester.js';

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'runbook-lint-'));
  await mkdir(join(cwd, 'runbooks'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(cwd, { recursive: true, force: true });
});

function io(): CliIO & { out: () => string } {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stdout, stderr: new PassThrough(), stdin: new PassThrough(), env: {}, cwd, out: () => text };
}

async function lint(paths: string[], options: Record<string, unknown> = {}) {
  const cli = io();
  const code = await lintCommand(paths, options, cli);
  return { code, out: cli.out() };
}

const CLEAN = md('---', 'title: Clean', 'namespace: p', '---', '', '# Clean', '## Symptoms', '## Diagnosis', '', '```promql {#q}', 'up == 0', '```', '## Mitigation');
const BROKEN = md(
  '---', 'title: Broken', '---', '', '# Broken', '## Symptoms', '## Diagnosis', '',
  '```promql {#q}', 'sum(rate(x[5m])', '```', '',
  '```kubectl {#k}', 'kubectl -n p delete pod x', '```', '## Mitigation',
);
const WARNS = md('# Warns', '## Symptoms', '## Diagnosis', '## Mitigation', '', '```promql', 'up', '```');

describe('runbook lint', () => {
  it('prints stylish output grouped by file with a summary, exit 1 on errors', async () => {
    await writeFile(join(cwd, 'runbooks/clean.md'), CLEAN);
    await writeFile(join(cwd, 'runbooks/broken.md'), BROKEN);
    const { code, out } = await lint([]);
    expect(code).toBe(1);
    expect(out).toBe(
      [
        'runbooks/broken.md',
        '  runbooks/broken.md:10:15  error    PromQL syntax error in the `promql` step: the query ends too early (unclosed bracket or missing operand?)  promql-syntax',
        '  runbooks/broken.md:14:14  error    `kubectl delete` changes the cluster but is in a `kubectl` step that runs without approval; move it into a `mitigate` step  kubectl-mutating-outside-gate',
        '',
        '✖ 2 problems (2 errors, 0 warnings) in 2 files',
        '',
      ].join('\n'),
    );
  });

  it('exits 0 when clean and honours --max-warnings', async () => {
    await writeFile(join(cwd, 'runbooks/w.md'), WARNS);
    expect((await lint(['runbooks/w.md'])).code).toBe(0);
    expect((await lint(['runbooks/w.md'], { maxWarnings: '1' })).code).toBe(0);
    expect((await lint(['runbooks/w.md'], { maxWarnings: '0' })).code).toBe(1);
    await expect(lint(['runbooks/w.md'], { maxWarnings: 'many' })).rejects.toBeInstanceOf(UsageError);
  });

  it('refuses an unknown format, a path that matches nothing, and a bad config (exit code 2)', async () => {
    await expect(lint([], { format: 'xml' })).rejects.toThrow(UsageError);
    await expect(lint(['nope/*.md'])).rejects.toThrow('No runbooks match `nope/*.md`');
    await writeFile(join(cwd, 'runbooks/w.md'), WARNS);
    await writeFile(join(cwd, '.runbookrc'), 'rules:\n  promql-syntax: warning\n');
    const error = await lint([]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).exitCode).toBe(2);
    expect((error as Error).message).toContain('rules.promql-syntax: expected "off" | "warn" | "error"');
  });

  it('prints JSON results', async () => {
    await writeFile(join(cwd, 'runbooks/broken.md'), BROKEN);
    const results = JSON.parse((await lint([], { format: 'json' })).out) as LintResult[];
    expect(results[0]).toMatchObject({ filePath: 'runbooks/broken.md', errorCount: 2, warningCount: 0 });
    expect(results[0]!.messages[0]).toEqual({
      ruleId: 'promql-syntax',
      messageId: 'incomplete',
      severity: 2,
      message: expect.any(String),
      line: 10,
      column: 15,
      endLine: 10,
      endColumn: 16,
    });
  });

  it('prints GitHub workflow commands, escaped', async () => {
    await mkdir(join(cwd, 'runbooks/a,b:c'));
    await writeFile(join(cwd, 'runbooks/a,b:c/broken.md'), BROKEN);
    await writeFile(join(cwd, 'runbooks/w.md'), WARNS);
    const { out } = await lint([], { format: 'github' });
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const command = /^::(error|warning) file=([^,:]+),line=(\d+),col=(\d+),endLine=(\d+),endColumn=(\d+),title=([a-z-]+)::([^\r\n]+)$/;
    for (const line of lines) expect(line).toMatch(command);
    expect(lines[0]).toMatch(/^::error file=runbooks\/a%2Cb%3Ac\/broken.md,line=10,col=15,endLine=10,endColumn=16,title=promql-syntax::PromQL/);
    expect(lines[2]).toMatch(/^::warning file=runbooks\/w.md,line=6,col=1,/);
  });

  it('writes SARIF 2.1.0 that validates against the SARIF schema', async () => {
    await writeFile(join(cwd, 'runbooks/broken.md'), BROKEN);
    await writeFile(join(cwd, 'runbooks/w.md'), WARNS);
    const log = JSON.parse((await lint([], { format: 'sarif' })).out);
    // The OASIS schema, as shipped by the @microsoft/jest-sarif dev dependency (draft-04; read as draft-07).
    const schemaPath = process.env.SARIF_SCHEMA_PATH ?? resolve('node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
    delete schema.$schema;
    delete schema.id;
    // The schema's `language` pattern is not valid with the `u` flag ajv uses by default.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    ajv.addFormat('uri', (value: string) => URL.canParse(value));
    ajv.addFormat('uri-reference', (value: string) => URL.canParse(value, 'file:///'));
    ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));
    const validate = ajv.compile(schema);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((rule: { id: string }) => rule.id)).toEqual(expect.arrayContaining(Object.keys(RULES)));
    // No public docs URL is configured in tests: the rule points at its doc page by repository path.
    expect(run.tool.driver.rules[0].helpUri).toBeUndefined();
    expect(run.tool.driver.rules[0].help.text).toMatch(/docs\/rules\/check-expectation\.md/);
    expect(run.results[0]).toMatchObject({
      ruleId: 'promql-syntax',
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'runbooks/broken.md' }, region: { startLine: 10, startColumn: 15, endLine: 10, endColumn: 16 } } }],
    });
    expect(run.tool.driver.rules[run.results[0].ruleIndex].id).toBe('promql-syntax');
  });

  it('turns a crashing rule into a positioned fatal message and goes on', async () => {
    vi.spyOn(RULES['promql-syntax']!, 'check').mockImplementation(() => {
      throw new Error('boom');
    });
    await writeFile(join(cwd, 'runbooks/broken.md'), BROKEN);
    const [result] = JSON.parse((await lint([], { format: 'json' })).out) as LintResult[];
    expect(result!.messages.map((m) => [m.ruleId, m.line, m.column, m.severity, m.fatal, m.message])).toEqual([
      ['promql-syntax', 1, 1, 2, true, 'Rule `promql-syntax` crashed on this file: boom'],
      ['kubectl-mutating-outside-gate', 14, 14, 2, undefined, expect.any(String)],
    ]);
  });

  it('with --cache, prints the same output without linting unchanged files again', async () => {
    await writeFile(join(cwd, 'runbooks/broken.md'), BROKEN);
    await writeFile(join(cwd, 'runbooks/w.md'), WARNS);
    const cold = await lint([], { cache: true });
    expect(existsSync(join(cwd, '.runbook/lint-cache.json'))).toBe(true);
    const spy = vi.spyOn(RULES['promql-syntax']!, 'check');
    const warm = await lint([], { cache: true });
    expect(warm).toEqual(cold);
    expect(spy).not.toHaveBeenCalled();
    // A changed file is linted again; the other one still comes from the cache.
    await writeFile(join(cwd, 'runbooks/w.md'), WARNS.replace('up', 'up ==== 1'));
    const changed = await lint([], { cache: true, cacheLocation: '.runbook/lint-cache.json' });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(changed.out).toContain('runbooks/w.md:7:6');
    // A config change invalidates the cache.
    await writeFile(join(cwd, '.runbookrc.json'), '{"rules": {"promql-syntax": "off"}}');
    const off = await lint([], { cache: true });
    expect(off.out).not.toContain('promql-syntax');
    const cache = JSON.parse(await readFile(join(cwd, '.runbook/lint-cache.json'), 'utf8'));
    expect(Object.keys(cache.files)).toEqual(['runbooks/broken.md', 'runbooks/w.md']);
  });
});
