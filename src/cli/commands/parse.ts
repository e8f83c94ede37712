/**
 * `runbook parse <file> [--json]`: the parsed model and its diagnostics, for humans or as JSON.
 */
import path from 'node:path';
import type { VFileMessage } from 'vfile-message';
import { EXIT, UsageError } from '../../errors.js';
import { parseRunbook } from '../../parse/index.js';
import type { Runbook, Step } from '../../model/index.js';
import type { CliIO } from '../io.js';
import { readRunbookFile } from '../shared.js';
import { appendAll } from '../../format/extent.js';

/** One diagnostic as printed by `--json`. */
export interface JsonDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: 'error' | 'warning';
  ruleId: string;
  message: string;
}

/** Runs `runbook parse`. Returns the exit code: 0 clean, 1 when there are errors; throws UsageError for a bad file. */
export async function parseCommand(file: string, options: { json?: boolean }, io: CliIO): Promise<number> {
  const source = (await readRunbookFile(path.resolve(io.cwd, file), file)).toString('utf8');
  const { runbook, file: vfile } = parseRunbook(source, { path: file });
  const diagnostics = vfile.messages.map((message) => toJson(file, message));
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ runbook, diagnostics }, null, 2)}\n`);
  } else {
    io.stdout.write(outline(runbook));
    for (const d of diagnostics) io.stderr.write(`${d.file}:${d.line}:${d.column}: ${d.severity} ${d.message} [${d.ruleId}]\n`);
  }
  return diagnostics.some((d) => d.severity === 'error') ? EXIT.failure : EXIT.ok;
}

function toJson(file: string, message: VFileMessage): JsonDiagnostic {
  const place = message.place;
  const start = place && 'start' in place ? place.start : place;
  const end = place && 'end' in place ? place.end : start;
  return {
    file,
    line: start?.line ?? 1,
    column: start?.column ?? 1,
    endLine: end?.line ?? start?.line ?? 1,
    endColumn: end?.column ?? start?.column ?? 1,
    severity: message.fatal ? 'error' : 'warning',
    ruleId: message.ruleId ?? 'unknown',
    message: message.reason,
  };
}

/** A readable outline: title and meta, params, then each step with its body indented. */
export function outline(runbook: Runbook): string {
  const { meta } = runbook;
  const out: string[] = [meta.title];
  const facts = (['service', 'severity', 'prometheus', 'context', 'namespace'] as const)
    .filter((key) => meta[key] !== undefined)
    .map((key) => `${key}: ${meta[key]}`);
  if (meta.alerts.length) facts.push(`alerts: ${meta.alerts.join(', ')}`);
  if (meta.owners.length) facts.push(`owners: ${meta.owners.join(', ')}`);
  for (const fact of facts) out.push(`  ${fact}`);
  const params = Object.entries(meta.params);
  if (params.length) {
    out.push('', 'params:');
    for (const [name, spec] of params) {
      const details = [
        spec.required ? 'required' : undefined,
        spec.default !== undefined ? `default ${JSON.stringify(spec.default)}` : undefined,
        spec.pattern !== undefined ? `pattern /${spec.pattern}/` : undefined,
      ].filter(Boolean);
      out.push(`  ${name}${details.length ? ` (${details.join(', ')})` : ''}${spec.description ? ` — ${spec.description}` : ''}`);
    }
  }
  out.push('', runbook.steps.length ? 'steps:' : 'steps: none');
  for (const step of runbook.steps) appendAll(out, describeStep(step));
  return `${out.join('\n')}\n`;
}

function describeStep(step: Step): string[] {
  const { line, column } = step.position.start;
  const attributes = Object.entries(step.attributes)
    .filter(([key]) => key !== 'title')
    .map(([key, value]) => (value === '' ? key : `${key}=${JSON.stringify(value)}`));
  const head = [`${line}:${column}`, step.kind, `#${step.id}`, step.title, attributes.length ? `{${attributes.join(' ')}}` : undefined]
    .filter(Boolean)
    .join(' ');
  const lines = [`  ${head}`];
  const indent = (text: string, prefix = '      ') => text.split(/\r?\n/).map((l) => `${prefix}${l}`.trimEnd());
  if (step.mitigation) {
    const m = step.mitigation;
    for (const action of m.actions) lines.push(`    action (${action.kind}):`, ...indent(action.body));
    if (m.check) lines.push('    check:', ...indent(m.check.body));
    for (const action of m.rollback) lines.push(`    rollback (${action.kind}):`, ...indent(action.body));
  } else {
    appendAll(lines, indent(step.body, '    | '));
  }
  return lines;
}
