/**
 * Issue 12 §7 and §9: input that used to drop steps silently, drop settings silently or crash mid-run.
 * A UTF-8 BOM keeps every step (and exact bodies); unclosed front matter is a positioned error; NUL is refused
 * with the step's position before anything runs; the template's own stand-in characters in a body are text.
 */
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parse/index.js';
import { lintSource } from '../../src/lint/linter.js';
import { RenderError, renderKubectlArgv, renderShellScript } from '../../src/exec/render.js';
import type { TemplateRef } from '../../src/steps/template.js';

const RUNBOOK = '---\ntitle: B\nnamespace: payments\n---\n\n# B\n\n```promql {#q}\nup\n```\n\n:::mitigate{#m}\n```sh\necho hi\n```\n:::\n';

describe('a byte order mark', () => {
  it('keeps the front matter, every step and exact bodies; positions as without it', () => {
    const plain = parseRunbook(RUNBOOK);
    const bom = parseRunbook(`\uFEFF${RUNBOOK}`);
    expect(bom.file.messages.filter((m) => m.fatal)).toEqual([]);
    expect(bom.runbook.meta.namespace ?? bom.runbook.meta.extra.namespace).toBe('payments');
    expect(bom.runbook.steps.map((s) => s.id)).toEqual(['q', 'm']);
    expect(bom.runbook.steps.map((s) => s.position)).toEqual(plain.runbook.steps.map((s) => s.position));
    expect(JSON.stringify(bom.runbook.steps)).toBe(JSON.stringify(plain.runbook.steps));
    // Lint points where it would without the BOM.
    const lintPlain = lintSource(RUNBOOK, {}).messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`);
    const lintBom = lintSource(`\uFEFF${RUNBOOK}`, {}).messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`);
    expect(lintBom).toEqual(lintPlain);
  });
});

describe('unclosed front matter', () => {
  it('is an error at line 1, not a rule and a paragraph', () => {
    const { file } = parseRunbook('---\ntitle: U\nnamespace: x\n\n# U\n\n```promql {#q}\nup\n```\n');
    const errors = file.messages.filter((m) => m.fatal);
    expect(errors.map((m) => [m.ruleId, m.line, m.column])).toEqual([['frontmatter-yaml', 1, 1]]);
    expect(errors[0]?.message).toMatch(/never closed/);
  });

  it('a leading thematic break followed by prose is not front matter', () => {
    const { file } = parseRunbook('---\n\n# T\n\nSome text: here.\n');
    expect(file.messages.filter((m) => m.fatal)).toEqual([]);
  });
});

const values = (params: Record<string, string>) => (ref: TemplateRef) => (ref.type === 'param' ? params[ref.name] : undefined);

describe('NUL and the stand-in characters', () => {
  it('a NUL in a body or a value is a RenderError, never a crash of the spawn', () => {
    expect(() => renderKubectlArgv('kubectl get pods -l a=b\0c', values({}))).toThrow(RenderError);
    expect(() => renderShellScript('echo "a\0b"', values({}))).toThrow(/NUL/);
    expect(() => renderKubectlArgv('kubectl get pod {{p}}', values({ p: 'a\0b' }))).toThrow(/NUL/);
    expect(() => renderShellScript('echo {{p}}', values({ p: 'a\0b' }))).toThrow(/NUL/);
  });

  it('U+E000/U+E001 in a body are kept as written and never replaced by a value', () => {
    const odd = '\uE000' + '0' + '\uE001';
    expect(renderKubectlArgv(`kubectl get pod ${odd} {{p}}`, values({ p: 'gw' }))).toEqual(['get', 'pod', odd, 'gw']);
    const sh = renderShellScript(`echo "${odd}" {{p}}`, values({ p: 'gw' }));
    expect(sh.script).toBe(`echo "${odd}" "$RUNBOOK_P_p"`);
    expect(sh.env).toEqual({ RUNBOOK_P_p: 'gw' });
  });

  it('a run of a runbook with a NUL in a body ends with exit 2 and a position, before anything runs', async () => {
    const { execa } = await import('execa');
    const { mkdtempSync, writeFileSync, rmSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'runbook-nul-'));
    try {
      writeFileSync(join(dir, 'n.md'), '---\ntitle: N\n---\n\n# N\n\n```sh {#first}\ntouch ran\n```\n\n```sh {#s}\necho "x\0y"\n```\n');
      const cli = new URL('../../dist/cli.js', import.meta.url).pathname;
      const result = await execa('node', [cli, 'run', 'n.md', '--approve', 'all', '--timeline', 't.jsonl'], { cwd: dir, reject: false, env: { HOME: dir } });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toMatch(/n\.md:11:1: .*NUL/);
      expect(existsSync(join(dir, 'ran'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pathological nesting (issue 12 §10)', () => {
  it.each([
    ['3,000 nested containers', `# N\n\n${':::note\n'.repeat(3000)}x\n${':::\n'.repeat(3000)}`, 35],
    ['5,000 block quotes', `# D\n\n${'>'.repeat(5000)} x\n`, 3],
    ['3,000 nested list items', `# L\n\n${Array.from({ length: 3000 }, (_, i) => `${'  '.repeat(i)}- x\n`).join('')}`, 68],
  ])('%s: one positioned nesting-too-deep error, never a stack overflow', (_name, source, line) => {
    const { file, runbook } = parseRunbook(source);
    expect(file.messages.map((m) => [m.ruleId, m.line])).toEqual([['nesting-too-deep', line]]);
    expect(runbook.steps).toEqual([]);
  });

  it('nesting within the limits parses as before', () => {
    const source = `# Q\n\n${'>'.repeat(32)} x\n\n${Array.from({ length: 64 }, (_, i) => `${'  '.repeat(i)}- x\n`).join('')}\n\`\`\`promql {#q}\nup\n\`\`\`\n`;
    const { file, runbook } = parseRunbook(source);
    expect(file.messages.filter((m) => m.ruleId === 'nesting-too-deep' || m.ruleId === 'internal-error')).toEqual([]);
    expect(runbook.steps.map((s) => s.id)).toEqual(['q']);
  });
});
