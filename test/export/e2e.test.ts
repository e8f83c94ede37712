/**
 * Acceptance of `runbook export`, end to end: the live sandbox (real Prometheus scraping the simulator, real
 * kubectl against the API stub), `runbook run` of the lead runbook as a real process with the restart
 * pre-approved, then `runbook export` as a real process in each format. The expectations are computed from
 * the timeline's events here, independently of the export module (except the row rule it documents).
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect, it } from 'vitest';
import { formatDuration, timelineRowEvents } from '../../src/export/index.js';
import { formatValue } from '../../src/export/markdown.js';
import type { RecordedSeries, StepStartedEvent, TimelineEvent } from '../../src/timeline/events.js';
import { readTimeline } from '../../src/timeline/reader.js';
import { errorRatioQuery, startSandbox, waitForQuery } from '../sandbox/index.js';
import { sectionOf, tableRows } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const RUNBOOK = 'runbooks/payment-gateway-timeout.md';
const CLI = ['--import', 'tsx', join(ROOT, 'src/cli/main.ts')];

/** Checks that `svg` is well-formed XML with an `<svg>` root; returns the contents of its `<text>` elements. */
function wellFormedSvg(svg: string): string[] {
  const open: string[] = [];
  const texts: string[] = [];
  let root: string | undefined;
  const token = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const [, close, name, , selfClosing, text, stray] of svg.matchAll(token)) {
    if (stray) throw new Error('a `<` that starts no tag');
    if (text !== undefined) {
      if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[\da-f]+);)/i.test(text)) throw new Error(`unescaped & in ${text}`);
      if (text.trim() && !open.length) throw new Error(`text outside the root: ${text}`);
      if (open.at(-1) === 'text') texts.push(text);
      continue;
    }
    if (!name) continue;
    if (close) {
      const last = open.pop();
      if (last !== name) throw new Error(`</${name}> closes <${last}>`);
      continue;
    }
    if (root === undefined) root = name;
    else if (!open.length) throw new Error(`a second root <${name}>`);
    if (!selfClosing) open.push(name);
  }
  if (root !== 'svg') throw new Error(`the root is <${root}>, not <svg>`);
  if (open.length) throw new Error(`unclosed <${open.join('>, <')}>`);
  return texts;
}

/** How a chart legend names a series: `{k="v", …}`, the metric name, or `value`. */
function legendName(labels: Record<string, string>): string {
  const { __name__: metric, ...rest } = labels;
  const inner = Object.entries(rest).map(([k, v]) => `${k}="${v}"`);
  return inner.length ? `${metric ?? ''}{${inner.join(', ')}}` : (metric ?? 'value');
}

const unescapeXml = (s: string): string => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

it('run → export: timeline rows, key figures, charts, notebook and JSON all follow the recorded events', async () => {
  const sandbox = await startSandbox({ live: true });
  const dir = await mkdtemp(join(tmpdir(), 'export-e2e-'));
  try {
    // Both the detection's 5m window and the verification's 30s window must show the outage first.
    await waitForQuery(sandbox.prometheusUrl, errorRatioQuery('checkout', '30s'), (v) => v !== undefined && v > 0.2, { timeoutMs: 20_000, intervalMs: 500 });
    await waitForQuery(sandbox.prometheusUrl, errorRatioQuery('payment', '5m'), (v) => v !== undefined && v > 0.2, { timeoutMs: 20_000, intervalMs: 500 });

    const timeline = join(dir, 'run.jsonl');
    const env = { ...process.env, ...sandbox.kubeEnv };
    const run = await execa(
      'node',
      [...CLI, 'run', RUNBOOK, '--approve', 'restart-gateway', '--prometheus', sandbox.prometheusUrl, '--kubeconfig', sandbox.kubeconfigPath,
        '--context', sandbox.context, '--timeline', timeline, '--json'],
      { cwd: ROOT, env, stdin: 'ignore', reject: false },
    );
    // Exit 1: checks fail during the incident (the gateway is down before the restart).
    expect(run.exitCode, run.stderr).toBe(1);
    const read = await readTimeline(timeline);
    expect(read.torn).toBeUndefined();
    expect(read.invalid).toEqual([]);
    const events = read.events;
    expect(run.stdout.trim().split('\n').map((l) => JSON.parse(l) as TimelineEvent)).toEqual(events);
    expect(sandbox.stub.mutations().filter((m) => m.method === 'PATCH')).toHaveLength(1);
    // The last check (one-minute windows, polled after the restart) sees the recovery: the run mitigated it.
    expect(events.find((e) => e.type === 'step.finished' && e.step === 'all-services-healthy')).toMatchObject({ status: 'passed' });
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'failed', outcome: 'mitigated' });

    // --- the key figures, from the events ---------------------------------------------------------------
    const kinds = new Map(events.filter((e): e is StepStartedEvent => e.type === 'step.started').map((e) => [e.step, e.kind]));
    const start = Date.parse(events[0]!.time);
    const detection = events.find((e) => e.type === 'step.finished' && e.status === 'failed' && kinds.get(e.step) === 'check');
    const mitigation = events.find((e) => e.type === 'gate.decided' && e.decision === 'approved' && e.gate !== 'rollback' && kinds.get(e.step) === 'mitigate');
    const resolution = events.find((e) => e.type === 'verify.polled' && e.passed);
    for (const e of [detection, mitigation, resolution]) expect(e).toBeDefined();
    // The verification failed at first and passed later: the restart healed the simulator.
    const polls = events.filter((e) => e.type === 'verify.polled');
    expect(polls[0]).toMatchObject({ passed: false });
    expect(detection!.seq).toBeLessThan(mitigation!.seq);
    expect(mitigation!.seq).toBeLessThan(resolution!.seq);
    const figure = (e: TimelineEvent) => ({ seq: e.seq, time: e.time, afterMs: Date.parse(e.time) - start });

    const multiDay = events[0]!.time.slice(0, 10) !== events.at(-1)!.time.slice(0, 10);
    const clock = (iso: string): string => (multiDay ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : iso.slice(11, 19));

    // --- postmortem --------------------------------------------------------------------------------------
    const out = join(dir, 'pm', 'postmortem.md');
    const exported = await execa('node', [...CLI, 'export', timeline, '--format', 'postmortem', '--out', out, '--prometheus', sandbox.prometheusUrl], {
      cwd: ROOT,
      stdin: 'ignore',
      reject: false,
    });
    expect(exported.exitCode, exported.stderr).toBe(0);
    expect(exported.stderr).not.toContain('warning');
    const markdown = await readFile(out, 'utf8');

    // Timeline rows: the module's own row rule, checked against the rule spelled out here …
    const rowEvents = timelineRowEvents(events);
    const pollsOf = (step: string) => polls.filter((p) => p.step === step);
    const expectedRows = events.filter((e) => {
      if (e.type === 'step.started') return false;
      if (e.type !== 'verify.polled') return true;
      const list = pollsOf(e.step);
      const i = list.indexOf(e);
      return i === 0 || i === list.length - 1 || list[i - 1]!.passed !== e.passed;
    });
    expect(rowEvents).toEqual(expectedRows);
    expect(rowEvents.length).toBeLessThan(events.length);
    // … and the rendered table: the same number of rows, in the same order, at the same times.
    const rows = tableRows(sectionOf(markdown, 'Timeline'));
    expect(rows).toHaveLength(rowEvents.length);
    expect(rows.map((r) => Number(r[1]))).toEqual(rowEvents.map((e) => e.seq));
    expect(rows.map((r) => r[2])).toEqual(rowEvents.map((e) => e.type));
    expect(rows.map((r) => r[0])).toEqual(rowEvents.map((e) => clock(e.time)));
    const rowOf = (seq: number) => rows.find((r) => Number(r[1]) === seq)!;
    expect(rowOf(detection!.seq)[4]).toMatch(/^FAIL: /);
    expect(rowOf(mitigation!.seq)[4]).toMatch(/^approved by .+ \(approve-flag\)$/);
    expect(rowOf(resolution!.seq)[4]).toMatch(/^PASS: /);
    // What an SRE reads first: the termination reason and the captured pod are in the rows, and kubectl
    // commands are shown without the run's own --context (named once under Targets) and without cutting -n.
    const finishedOf = (step: string) => events.find((e) => e.type === 'step.finished' && e.step === step)!;
    expect(rowOf(finishedOf('last-termination').seq)[4]).toMatch(/^OK: exit 0, 1 line of output — `OOMKilled`$/);
    const pod = (finishedOf('gateway-pod-name') as { captures?: Record<string, string> }).captures?.pod;
    expect(pod).toMatch(/^payment-gateway-/);
    expect(rowOf(finishedOf('gateway-pod-name').seq)[4]).toContain(`captured \`pod=${pod}\``);
    expect(rows.every((r) => !r[3]?.includes('--context='))).toBe(true);
    expect(rowOf(mitigation!.seq)[3]).toContain('`kubectl rollout restart deployment/payment-gateway -n payments`');
    expect(sectionOf(markdown, 'Timeline')).toContain('kubectl commands ran with `--context=sandbox`');
    // Sample values are rounded for reading (the JSON export keeps them exact).
    const ratio = (finishedOf('payment-error-ratio') as { result?: { series: RecordedSeries[] } }).result!.series[0]!.value![1];
    expect(tableRows(markdown.slice(markdown.indexOf('### Payment error ratio under 1%')))[0]).toEqual(['`value`', String(Number(Number(ratio).toPrecision(4)))]);

    // Key figures: duration after the first event, and the time, of each figure's event.
    const figures = tableRows(sectionOf(markdown, 'Key figures'));
    expect(figures.map((r) => [r[1], r[2], r[3]?.match(/^#(\d+) /)?.[1]])).toEqual(
      [detection!, mitigation!, resolution!].map((e) => [formatDuration(Date.parse(e.time) - start), clock(e.time), String(e.seq)]),
    );

    // Charts: every linked SVG exists, parses, and draws the series the run recorded.
    const files = (await readdir(join(dir, 'pm'))).sort();
    const linked = [...markdown.matchAll(/!\[[^\]]*\]\(([^)]+\.svg)\)/g)].map((m) => decodeURI(m[1]!)).sort();
    expect(linked.length).toBeGreaterThan(0);
    expect(files).toEqual(['postmortem.md', ...linked].sort());
    const lastResult = new Map<string, RecordedSeries[]>();
    for (const e of events) {
      if ((e.type === 'step.finished' || e.type === 'verify.polled') && e.result) lastResult.set(e.step, e.result.series);
    }
    // Queries without a filter return the same series over the whole window as at the recorded instant.
    for (const step of ['payment-error-ratio', 'request-rate', 'error-ratio-by-service', 'gateway-connections', 'restart-gateway']) {
      const svg = await readFile(join(dir, 'pm', `postmortem-${step}.svg`), 'utf8');
      const texts = wellFormedSvg(svg).map(unescapeXml);
      const names = lastResult.get(step)!.map((s) => legendName(s.labels)).sort();
      expect(names.length, step).toBeGreaterThan(0);
      const lines = [...svg.matchAll(/<path aria-label="([^"]*)"[^>]*aria-roledescription="line mark"/g)].map((m) => unescapeXml(m[1]!).replace(/^.*; series: /, ''));
      expect(lines.sort(), step).toEqual(names);
      expect(texts, step).toEqual(expect.arrayContaining([...names, 'restart-gateway approved']));
    }
    for (const file of linked) {
      const svg = await readFile(join(dir, 'pm', file), 'utf8');
      expect(() => wellFormedSvg(svg), file).not.toThrow();
      expect(svg, file).toMatch(/aria-roledescription="line mark"/);
    }

    // --- notebook: every step of the run, each followed by its result -----------------------------------
    const notebook = await execa('node', [...CLI, 'export', timeline, '--format', 'notebook'], { cwd: ROOT, stdin: 'ignore', reject: false });
    expect(notebook.exitCode, notebook.stderr).toBe(0);
    const finished = events.filter((e) => e.type === 'step.finished');
    expect(finished.length).toBe(kinds.size);
    expect(notebook.stdout).not.toContain('Not run in this run');
    let at = 0;
    for (const e of finished) {
      const block = notebook.stdout.indexOf(`#${e.step}`, at);
      expect(block, e.step).toBeGreaterThanOrEqual(at);
      const result = notebook.stdout.indexOf(`> **Result** ${clock(e.time)} UTC`, block);
      expect(result, e.step).toBeGreaterThan(block);
      // The result belongs to this step: no other step's block starts in between.
      const next = finished[finished.indexOf(e) + 1];
      if (next) expect(notebook.stdout.indexOf(`#${next.step}`, block + 1), e.step).toBeGreaterThan(result);
      at = result;
    }

    // --- json: the events as read, and the same key figures ----------------------------------------------
    const json = await execa('node', [...CLI, 'export', timeline, '--format', 'json'], { cwd: ROOT, stdin: 'ignore', reject: false });
    expect(json.exitCode, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout) as { events: TimelineEvent[]; keyFigures: Record<string, unknown> };
    expect(doc.events).toEqual(events);
    expect(new Set(doc.events.filter((e) => e.type === 'step.finished').map((e) => (e as { step: string }).step))).toEqual(new Set(kinds.keys()));
    expect(doc.keyFigures).toEqual({ detection: figure(detection!), mitigation: figure(mitigation!), resolution: figure(resolution!) });
  } finally {
    await sandbox.stop();
    await rm(dir, { recursive: true, force: true });
  }
}, 90_000);

it('the SVG check above rejects what is not a well-formed <svg> document', () => {
  expect(wellFormedSvg('<svg><g><text>a &amp; b</text></g></svg>')).toEqual(['a &amp; b']);
  expect(() => wellFormedSvg('<svg><g></svg>')).toThrow('</svg> closes <g>');
  expect(() => wellFormedSvg('<svg><text>a & b</text></svg>')).toThrow('unescaped &');
  expect(() => wellFormedSvg('<svg></svg><svg></svg>')).toThrow('second root');
  expect(() => wellFormedSvg('<html></html>')).toThrow('not <svg>');
  expect(() => wellFormedSvg('<svg><path d="M0 0"</svg>')).toThrow();
});

it('rounds sample values for reading: 4 significant digits, SI prefixes from a million, the rest unchanged', () => {
  expect(['0.4245283018867924', '4.749999999999999', '0.0025862068965517237', '42', '999999', '2147483648', '-1500000', '1e21', '-3.5e-7', 'NaN', '+Inf', '']
    .map(formatValue)).toEqual(['0.4245', '4.75', '0.002586', '42', '999999', '2.147G', '-1.5M', '1000E', '-3.5e-7', 'NaN', '+Inf', '']);
});
