/**
 * The importer over `../shared/wild-runbooks/`: 561 public runbooks in five styles that nobody here wrote.
 * Every file imports without a crash, parses, lints with zero errors and re-imports to itself; per style, the
 * share of plain kubectl/oc fences and PromQL fences that became steps stays above a floor set just below what
 * was measured (printed, so a change shows).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/commands/run.js';
import { fakeKubectl, memoryIO } from '../exec/helpers.js';
import { renderedStructure } from './render.js';
import { lintRunbook } from '../../src/lint/index.js';
import { parseRunbook } from '../../src/parse/index.js';
import { importRunbook } from '../../src/import/index.js';
import type { StyleFigures } from './wild.js';
import { measureStyle } from './wild.js';

/** Floors per style: files found exactly, typed fences at least (measured 2026-12-04 in the comments). */
const STYLES: Record<string, { files: number; kubectl: number; promql: number }> = {
  'cloudnative-pg-charts': { files: 16, kubectl: 17, promql: 0 }, // 18/18 kubectl
  'cortexproject-cortex-jsonnet': { files: 1, kubectl: 1, promql: 5 }, // 1/1, 5/5 promql
  'mattrussi-gitlab-com-runbooks': { files: 424, kubectl: 18, promql: 1 }, // 19/19, 1/1
  'ministryofjustice-cloud-platform': { files: 107, kubectl: 39, promql: 2 }, // 41/42, 2/2
  'rook-rook': { files: 13, kubectl: 54, promql: 1 }, // 55/55, 1/1
};

const share = (typed: number, all: number): string => (all === 0 ? 'n/a' : `${typed}/${all} (${Math.round((100 * typed) / all)}%)`);

describe.each(Object.entries(STYLES))('wild runbooks: %s', (style, floor) => {
  const { figures, files } = measureStyle(style);

  it('finds every file and types at least the pinned number of kubectl and PromQL fences', () => {
    const f: StyleFigures = figures;
    console.log(
      `${style}: ${f.files} files; kubectl/oc fences typed ${share(f.kubectlTyped, f.kubectlFences)}; ` +
        `interactive kept as notes ${share(f.interactiveAsNote, f.interactive)}; PromQL typed ${share(f.promqlTyped, f.promqlFences)}`,
    );
    expect(f.files).toBe(floor.files);
    expect(f.kubectlTyped).toBeGreaterThanOrEqual(floor.kubectl);
    expect(f.promqlTyped).toBeGreaterThanOrEqual(floor.promql);
    // Interactive commands never become steps: every one stays as a note with its reason.
    expect(f.interactiveAsNote).toBe(f.interactive);
    if (f.kubectlFences > 0) expect(f.kubectlTyped / f.kubectlFences).toBeGreaterThanOrEqual(0.9);
    if (f.promqlFences > 0) expect(f.promqlTyped / f.promqlFences).toBeGreaterThanOrEqual(0.9);
  });

  it('imports every file without problems; the result parses, lints with zero errors and re-imports to itself', async () => {
    const failures: string[] = [];
    for (const file of files) {
      for (const problem of file.report.problems) failures.push(`${file.name}: problem ${problem}`);
      const { runbook, file: vfile } = parseRunbook(file.output, { path: file.name });
      for (const m of vfile.messages.filter((m) => m.fatal)) failures.push(`${file.name}:${m.line}:${m.column} parse ${m.reason}`);
      const parsed = new Map(runbook.steps.map((s) => [s.id, s.kind]));
      for (const step of file.report.steps) if (parsed.get(step.id) !== step.kind) failures.push(`${file.name}: step ${step.id} is ${parsed.get(step.id)}, reported ${step.kind}`);
      const lint = await lintRunbook(file.output, { path: file.name });
      for (const m of lint.messages) if (m.severity === 2) failures.push(`${file.name}:${m.line}:${m.column} ${m.ruleId} ${m.message}`);
      // No typed body keeps a placeholder a reader would replace (comment lines aside: they never run).
      for (const step of runbook.steps) {
        const bodies: Array<{ runner: string; body: string }> = [{ runner: step.kind, body: step.body }];
        for (const a of step.mitigation?.actions ?? []) bodies.push({ runner: a.kind, body: a.body });
        if (step.mitigation?.check) bodies.push({ runner: 'check', body: step.mitigation.check.body });
        for (const { runner, body } of bodies) {
          const code = body.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n').replace(/\\\{\{[\s\S]*?\}\}/g, '');
          // In `sh` a `$var` may be the script's own (a loop variable, `$HOME`); `<name>` never is.
          const placeholder = runner === 'sh' || runner === 'mitigate' ? /<[A-Za-z][\w.-]*>/ : /\$\{?[A-Za-z_]\w*\}?|<[A-Za-z][\w .-]*>/;
          const found = placeholder.exec(code);
          if (found) failures.push(`${file.name}: step ${step.id} (${runner}) keeps \`${found[0]}\``);
        }
      }
      const again = importRunbook(file.output, { path: file.name });
      if (again.output !== file.output) failures.push(`${file.name}: not idempotent`);
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('every changed file renders as before (same HTML apart from the fences and the `:::` lines)', () => {
    const differ = files.filter((f) => f.report.changed && renderedStructure(f.output) !== renderedStructure(f.source)).map((f) => f.name);
    expect(differ).toEqual([]);
  }, 120_000);

  it('every file with steps plans with --dry-run when its params are given, running nothing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'runbook-wild-dry-'));
    const kubectl = fakeKubectl();
    try {
      const failures: string[] = [];
      let planned = 0;
      for (const [i, file] of files.entries()) {
        if (file.report.steps.length === 0) continue;
        const { runbook } = parseRunbook(file.output, { path: file.name });
        const target = join(root, `${i}.md`);
        writeFileSync(target, file.output);
        const param = Object.keys(runbook.meta.params).map((name) => `${name}=example-${name.replace(/_/g, '-')}`);
        const io = memoryIO({ env: { ...process.env, PATH: kubectl.path }, cwd: root });
        const code = await runCommand(target, { dryRun: true, param, timeline: join(root, `${i}.jsonl`), prometheus: 'http://127.0.0.1:9' }, io);
        if (code !== 0) failures.push(`${file.name}: exit ${code}: ${io.err().split('\n')[0]}`);
        planned++;
      }
      console.log(`${style}: ${planned} files planned with --dry-run`);
      expect(failures).toEqual([]);
      expect(kubectl.calls()).toEqual([]);
    } finally {
      kubectl.cleanup();
      rmSync(root, { recursive: true, force: true });
    }
  }, 300_000);
});
