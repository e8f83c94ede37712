import { execFileSync } from 'node:child_process';
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RenderError, renderKubectlArgv, renderShellScript, withKubeTarget } from '../../src/exec/render.js';
import type { TemplateRef } from '../../src/steps/template.js';

const values = (params: Record<string, string>, captures: Record<string, string> = {}) => (ref: TemplateRef) =>
  ref.type === 'param' ? params[ref.name] : captures[`${ref.step}.${ref.name}`];

describe('renderKubectlArgv: a value is always exactly one argv token', () => {
  it.each([
    ['kubectl get pod {{pod}}', { pod: 'x; rm -rf /' }, ['get', 'pod', 'x; rm -rf /']],
    ['kubectl get pod {{pod}}', { pod: 'a b\tc\nd' }, ['get', 'pod', 'a b\tc\nd']],
    ['kubectl get pod {{pod}}', { pod: '$(touch /tmp/x) `id` | cat' }, ['get', 'pod', '$(touch /tmp/x) `id` | cat']],
    ['kubectl get pods -l app={{label}}', { label: '--kubeconfig=/tmp/evil' }, ['get', 'pods', '-l', 'app=--kubeconfig=/tmp/evil']],
    ['kubectl get pods --selector=app={{label}}', { label: '-x' }, ['get', 'pods', '--selector=app=-x']],
    ['kubectl get pod/{{pod}}', { pod: "'quoted' \"x\"" }, ['get', `pod/'quoted' "x"`]],
    ['kubectl get pod "{{pod}}-0"', { pod: 'a b' }, ['get', 'pod', 'a b-0']],
    ["kubectl get pod '{{pod}}'", { pod: 'a' }, ['get', 'pod', 'a']],
    ['kubectl get pod {{pod}}', { pod: '' }, ['get', 'pod', '']],
    ['kubectl get pods -o go-template={{.metadata.name}}', {}, ['get', 'pods', '-o', 'go-template={{.metadata.name}}']],
    ['kubectl get pod \\{{pod}}', { pod: 'x' }, ['get', 'pod', '{{pod}}']],
    ['get pods \\\n  -n {{ns}}', { ns: 'payments' }, ['get', 'pods', '-n', 'payments']],
  ])('%s with %j', (body, params, expected) => {
    expect(renderKubectlArgv(body, values(params))).toEqual(expected);
  });

  it('renders captures per word', () => {
    expect(renderKubectlArgv('kubectl logs {{steps.find.pod}} --tail=5', values({}, { 'find.pod': 'gw-1 2' }))).toEqual(['logs', 'gw-1 2', '--tail=5']);
  });

  // The rule: the rendered word starts with `-` and only dashes (or nothing) were written before the placeholder.
  it.each([
    ['kubectl get pod {{pod}}', '--kubeconfig=/tmp/evil'],
    ['kubectl get pod {{pod}}', '-A'],
    ['kubectl get pod {{pod}}x', '-o'],
    ['kubectl get pod -{{pod}}', '-kubeconfig=/tmp/evil'],
    ['kubectl get pod --{{pod}}', 'kubeconfig=/tmp/evil'.replace(/^/, '-')],
    ['kubectl get pod -n {{pod}}', '--all-namespaces'],
    ['kubectl get pod {{a}}{{b}}', '-x'],
  ])('refuses a value that would start a flag: %s', (body, value) => {
    expect(() => renderKubectlArgv(body, values({ pod: value, a: '', b: value }))).toThrow(RenderError);
    expect(() => renderKubectlArgv(body, values({ pod: value, a: '', b: value }))).toThrow(/would start a command-line flag/);
  });

  it('never lets a value choose a flag name, even after a written dash', () => {
    expect(() => renderKubectlArgv('kubectl get pod -{{flag}}', values({ flag: 'A' }))).toThrow(/would start a command-line flag/);
    expect(renderKubectlArgv('kubectl get pod -n={{ns}}', values({ ns: 'payments' }))).toEqual(['get', 'pod', '-n=payments']);
  });

  it('names a missing value', () => {
    expect(() => renderKubectlArgv('kubectl get pod {{pod}}', values({}))).toThrow(/No value for `\{\{pod\}\}`.*--param pod=/);
    expect(() => renderKubectlArgv('kubectl get pod {{steps.a.b}}', values({}))).toThrow(/step `a` did not run or captured no `b`/);
  });

  it('refuses shell syntax (the parser reports it too)', () => {
    expect(() => renderKubectlArgv('kubectl get pods | grep x', values({}))).toThrow(/a pipe/);
  });
});

describe('withKubeTarget: context and namespace unless the body sets them', () => {
  const target = { context: 'sandbox', namespace: 'payments' };
  it.each([
    [['get', 'pods'], ['kubectl', '--context=sandbox', '--namespace=payments', 'get', 'pods']],
    [['get', 'pods', '-n', 'other'], ['kubectl', '--context=sandbox', 'get', 'pods', '-n', 'other']],
    [['get', 'pods', '-nother'], ['kubectl', '--context=sandbox', 'get', 'pods', '-nother']],
    [['get', 'pods', '--namespace=other'], ['kubectl', '--context=sandbox', 'get', 'pods', '--namespace=other']],
    [['get', 'pods', '--namespace', 'other'], ['kubectl', '--context=sandbox', 'get', 'pods', '--namespace', 'other']],
    [['get', 'pods', '-A'], ['kubectl', '--context=sandbox', 'get', 'pods', '-A']],
    [['get', 'pods', '--all-namespaces'], ['kubectl', '--context=sandbox', 'get', 'pods', '--all-namespaces']],
    [['--context', 'prod', 'get', 'pods'], ['kubectl', '--namespace=payments', '--context', 'prod', 'get', 'pods']],
    [['--context=prod', '-n', 'x', 'get', 'pods'], ['kubectl', '--context=prod', '-n', 'x', 'get', 'pods']],
    // After `--` the words belong to the command exec runs, not to kubectl.
    [['exec', 'pod', '--', 'ls', '-n', 'x'], ['kubectl', '--context=sandbox', '--namespace=payments', 'exec', 'pod', '--', 'ls', '-n', 'x']],
  ])('%j', (argv, expected) => {
    expect(withKubeTarget(argv, target)).toEqual(expected);
  });

  it('adds nothing without targets', () => {
    expect(withKubeTarget(['get', 'pods'], {})).toEqual(['kubectl', 'get', 'pods']);
  });
});

describe('renderShellScript: values travel as environment variables', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-exec-sh-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('quotes each reference for where it stands', () => {
    const { script, env } = renderShellScript(`echo {{a}} "x {{a}}" 'y {{steps.s-1.v}}'`, values({ a: '1' }, { 's-1.v': '2' }));
    expect(script).toBe(`echo "$RUNBOOK_P_a" "x \${RUNBOOK_P_a}" 'y '"$RUNBOOK_S_s_1_v"''`);
    expect(env).toEqual({ RUNBOOK_P_a: '1', RUNBOOK_S_s_1_v: '2' });
  });

  it('keeps escaped quotes and placeholders literal', () => {
    const { script, env } = renderShellScript(`echo "a \\" {{a}}" \\{{a}}`, values({ a: 'v' }));
    expect(script).toBe(`echo "a \\" \${RUNBOOK_P_a}" {{a}}`);
    expect(env).toEqual({ RUNBOOK_P_a: 'v' });
  });

  it.each([
    `x; touch ${'DIR'}/pwned`,
    `$(touch DIR/pwned)`,
    '`touch DIR/pwned`',
    `' ; touch DIR/pwned ; '`,
    `" ; touch DIR/pwned ; "`,
    `\${IFS}; touch DIR/pwned`,
  ])('a real sh prints %j as data and runs nothing of it', (raw) => {
    const value = raw.replaceAll('DIR', dir);
    const { script, env } = renderShellScript(`printf '%s|' {{v}} "in double {{v}}" 'in single {{v}}'`, values({ v: value }));
    const out = execFileSync('sh', ['-c', script], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
    expect(out).toBe(`${value}|in double ${value}|in single ${value}|`);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });
});
