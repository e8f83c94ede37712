import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importRunbook, totalsOf } from '../../src/import/index.js';
import type { FileReport } from '../../src/import/index.js';
import { parseRunbook } from '../../src/parse/index.js';
import { CORPUS, markdownUnder } from './helpers.js';

const files = markdownUnder(CORPUS);
const imported = files.map((name) => {
  const source = readFileSync(path.join(CORPUS, name), 'utf8');
  return { name, source, ...importRunbook(source, { path: name }) };
});

/** Input and output with the reported regions (converted fences, front matter) cut out. */
function withoutRegions(text: string, ranges: Array<{ start: number; end: number }>): string {
  let out = '';
  let last = 0;
  for (const range of [...ranges].sort((a, b) => a.start - b.start)) {
    out += text.slice(last, range.start);
    last = range.end;
  }
  return out + text.slice(last);
}

describe('import of the prometheus-operator runbooks corpus', () => {
  it('finds the whole corpus', () => {
    expect(files.length).toBe(117);
  });

  it('imports every file without problems, with these totals', () => {
    for (const file of imported) expect(file.report.problems, file.name).toEqual([]);
    // Regressions show here: any change in what the importer recognises changes these numbers.
    expect(totalsOf(imported.map((f) => f.report))).toEqual({
      files: 117,
      changed: 27,
      steps: { promql: 14, kubectl: 26, sh: 10, mitigate: 9 },
      params: 14,
      prose: { output: 8, 'interactive-session': 1, 'interactive-command': 5, 'not-promql': 3, 'no-command': 3, unclosed: 1, nested: 0, language: 0, 'promql-syntax': 0 },
      candidates: 27,
      alreadyTyped: 0,
      problems: 0,
    });
  });

  it('gives each file the steps and params recorded in the snapshot', () => {
    const summary = imported
      .filter((f) => f.report.steps.length > 0 || f.report.params.length > 0)
      .map((f) => ({
        file: f.name,
        steps: f.report.steps.map((s) => `${s.kind}${s.action ? `(${s.action})` : ''} #${s.id} @${s.line}`),
        params: f.report.params.map((p) => `${p.name}: ${p.description}${p.default ? ` [default ${p.default}]` : ''}`),
        prose: f.report.prose.map((p) => `${p.line} ${p.lang || '(none)'} ${p.reason}`),
      }));
    expect(summary).toMatchSnapshot();
  });

  it.each(imported.map((f) => [f.name, f] as const))('%s parses with no errors after import', (_name, file) => {
    const { runbook, file: vfile } = parseRunbook(file.output, { path: file.name });
    expect(vfile.messages.filter((m) => m.fatal).map((m) => `${m.line}:${m.column} ${m.reason}`)).toEqual([]);
    // Every step the importer reported is a step of the parsed runbook, with the same kind.
    const parsed = new Map(runbook.steps.map((s) => [s.id, s.kind]));
    for (const step of file.report.steps) expect(parsed.get(step.id), step.id).toBe(step.kind);
    // Every `{{param}}` used is declared in the front matter.
    for (const step of runbook.steps) {
      for (const match of step.body.matchAll(/(?<!\\)\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/g)) {
        expect(Object.keys(runbook.meta.params), `${step.id} uses ${match[1]}`).toContain(match[1]);
      }
    }
  });

  it('is idempotent: importing the result again changes nothing', () => {
    for (const file of imported) {
      const again = importRunbook(file.output, { path: file.name });
      expect(again.output, file.name).toBe(file.output);
      expect(again.report.changed, file.name).toBe(false);
      expect(again.report.steps, file.name).toEqual([]);
    }
  });

  it('preserves every byte outside the converted fences and the front matter', () => {
    for (const { name, source, output, report } of imported) {
      const regions = (r: FileReport, side: 'input' | 'output') => [r.frontMatter[side], ...r.conversions.map((c) => c[side])];
      expect(withoutRegions(output, regions(report, 'output')), name).toBe(withoutRegions(source, regions(report, 'input')));
      // The converted input regions are whole fences, nothing more.
      for (const conversion of report.conversions) {
        const text = source.slice(conversion.input.start, conversion.input.end);
        // A `:::mitigate` opening or closing inserted around a list replaces nothing.
        if (text === '' && conversion.steps.length === 0) continue;
        expect(text, name).toMatch(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*\n[ \t]*(`{3,}|~{3,})$/);
      }
    }
  });
});
