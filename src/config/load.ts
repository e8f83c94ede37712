/**
 * Finds, reads and validates `.runbookrc`. The nearest config file wins: configs do not cascade, so a
 * project's config is complete on its own and no `root` flag is needed.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { Ajv2020, ErrorObject } from 'ajv/dist/2020.js';
import { InvalidInputError, UsageError } from '../errors.js';
import { RUNBOOKRC_SCHEMA, type RunbookConfig } from './schema.js';

/** Config file names looked for in each folder, in this order. */
export const CONFIG_FILE_NAMES: readonly string[] = ['.runbookrc', '.runbookrc.json', '.runbookrc.yaml', '.runbookrc.yml'];

/** A loaded config and the file it came from (no path: no config file was found, defaults apply). */
export interface LoadedConfig {
  config: RunbookConfig;
  path?: string;
}

/**
 * Loads `explicitPath` (relative to `cwd`), or the first config file found searching upward from `cwd` to
 * the filesystem root. Throws UsageError for a missing explicit file, InvalidInputError for a bad one.
 */
export async function loadConfig(cwd: string, explicitPath?: string): Promise<LoadedConfig> {
  const path = explicitPath !== undefined ? resolve(cwd, explicitPath) : await findConfigFile(cwd);
  if (path === undefined) return { config: {} };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`Cannot read config file ${path}: ${code === 'ENOENT' ? 'no such file' : String(error)}`);
  }
  return { config: parseConfig(text, path), path };
}

/** The first config file in `cwd` or a folder above it. */
export async function findConfigFile(cwd: string): Promise<string | undefined> {
  let dir = resolve(cwd);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      if (await isFile(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Parses and validates config text; `path` decides the syntax (`.json` is JSON, anything else YAML or JSON). */
export function parseConfig(text: string, path: string): RunbookConfig {
  let data: unknown;
  try {
    // YAML 1.2 reads JSON too, so a bare `.runbookrc` may be either.
    data = extname(path) === '.json' ? JSON.parse(text) : (createRequire(import.meta.url)('yaml') as typeof import('yaml')).parse(text, { uniqueKeys: true });
  } catch (error) {
    throw new InvalidInputError(`${path}: not valid ${extname(path) === '.json' ? 'JSON' : 'YAML or JSON'}: ${(error as Error).message}`);
  }
  // An empty file is an empty config.
  if (data === null || data === undefined) data = {};
  const problems = validateConfig(data);
  if (problems.length > 0) throw new InvalidInputError(problems.map((problem) => `${path}: ${problem}`).join('\n'));
  return data as RunbookConfig;
}

let validator: ReturnType<Ajv2020['compile']> | undefined;

/** Problems of `data` as a config, each `key.path: what was expected, found what` (empty when valid). */
export function validateConfig(data: unknown): string[] {
  validator ??= schemaAjv().compile(RUNBOOKRC_SCHEMA);
  const problems = validator(data) ? [] : formatSchemaErrors(validator.errors ?? [], 'config');
  const redact = (data as RunbookConfig).redact;
  if (problems.length === 0 && Array.isArray(redact)) {
    redact.forEach((pattern, index) => {
      try {
        new RegExp(pattern);
      } catch (error) {
        problems.push(`redact[${index}]: not a valid regular expression: ${(error as Error).message}`);
      }
    });
  }
  return problems;
}

/** An ajv instance for our schemas: all errors, parent schemas in errors, `x-expected` known as annotation. */
export function schemaAjv(): Ajv2020 {
  // Loaded on first use: `runbook lint` without a config file (or rule options) never needs ajv.
  const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictTuples: false });
  ajv.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
  return ajv;
}

/**
 * Turns ajv errors into `key.path: expected …, found …` lines. Errors inside a failed `anyOf` are folded into
 * that anyOf's one line (its `x-expected` text), since listing every branch's failure helps nobody.
 */
export function formatSchemaErrors(errors: readonly ErrorObject[], rootName: string, prefix: (string | number)[] = []): string[] {
  const folded = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath);
  const lines: string[] = [];
  for (const error of errors) {
    if (error.keyword !== 'anyOf' && folded.some((path) => error.schemaPath.startsWith(path + '/'))) continue;
    const path = [...prefix, ...pointerSegments(error.instancePath)];
    const expected = (error.parentSchema as Record<string, unknown> | undefined)?.['x-expected'];
    let line: string;
    if (error.keyword === 'additionalProperties') {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      line = `${formatKeyPath([...path, key], rootName)}: unknown key; expected one of ${known.map((k) => `\`${k}\``).join(', ')}`;
    } else if (error.keyword === 'required') {
      const key = (error.params as { missingProperty: string }).missingProperty;
      line = `${formatKeyPath([...path, key], rootName)}: required`;
    } else {
      const what = typeof expected === 'string' ? `expected ${expected}` : describeError(error);
      line = `${formatKeyPath(path, rootName)}: ${what}, found ${preview(error.data)}`;
    }
    if (!lines.includes(line)) lines.push(line);
  }
  return lines;
}

function describeError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'enum':
      return `expected ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(' | ')}`;
    case 'const':
      return `expected ${JSON.stringify(params.allowedValue)}`;
    case 'type':
      return `expected ${String(params.type)}`;
    default:
      return `expected a value that ${error.message ?? 'matches the schema'}`;
  }
}

function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

/** `['rules', 'promql-syntax', 1]` → `rules.promql-syntax[1]`; the empty path is `rootName`. */
export function formatKeyPath(path: readonly (string | number)[], rootName: string): string {
  if (path.length === 0) return rootName;
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
