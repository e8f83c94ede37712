import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { Ajv } from 'ajv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coverageCommand } from '../../src/cli/commands/coverage.js';
import type { CliIO } from '../../src/cli/io.js';
import { UsageError } from '../../src/errors.js';

function io(cwd: string): CliIO & { out: () => string } {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stdout, stderr: new PassThrough(), stdin: new PassThrough(), env: {}, cwd, out: () => text };
}

async function coverage(cwd: string, paths: string[], options: Record<string, unknown>) {
  const cli = io(cwd);
  const code = await coverageCommand(paths, options, cli);
  return { code, out: cli.out() };
}

interface JsonGap {
  kind: string;
  file: string;
  line: number;
  column: number;
  alert?: string;
  url?: string;
}

const ROOT = resolve('.');
const RULES = '../shared/alert-rules/kube-prometheus';
const CORPUS = '../shared/corpus/prometheus-operator-runbooks';
const SITE = 'https://runbooks.prometheus-operator.dev/runbooks/';

/**
 * The true gaps, worked out without the code under test: rule names and URLs read line by line (each rule in
 * these manifests is `- alert: Name` followed by its `runbook_url:`), runbook files listed with readdir.
 */
function expectedGaps() {
  const rules: { name: string; url: string }[] = [];
  for (const file of readdirSync(resolve(RULES)).filter((f) => f.endsWith('.yaml'))) {
    let current: string | undefined;
    for (const line of readFileSync(resolve(RULES, file), 'utf8').split('\n')) {
      const alert = /^\s*- alert: (\S+)\s*$/.exec(line);
      if (alert) current = alert[1];
      const url = /^\s*runbook_url: (\S+)\s*$/.exec(line);
      if (url && current) {
        rules.push({ name: current, url: url[1]! });
        current = undefined;
      }
    }
  }
  const files = (readdirSync(resolve(CORPUS), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.md') && !f.endsWith('_index.md'))
    .map((f) => f.replace(/\.md$/, ''));
  const lower = new Set(files.map((f) => f.toLowerCase()));
  const urlPaths = new Set(rules.map((r) => r.url.slice(SITE.length).toLowerCase()));
  return {
    rules,
    files,
    unresolved: rules.filter((r) => !lower.has(r.url.slice(SITE.length).toLowerCase())).map((r) => r.name),
    unused: files.filter((f) => !urlPaths.has(f.toLowerCase())).sort(),
  };
}

describe('runbook coverage on kube-prometheus rules and the prometheus-operator runbooks', () => {
  const options = { rules: [RULES], runbookUrl: `${SITE}{path}` };

  it('reports every gap and only the gaps, as worked out independently', async () => {
    const truth = expectedGaps();
    // The corpus pages carry no `alerts:`, so only runbook_urls connect the two.
    for (const file of truth.files) expect(readFileSync(resolve(CORPUS, `${file}.md`), 'utf8')).not.toMatch(/^alerts:/m);
    const { code, out } = await coverage(ROOT, [CORPUS], { ...options, format: 'json' });
    expect(code).toBe(1);
    const report = JSON.parse(out) as { rules: number; alerts: number; runbooks: number; gaps: JsonGap[] };
    expect(report).toMatchObject({ rules: 139, alerts: 125, runbooks: 108 });
    expect(truth.rules).toHaveLength(139);
    expect(truth.files).toHaveLength(108);
    const of = (kind: string) => report.gaps.filter((gap) => gap.kind === kind);
    expect(of('alert-without-runbook').map((gap) => gap.alert)).toEqual(truth.unresolved);
    expect(of('runbook-url-unresolved').map((gap) => gap.alert)).toEqual(truth.unresolved);
    const unused = of('runbook-without-alert').map((gap) => relative(resolve(CORPUS), resolve(gap.file)).replace(/\.md$/, '')).sort();
    expect(unused).toEqual(truth.unused);
    // Pinned figures and a sample of names both ways.
    expect(of('alert-without-runbook')).toHaveLength(27);
    expect(new Set(truth.unresolved).size).toBe(26);
    expect(of('runbook-without-alert')).toHaveLength(9);
    expect(truth.unresolved).toEqual(expect.arrayContaining(['AlertmanagerClusterFailedPeers', 'GrafanaRequestsFailing', 'NodeCPUHighUsage', 'PrometheusHighQueryLoad']));
    expect(unused).toEqual(expect.arrayContaining(['etcd/etcdNoLeader', 'kubernetes/KubeProxyDown', 'kubernetes/KubeJobCompletion']));
    // Answered alerts are not reported: the page exists (mixed case on disk, lower case in the URL).
    expect(report.gaps.map((gap) => gap.alert)).not.toContain('AlertmanagerFailedReload');
    expect(report.gaps.some((gap) => gap.file.endsWith('/alertmanager/AlertmanagerFailedReload.md'))).toBe(false);
    // Gaps point into the rule file at the rule.
    const peers = of('alert-without-runbook').find((gap) => gap.alert === 'AlertmanagerClusterFailedPeers')!;
    expect(peers).toMatchObject({ file: `${RULES}/alertmanager-prometheusRule.yaml`, line: 140, column: 14 });
    const line = readFileSync(resolve(peers.file), 'utf8').split('\n')[peers.line - 1]!;
    expect(line.slice(peers.column - 1)).toBe('AlertmanagerClusterFailedPeers');
  });

  it('lists the gaps in stylish with a summary line', async () => {
    const { code, out } = await coverage(ROOT, [CORPUS], options);
    expect(code).toBe(1);
    expect(out).toMatch(/alertmanager-prometheusRule\.yaml:140:14 +error +Alert `AlertmanagerClusterFailedPeers` has no runbook/);
    expect(out).toContain('139 alerting rules (125 names), 108 runbooks: 27 alerts without a runbook, 9 runbooks answering no alert, 27 runbook_urls resolving to no file');
    expect(out).not.toContain('AlertmanagerFailedReload');
  });

  it('writes SARIF that validates against the SARIF 2.1.0 schema', async () => {
    const { out } = await coverage(ROOT, [CORPUS], { ...options, format: 'sarif' });
    const log = JSON.parse(out);
    const schemaPath = process.env.SARIF_SCHEMA_PATH ?? resolve('node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
    delete schema.$schema;
    delete schema.id;
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    ajv.addFormat('uri', (value: string) => URL.canParse(value));
    ajv.addFormat('uri-reference', (value: string) => URL.canParse(value, 'file:///'));
    ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));
    const validate = ajv.compile(schema);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const run = log.runs[0];
    expect(run.results).toHaveLength(63);
    expect(run.tool.driver.rules.map((rule: { id: string }) => rule.id)).toEqual(['alert-without-runbook', 'runbook-without-alert', 'runbook-url-unresolved']);
    expect(run.tool.driver.rules[run.results[0].ruleIndex].id).toBe(run.results[0].ruleId);
  });

  it('without a pattern, resolves a URL whose path ends with the runbook path', async () => {
    const { out } = await coverage(ROOT, [CORPUS], { rules: [RULES], format: 'json' });
    expect(JSON.parse(out).gaps).toHaveLength(63);
  });
});

describe('runbook coverage on small fixtures', () => {
  let cwd: string;
  beforeEach(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'runbook-coverage-'));
    await mkdir(join(cwd, 'runbooks/payments'), { recursive: true });
    await mkdir(join(cwd, 'rules'));
  });
  afterEach(async () => rm(cwd, { recursive: true, force: true }));

  const runbook = (title: string, frontmatter = '') => `---\ntitle: ${title}\n${frontmatter}---\n\n# ${title}\n`;

  it('reads Prometheus rule files, front matter alerts, .runbookrc runbookUrl; github format', async () => {
    await writeFile(
      join(cwd, 'rules/payments.rules.yml'),
      [
        'groups:',
        '  - name: payments',
        '    rules:',
        '      - record: job:errors:rate5m',
        '        expr: sum(rate(errors[5m]))',
        '      - alert: PaymentGatewayDown',
        '        expr: up{job="gateway"} == 0',
        '      - alert: CheckoutHighErrorRate',
        '        expr: x > 0.05',
        '        annotations:',
        '          runbook_url: https://runbooks.example.com/Payments/Gateway-Timeout',
        '      - alert: Orphan',
        '        expr: vector(1)',
        '        annotations:',
        '          runbook_url: https://elsewhere.example.org/orphan',
        '',
      ].join('\n'),
    );
    await writeFile(join(cwd, 'runbooks/payments/gateway-timeout.md'), runbook('Timeout'));
    await writeFile(join(cwd, 'runbooks/down.md'), runbook('Down', 'alerts: [PaymentGatewayDown]\n'));
    await writeFile(join(cwd, 'runbooks/unused.md'), runbook('Unused', 'alerts: [NoSuchAlert]\n'));
    await writeFile(join(cwd, '.runbookrc'), 'runbookUrl: https://runbooks.example.com/{path}\n');
    const { code, out } = await coverage(cwd, [], { rules: ['rules'], format: 'json' });
    expect(code).toBe(1);
    const report = JSON.parse(out) as { rules: number; gaps: JsonGap[] };
    expect(report.rules).toBe(3);
    expect(report.gaps.map((gap) => [gap.kind, gap.alert ?? gap.file])).toEqual([
      ['runbook-url-unresolved', 'Orphan'],
      ['alert-without-runbook', 'Orphan'],
      ['runbook-without-alert', 'runbooks/unused.md'],
    ]);
    expect(report.gaps[0]).toMatchObject({ file: 'rules/payments.rules.yml', line: 15, column: 24 });
    const github = await coverage(cwd, [], { rules: ['rules/payments.rules.yml'], format: 'github' });
    expect(github.out.split('\n')[0]).toMatch(/^::error file=rules\/payments.rules.yml,line=12,col=16,.*title=alert-without-runbook::Alert `Orphan` has no runbook/);
  });

  it('exits 0 with no gaps, and refuses bad usage', async () => {
    await writeFile(join(cwd, 'rules/r.yaml'), 'groups:\n- name: g\n  rules:\n  - alert: A\n    expr: vector(1)\n');
    await writeFile(join(cwd, 'runbooks/a.md'), runbook('A', 'alerts: A\n'));
    const { code, out } = await coverage(cwd, ['runbooks'], { rules: ['rules'] });
    expect(code).toBe(0);
    expect(out).toBe('1 alerting rules (1 names), 1 runbooks: 0 alerts without a runbook, 0 runbooks answering no alert, 0 runbook_urls resolving to no file\n');
    await expect(coverage(cwd, [], {})).rejects.toThrow(UsageError);
    await expect(coverage(cwd, [], { rules: ['nope'] })).rejects.toThrow(/No such rule file or folder: nope/);
    await expect(coverage(cwd, [], { rules: ['rules'], runbookUrl: 'https://x/' })).rejects.toThrow(/\{path\}/);
    await expect(coverage(cwd, [], { rules: ['rules'], format: 'xml' })).rejects.toThrow(/Unknown format/);
  });

  it('positions YAML errors in rule files', async () => {
    await writeFile(join(cwd, 'rules/bad.yaml'), 'groups:\n  - name: [\n');
    await expect(coverage(cwd, [], { rules: ['rules'] })).rejects.toThrow(/^rules\/bad\.yaml:\d+:\d+: not valid YAML/);
  });
});
