import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parse/index.js';

const directory = path.resolve(import.meta.dirname, '../../examples');
const files = readdirSync(directory).filter((name) => name.endsWith('.md')).sort();

describe('examples/*.md', () => {
  it('has one example per feature', () => {
    expect(files).toEqual(['check.md', 'kubectl.md', 'mitigate-short.md', 'mitigate.md', 'params.md', 'promql.md', 'sh.md']);
  });

  it.each(files)('%s parses with no diagnostics and at least one step', (name) => {
    const { runbook, file } = parseRunbook(readFileSync(path.join(directory, name), 'utf8'), { path: name });
    expect(file.messages.map(String)).toEqual([]);
    expect(runbook.steps.length).toBeGreaterThan(0);
  });

  it('covers every step kind, both forms, and every mitigation part', () => {
    const steps = files.flatMap((name) => parseRunbook(readFileSync(path.join(directory, name), 'utf8')).runbook.steps);
    expect(new Set(steps.map((s) => s.kind))).toEqual(new Set(['promql', 'kubectl', 'check', 'mitigate', 'sh']));
    expect(new Set(steps.map((s) => s.form))).toEqual(new Set(['fence', 'directive']));
    const mitigations = steps.flatMap((s) => (s.mitigation ? [s.mitigation] : []));
    expect(mitigations.some((m) => m.short)).toBe(true);
    expect(mitigations.some((m) => m.check && m.rollback.length > 0)).toBe(true);
  });
});
