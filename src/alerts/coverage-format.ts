/**
 * Output of `runbook coverage`. stylish and github are the lint formatters applied to the gaps (one result
 * per file); json is the report's own shape; sarif is SARIF 2.1.0 with the three coverage rules.
 */
import { formatGithub } from '../lint/formatters/github.js';
import { formatStylish } from '../lint/formatters/stylish.js';
import { VERSION } from '../version.js';
import { COVERAGE_RULES, gapsAsResults, type CoverageReport, type GapKind } from './coverage.js';

/** The formats of `--format`. */
export const COVERAGE_FORMATS = ['stylish', 'json', 'sarif', 'github'] as const;

/** One line of figures: rules, names, runbooks, gaps by kind. */
export function coverageSummary(report: CoverageReport): string {
  const count = (kind: GapKind) => report.gaps.filter((gap) => gap.kind === kind).length;
  const names = new Set(report.rules.map((rule) => rule.name)).size;
  return (
    `${report.rules.length} alerting rules (${names} names), ${report.runbooks.length} runbooks: ` +
    `${count('alert-without-runbook')} alerts without a runbook, ${count('runbook-without-alert')} runbooks answering no alert, ` +
    `${count('runbook-url-unresolved')} runbook_urls resolving to no file`
  );
}

/** Formats a report. */
export function formatCoverage(format: string, report: CoverageReport, options: { color: boolean }): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(coverageJson(report), null, 2)}\n`;
    case 'sarif':
      return coverageSarif(report);
    case 'github':
      return formatGithub(gapsAsResults(report.gaps));
    default: {
      const results = gapsAsResults(report.gaps);
      const body = results.length > 0 ? formatStylish(results, options) : '';
      return `${body}${coverageSummary(report)}\n`;
    }
  }
}

/** The JSON shape: figures, then every gap. */
export function coverageJson(report: CoverageReport) {
  return {
    rules: report.rules.length,
    alerts: new Set(report.rules.map((rule) => rule.name)).size,
    runbooks: report.runbooks.length,
    gaps: report.gaps.map((gap) => ({
      kind: gap.kind,
      file: gap.file,
      line: gap.place.line,
      column: gap.place.column,
      ...(gap.alert !== undefined ? { alert: gap.alert } : {}),
      ...(gap.url !== undefined ? { url: gap.url } : {}),
      message: gap.message,
    })),
  };
}

function artifactLocation(path: string): { uri: string; uriBaseId?: string } {
  const uri = path.split('/').map(encodeURIComponent).join('/');
  return path.startsWith('/') ? { uri: `file://${uri}` } : { uri, uriBaseId: '%SRCROOT%' };
}

function coverageSarif(report: CoverageReport): string {
  const ids = Object.keys(COVERAGE_RULES) as GapKind[];
  const rules = ids.map((id) => ({
    id,
    shortDescription: { text: COVERAGE_RULES[id] },
    help: { text: 'See docs/alerts.md in the runbook repository.' },
    defaultConfiguration: { level: 'error' as const },
  }));
  const results = report.gaps.map((gap) => ({
    ruleId: gap.kind,
    ruleIndex: ids.indexOf(gap.kind),
    level: 'error' as const,
    message: { text: gap.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactLocation(gap.file),
          region: { startLine: gap.place.line, startColumn: gap.place.column, endLine: gap.place.endLine, endColumn: gap.place.endColumn },
        },
      },
    ],
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'runbook coverage', semanticVersion: VERSION, rules } }, columnKind: 'utf16CodeUnits', results }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
