/**
 * `runbook coverage --rules <files|folders…> [runbook paths…]`: which alerting rules have no runbook, which
 * runbooks answer no rule, which runbook_urls resolve to no file. Exit 0 no gaps, 1 gaps, 2 bad usage.
 */
import { loadConfig } from '../../config/index.js';
import { EXIT, UsageError } from '../../errors.js';
import type { CliIO } from '../io.js';

/** Runs `runbook coverage`; returns the exit code. */
export async function coverageCommand(paths: string[], options: Record<string, unknown>, io: CliIO): Promise<number> {
  const { COVERAGE_FORMATS, formatCoverage } = await import('../../alerts/coverage-format.js');
  const format = String(options.format ?? 'stylish');
  if (!(COVERAGE_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`Unknown format \`${format}\`; expected one of ${COVERAGE_FORMATS.map((f) => `\`${f}\``).join(', ')}`);
  }
  const rules = Array.isArray(options.rules) ? (options.rules as string[]) : [];
  if (rules.length === 0) throw new UsageError('`runbook coverage` needs --rules <rule files or folders>');
  const { config } = await loadConfig(io.cwd, typeof options.config === 'string' ? options.config : undefined);
  const runbookUrl = typeof options.runbookUrl === 'string' ? options.runbookUrl : config.runbookUrl;
  const { checkCoverage } = await import('../../alerts/coverage.js');
  const report = await checkCoverage({ rules, runbooks: paths, cwd: io.cwd, ...(runbookUrl !== undefined ? { runbookUrl } : {}) });
  const color = io.stdout.isTTY === true && io.env.NO_COLOR === undefined && io.env.FORCE_COLOR !== '0';
  io.stdout.write(formatCoverage(format, report, { color }));
  return report.gaps.length > 0 ? EXIT.failure : EXIT.ok;
}
