import { describe, expect, it } from 'vitest';
import { scalingVerdict } from '../../bench/lint.js';
import { linearFit, stats } from '../../bench/measure.js';
import { DOC_MARKERS, evaluateGoals, spliceReport } from '../../bench/report.js';
import type { Results } from '../../bench/report.js';
import { readSanity } from '../../bench/tools.js';

describe('stats and linearFit', () => {
  it('takes the median of odd and even counts', () => {
    expect(stats([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5 });
    expect(stats([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 });
  });

  it('fits a straight line exactly and a curve worse', () => {
    const line = linearFit([200, 2000, 8000], [300, 2100, 8100]);
    expect(line.slope).toBeCloseTo(1, 10);
    expect(line.intercept).toBeCloseTo(100, 6);
    expect(line.r2).toBeCloseTo(1, 10);
    const curve = linearFit([1, 2, 3, 4], [1, 4, 9, 16]);
    expect(curve.r2).toBeLessThan(0.97);
  });
});

const base = (): Omit<Results, 'goals'> => ({
  version: 1, generatedAt: '2025-10-26T10:20:00.000Z', mode: 'full', seed: 1, durationSec: 1, cli: 'dist/cli.js',
  machine: { nproc: 2, memoryGB: 8, cpuModel: 'x', node: 'v20', os: 'Linux', rssMethod: 'gnu-time' },
  corpora: [],
});

describe('evaluateGoals', () => {
  it('says by how much a missed goal is missed, and marks unmeasured goals', () => {
    const results = base();
    results.lint = {
      corpus: 'files-2000', files: 2000, bytes: 1, steps: 1, rounds: 5, roundsPlanned: 5, order: ['runbook'], skipped: [],
      results: [{
        tool: 'runbook', ms: { median: 100, min: 90, max: 110 }, cpuMs: undefined, rssMB: { median: 200, min: 190, max: 300 },
        filesPerSec: 1, mbPerSec: 1, exitCodes: [0], sanity: { filesLinted: 2000, problems: 0, exitCode: 0 },
        speedup: { 'markdownlint-cli2': 2.5, 'remark-cli': 1.5 },
      }],
    };
    const goals = evaluateGoals(results);
    const byName = (prefix: string) => goals.find((g) => g.goal.startsWith(prefix))!;
    expect(byName('lint ≥ 2× markdownlint')).toMatchObject({ met: true, actual: '2.50×' });
    expect(byName('lint ≥ 3× remark')).toMatchObject({ met: false, note: 'short by 50% (1.50×)' });
    expect(byName('lint peak RSS')).toMatchObject({ met: false, note: 'over by 20% (+50 MB)' });
    expect(byName('executor overhead ≤ 2 ms')).toMatchObject({ met: null, actual: 'n/a' });
    expect(goals.every((g) => g.met !== undefined)).toBe(true);
  });
});

describe('spliceReport', () => {
  it('replaces only the text between the markers', () => {
    const doc = `# Perf\n\nintro\n\n${DOC_MARKERS.start}\n\nold\n\n${DOC_MARKERS.end}\n\nafter\n`;
    const updated = spliceReport(doc, '| new |')!;
    expect(updated).toContain('intro');
    expect(updated).toContain('after');
    expect(updated).toContain(`${DOC_MARKERS.start}\n\n| new |\n\n${DOC_MARKERS.end}`);
    expect(updated).not.toContain('old');
    expect(spliceReport('# no markers\n', 'x')).toBeUndefined();
  });
});

describe('readSanity', () => {
  it('reads file and problem counts from each tool\'s default report', () => {
    expect(readSanity('runbook', { stdout: '✔ 200 files checked, no problems\n', stderr: '', exitCode: 0 })).toEqual({ filesLinted: 200, problems: 0, exitCode: 0 });
    expect(readSanity('runbook', { stdout: 'a.md\n  1:1  error  x  y\n\n✖ 3 problems (1 error, 2 warnings) in 12 files\n', stderr: '', exitCode: 1 }))
      .toEqual({ filesLinted: 12, problems: 3, exitCode: 1 });
    expect(readSanity('markdownlint-cli2', { stdout: 'Finding: x/**/*.md\nLinting: 200 file(s)\nSummary: 630 error(s)\n', stderr: '', exitCode: 1 }))
      .toEqual({ filesLinted: 200, problems: 630, exitCode: 1 });
    const remark = 'c/a.md: no issues found\nc/b.md\n3:5-3:15 warning Unexpected x no-undefined-references remark-lint\n\n⚠ 1 warning\n';
    expect(readSanity('remark-cli', { stdout: '', stderr: remark, exitCode: 0 })).toEqual({ filesLinted: 2, problems: 1, exitCode: 0 });
  });
});

describe('scalingVerdict', () => {
  const fit = (r2: number) => ({ r2, slope: 1, intercept: 100 });
  it('a straight line is linear', () => {
    expect(scalingVerdict(fit(0.999), 50, [1.0, 1.05])).toMatchObject({ linear: true, verdict: expect.stringMatching(/^linear: /) });
  });
  it('a per-file cost that falls is sub-linear and meets the goal', () => {
    expect(scalingVerdict(fit(0.97), 50, [0.83, 0.39])).toMatchObject({ linear: true, verdict: expect.stringMatching(/^sub-linear .* falls ×0\.47/) });
  });
  it('a per-file cost that grows fails it', () => {
    expect(scalingVerdict(fit(0.999), 50, [1, 2])).toMatchObject({ linear: false, verdict: expect.stringMatching(/^worse than linear: .* grows ×2\.00/) });
  });
});
