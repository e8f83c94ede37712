/**
 * `runbook lint [paths…]`: checks runbooks without touching any system. Exit 0 clean, 1 errors (or more
 * warnings than `--max-warnings`), 2 bad usage or config (thrown as UsageError/InvalidInputError).
 */
import { loadConfig } from '../../config/index.js';
import { EXIT, UsageError } from '../../errors.js';
import { DEFAULT_CACHE_LOCATION } from '../../lint/cache.js';
import { lintFiles } from '../../lint/engine.js';
import { expandPaths } from '../../lint/files.js';
import { formatGithub } from '../../lint/formatters/github.js';
import { formatJson } from '../../lint/formatters/json.js';
import { formatSarif } from '../../lint/formatters/sarif.js';
import { formatStylish } from '../../lint/formatters/stylish.js';
import type { LintResult } from '../../lint/result.js';
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
  if (options.postmortem) throw new UsageError('`runbook lint --postmortem` is not available yet');
  const maxWarnings = parseMaxWarnings(options.maxWarnings);
  const { config, path: configPath } = await loadConfig(io.cwd, typeof options.config === 'string' ? options.config : undefined);
  const settings = resolveRuleSettings(config, configPath);
  const files = await expandPaths(paths, io.cwd);
  const cacheLocation = options.cache ? (typeof options.cacheLocation === 'string' ? options.cacheLocation : DEFAULT_CACHE_LOCATION) : undefined;
  const results = await lintFiles(files, { cwd: io.cwd, settings, ...(cacheLocation !== undefined ? { cacheLocation } : {}) });
  io.stdout.write(format === 'json' ? formatJson(results) : format === 'sarif' ? formatSarif(results) : format === 'github' ? formatGithub(results) : formatStylish(results, { color: useColor(io) }));
  return exitCode(results, maxWarnings);
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
