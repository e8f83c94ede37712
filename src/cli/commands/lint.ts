/**
 * `runbook lint [paths…]`: checks runbooks without touching any system. Exit 0 clean, 1 errors (or more
 * warnings than `--max-warnings`), 2 bad usage or config (thrown as UsageError/InvalidInputError).
 *
 * Postmortems are linted too: with `--postmortem` every file is one, and without it a file whose front matter
 * says `type: postmortem` is. Their rules live with the postmortem template (src/export/postmortem-lint.ts).
 *
 * Only what a run needs is loaded: the formatter asked for, the postmortem rules when there is a postmortem,
 * the linter only when a file is not in the cache.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../../config/index.js';
import { EXIT, UsageError } from '../../errors.js';
import { DEFAULT_CACHE_LOCATION } from '../../lint/cache.js';
import { lintFiles } from '../../lint/engine.js';
import { expandPaths } from '../../lint/files.js';
import { resultOf, type LintMessage, type LintResult } from '../../lint/result.js';
import { resolveRuleSettings } from '../../lint/settings.js';
import type { CliIO } from '../io.js';

/** Output formats of `--format`. */
export const LINT_FORMATS = ['stylish', 'json', 'sarif', 'github'] as const;

/** Runs `runbook lint`; returns the exit code. */
export async function lintCommand(paths: string[], options: Record<string, unknown>, io: CliIO): Promise<number> {
  const format = String(options.format ?? 'stylish');
  if (!(LINT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`Unknown format \`${format}\`; expected one of ${LINT_FORMATS.map((f) => `\`${f}\``).join(', ')}`);
  }
  const maxWarnings = parseMaxWarnings(options.maxWarnings);
  const { config, path: configPath } = await loadConfig(io.cwd, typeof options.config === 'string' ? options.config : undefined);
  const settings = resolveRuleSettings(config, configPath);
  const files = await expandPaths(paths, io.cwd);
  let results: LintResult[];
  if (options.postmortem) {
    results = await Promise.all(files.map((file) => lintPostmortemFile(file, io.cwd)));
  } else {
    const cacheLocation = options.cache ? (typeof options.cacheLocation === 'string' ? options.cacheLocation : DEFAULT_CACHE_LOCATION) : undefined;
    results = await lintFiles(files, { cwd: io.cwd, settings, ...(cacheLocation !== undefined ? { cacheLocation } : {}) });
    results = await Promise.all(results.map((result) => (result.postmortem ? lintPostmortemFile(result.filePath, io.cwd) : result)));
  }
  io.stdout.write(await format_(format, results, io));
  return exitCode(results, maxWarnings);
}

/** Lints one file with the postmortem rules. */
async function lintPostmortemFile(path: string, cwd: string): Promise<LintResult> {
  const { lintPostmortem } = await import('../../export/postmortem-lint.js');
  const messages = lintPostmortem(readFileSync(resolve(cwd, path), 'utf8')).map(
    (d): LintMessage => ({
      ruleId: d.ruleId,
      severity: d.severity === 'error' ? 2 : 1,
      message: d.message,
      line: d.line,
      column: d.column,
      endLine: d.endLine,
      endColumn: d.endColumn,
    }),
  );
  return resultOf(path, messages);
}

async function format_(format: string, results: readonly LintResult[], io: CliIO): Promise<string> {
  switch (format) {
    case 'json':
      return (await import('../../lint/formatters/json.js')).formatJson(results);
    case 'sarif': {
      const { formatSarif } = await import('../../lint/formatters/sarif.js');
      // Postmortem rule ids are listed only when a postmortem was linted (they need the export module).
      const extraRules = results.some((result) => result.messages.some((m) => m.ruleId.startsWith('postmortem-')))
        ? (await import('../../export/postmortem-lint.js')).POSTMORTEM_RULES
        : {};
      return formatSarif(results, { extraRules });
    }
    case 'github':
      return (await import('../../lint/formatters/github.js')).formatGithub(results);
    default:
      return (await import('../../lint/formatters/stylish.js')).formatStylish(results, { color: useColor(io) });
  }
}

/** 1 when there is an error or more warnings than allowed, else 0. */
export function exitCode(results: readonly LintResult[], maxWarnings?: number): number {
  const errors = results.reduce((sum, result) => sum + result.errorCount, 0);
  const warnings = results.reduce((sum, result) => sum + result.warningCount, 0);
  return errors > 0 || (maxWarnings !== undefined && warnings > maxWarnings) ? EXIT.failure : EXIT.ok;
}

function parseMaxWarnings(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^\d+$/.test(text)) throw new UsageError(`--max-warnings expects a whole number ≥ 0, found \`${text}\``);
  return Number(text);
}

function useColor(io: CliIO): boolean {
  return io.stdout.isTTY === true && io.env.NO_COLOR === undefined && io.env.FORCE_COLOR !== '0';
}
