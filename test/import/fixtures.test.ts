import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importRunbook } from '../../src/import/index.js';
import { parseRunbook } from '../../src/parse/index.js';
import { FIXTURES } from './helpers.js';

const names = readdirSync(FIXTURES)
  .filter((n) => n.endsWith('.md') && !n.endsWith('.expected.md'))
  .map((n) => n.replace(/\.md$/, ''))
  .sort();

const load = (name: string) => {
  const input = readFileSync(path.join(FIXTURES, `${name}.md`), 'utf8');
  const expected = readFileSync(path.join(FIXTURES, `${name}.expected.md`), 'utf8');
  return { input, expected, ...importRunbook(input, { path: `${name}.md` }) };
};

describe('hand-checked fixtures', () => {
  it('covers every conversion rule', () => {
    expect(names).toEqual([
      'already-typed', 'console-mixed', 'hugo-frontmatter', 'list-template', 'multiline-kubectl', 'oc-command', 'pipeline', 'placeholders',
      'promql-recording-rule', 'yaml-lookalike',
    ]);
  });

  it.each(names)('%s imports to its .expected.md, which parses cleanly and is a fixed point', (name) => {
    const { output, expected } = load(name);
    expect(output).toBe(expected);
    const { file } = parseRunbook(expected, { path: `${name}.expected.md` });
    expect(file.messages.filter((m) => m.fatal).map((m) => m.reason)).toEqual([]);
    expect(importRunbook(expected).output).toBe(expected);
  });

  it('console fence: commands become steps, output lines stay as text fences after them', () => {
    const { report } = load('console-mixed');
    expect(report.steps.map((s) => [s.kind, s.id])).toEqual([
      ['kubectl', 'get-pods'],
      ['kubectl', 'describe-pod-prometheus-k8s-0'],
      ['mitigate', 'delete-pod-prometheus-k8s-0'],
    ]);
    expect(report.prose.map((p) => p.reason)).toEqual(['output', 'output', 'output']);
  });

  it('PromQL: recording-rule names and label-matcher placeholders; a lone word is not a query', () => {
    const { report } = load('promql-recording-rule');
    expect(report.steps.map((s) => s.id)).toEqual(['job-rate5m', 'node-filesystem-free-bytes', 'up']);
    expect(report.params.map((p) => [p.name, p.description])).toEqual([
      ['job', 'Value of the `job` label'],
      ['instance', 'Value of instance label from alert'],
    ]);
    expect(report.prose).toEqual([{ line: 27, lang: 'text', reason: 'not-promql' }]);
  });

  it('YAML that contains PromQL stays prose', () => {
    const { report, output, input } = load('yaml-lookalike');
    expect(report.steps).toEqual([]);
    expect(report.prose.map((p) => [p.lang, p.reason])).toEqual([
      ['', 'not-promql'],
      ['yaml', 'language'],
    ]);
    expect(output.endsWith(input.slice(input.indexOf('# Alert rule')))).toBe(true);
  });

  it('Hugo front matter: keys, order and comments kept, only the new param appended', () => {
    const { output, report } = load('hugo-frontmatter');
    expect(report.frontMatter.action).toBe('merged');
    expect(report.params.map((p) => [p.name, p.added])).toEqual([
      ['namespace', false],
      ['pod', true],
    ]);
    expect(output).toContain('# Hugo page settings\ntitle: "Gateway Down" # shown in the menu\nweight: 20\n');
  });

  it('placeholders: <namespace>, ${POD}, all-caps slot words; go-template braces escaped; inline code only a candidate', () => {
    const { report, output } = load('placeholders');
    expect(report.params.map((p) => [p.name, p.written])).toEqual([
      ['namespace', ['<namespace>', 'NAMESPACE']],
      ['pod', ['${POD}']],
      ['pod_name', ['POD_NAME']],
      ['container', ['CONTAINER']],
      ['node', ['<node>']],
    ]);
    expect(output).toContain("{{\"\\n\"}}\\{{end}}'");
    expect(report.candidates).toEqual([{ line: 12, column: 55, text: 'kubectl -n $NAMESPACE get pod $POD', kind: 'kubectl' }]);
    expect(output).toContain('candidate: `kubectl -n $NAMESPACE get pod $POD`.');
  });

  it('oc: read verbs become kubectl steps with bin=oc, mutating ones a gated mitigation; `oc debug` and what follows stay prose', () => {
    const { output, report } = load('oc-command');
    expect(report.steps.map((s) => [s.kind, s.action, s.bin, s.id])).toEqual([
      ['kubectl', undefined, 'oc', 'oc-logs'],
      ['mitigate', 'kubectl', 'oc', 'oc-delete-pod'],
    ]);
    expect(output).toContain('```kubectl {#oc-logs bin=oc}\noc -n {{namespace}} logs');
    expect(output).toContain(':::mitigate{#oc-delete-pod}\n```kubectl {bin=oc}\noc -n {{namespace}} delete pod');
    expect(report.prose.map((p) => p.reason)).toEqual(['output', 'interactive-command']);
  });

  it('pipelines and command substitution stay in sh; a mutating one goes into a mitigation', () => {
    const { report } = load('pipeline');
    expect(report.steps.map((s) => [s.kind, s.action])).toEqual([
      ['sh', undefined],
      ['mitigate', 'sh'],
      ['mitigate', 'sh'],
    ]);
  });

  it('multi-line kubectl: one step per command, continuation lines kept, PS2 prompts dropped', () => {
    const { output, report } = load('multiline-kubectl');
    expect(report.steps.map((s) => s.kind)).toEqual(['kubectl', 'kubectl', 'mitigate']);
    expect(output).toContain('kubectl get pods \\\n  --namespace {{namespace}} \\\n  -l app=gateway \\\n  -o wide\n```');
  });

  it('typed fences and directives are left alone and their ids reserved', () => {
    const { report } = load('already-typed');
    expect(report.alreadyTyped).toBe(3);
    expect(report.steps.map((s) => s.id)).toEqual(['get-pods-2']);
    expect(report.frontMatter.action).toBe('unchanged');
  });
});
