import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, validateConfig } from '../../src/config/index.js';
import { InvalidInputError, UsageError } from '../../src/errors.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'runbookrc-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('finds the nearest config searching upward', async () => {
    await mkdir(join(root, 'a/b/c'), { recursive: true });
    await writeFile(join(root, '.runbookrc.json'), '{"prometheus":"http://far:9090"}');
    await writeFile(join(root, 'a/.runbookrc.yaml'), 'prometheus: http://near:9090\n');
    const loaded = await loadConfig(join(root, 'a/b/c'));
    expect(loaded).toEqual({ config: { prometheus: 'http://near:9090' }, path: join(root, 'a/.runbookrc.yaml') });
  });

  it('reads a bare .runbookrc as JSON or YAML', async () => {
    await writeFile(join(root, '.runbookrc'), '{"rules": {"step-form": ["error", {"form": "fence"}]}}');
    expect((await loadConfig(root)).config).toEqual({ rules: { 'step-form': ['error', { form: 'fence' }] } });
    await writeFile(join(root, '.runbookrc'), 'rules:\n  step-form: warn\nredact: ["token=\\\\S+"]\n');
    expect((await loadConfig(root)).config).toEqual({ rules: { 'step-form': 'warn' }, redact: ['token=\\S+'] });
  });

  it('loads an explicit path and refuses a missing one with a usage error', async () => {
    await writeFile(join(root, 'custom.yml'), 'extends: []\n');
    expect((await loadConfig(root, 'custom.yml')).config).toEqual({ extends: [] });
    await expect(loadConfig(root, 'missing.json')).rejects.toBeInstanceOf(UsageError);
  });

  it('reports a bad key with its path and exit code 2', async () => {
    await writeFile(join(root, '.runbookrc.json'), '{"rules": {"promql-syntax": "warning"}}');
    const error = await loadConfig(root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).exitCode).toBe(2);
    expect((error as Error).message).toBe(
      `${join(root, '.runbookrc.json')}: rules.promql-syntax: expected "off" | "warn" | "error" or ["off" | "warn" | "error", options], found "warning"`,
    );
  });

  it('reports unparsable files', async () => {
    await writeFile(join(root, '.runbookrc.json'), '{"rules": ');
    await expect(loadConfig(root)).rejects.toThrow(/\.runbookrc\.json: not valid JSON/);
  });
});

describe('validateConfig', () => {
  it.each([
    [{ extends: 'strict' }, 'extends: expected "recommended" or [], found "strict"'],
    [{ rules: { a: ['warn', {}, 1] } }, 'rules.a: expected "off" | "warn" | "error" or ["off" | "warn" | "error", options], found ["warn",{},1]'],
    [{ prometheus: 'localhost:9090' }, 'prometheus: expected a URL starting with `http://` or `https://`, found "localhost:9090"'],
    [{ redact: ['('] }, 'redact[0]: not a valid regular expression: Invalid regular expression: /(/: Unterminated group'],
    [{ redact: [1] }, 'redact[0]: expected string, found 1'],
    [{ rule: {} }, 'rule: unknown key; expected one of `$schema`, `extends`, `rules`, `prometheus`, `redact`, `runbookUrl`, `alertmanager`'],
  ])('%j', (config, problem) => {
    expect(validateConfig(config)).toEqual([problem]);
  });

  it('accepts a full config', () => {
    expect(validateConfig({ $schema: 'x', extends: 'recommended', rules: { a: 'off', b: ['error'], c: ['warn', { x: 1 }] }, prometheus: 'https://p', redact: ['a+'] })).toEqual([]);
  });
});
