/**
 * `--format sarif`: SARIF 2.1.0, as code-scanning services accept it: every rule in `tool.driver.rules` with
 * its help URI, every message a result with a physical location and region.
 */
import { PARSE_RULES } from '../../parse/index.js';
import { VERSION } from '../../version.js';
import { docsBaseUrl, formatDocsUrl, ruleDocsPath, ruleDocsUrl } from '../docs-url.js';
import type { LintResult } from '../result.js';
import { RULES } from '../rules/index.js';

interface SarifRule {
  id: string;
  shortDescription: { text: string };
  helpUri?: string;
  help: { text: string };
  defaultConfiguration: { level: 'error' | 'warning' | 'none' };
}

/** `{ [key]: value }` when value is defined, else `{}` (SARIF forbids null where a property is optional). */
function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

/** Options of formatSarif. */
export interface SarifOptions {
  /** More rules results may name (id → description), e.g. the postmortem rules; listed after the others. */
  extraRules?: Readonly<Record<string, string>>;
}

/** Every rule a result can name: the lint rules, then the parser's diagnostics, then `extra`. */
function sarifRules(extra: Readonly<Record<string, string>> = {}): SarifRule[] {
  const rules: SarifRule[] = Object.values(RULES).map((rule) => ({
    id: rule.meta.id,
    shortDescription: { text: rule.meta.description },
    help: { text: `See ${ruleDocsPath(rule.meta.id)} in the runbook repository.` },
    ...optional('helpUri', ruleDocsUrl(rule.meta.id)),
    defaultConfiguration: { level: rule.meta.severity === 'error' ? 'error' : rule.meta.severity === 'warn' ? 'warning' : 'none' },
  }));
  for (const [id, description] of Object.entries(PARSE_RULES)) {
    if (RULES[id]) continue;
    rules.push({
      id,
      shortDescription: { text: description },
      help: { text: `See docs/format.md#${id} in the runbook repository.` },
      ...optional('helpUri', formatDocsUrl(id)),
      defaultConfiguration: { level: 'error' },
    });
  }
  for (const [id, description] of Object.entries(extra)) {
    rules.push({ id, shortDescription: { text: description }, help: { text: 'See docs/lint.md#postmortems in the runbook repository.' }, defaultConfiguration: { level: 'error' } });
  }
  return rules;
}

/** A path as a URI: relative to %SRCROOT% (the working directory), or a `file:` URI when absolute. */
function artifactLocation(path: string): { uri: string; uriBaseId?: string } {
  const uri = path.split('/').map(encodeURIComponent).join('/');
  return path.startsWith('/') ? { uri: `file://${uri}` } : { uri, uriBaseId: '%SRCROOT%' };
}

/** Formats results as a SARIF 2.1.0 log. */
export function formatSarif(results: readonly LintResult[], options: SarifOptions = {}): string {
  const rules = sarifRules(options.extraRules);
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  const sarifResults = results.flatMap((result) =>
    result.messages.map((message) => {
      const ruleIndex = index.get(message.ruleId);
      return {
        ruleId: message.ruleId,
        ...(ruleIndex !== undefined ? { ruleIndex } : {}),
        level: message.severity === 2 ? 'error' : 'warning',
        message: { text: message.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: artifactLocation(result.filePath),
              region: { startLine: message.line, startColumn: message.column, endLine: message.endLine, endColumn: message.endColumn },
            },
          },
        ],
      };
    }),
  );
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'runbook', semanticVersion: VERSION, ...optional('informationUri', docsBaseUrl()), rules } },
        columnKind: 'utf16CodeUnits',
        results: sarifResults,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
