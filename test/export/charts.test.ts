import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCommand } from '../../src/cli/commands/export.js';
import { renderChartSvg } from '../../src/export/charts.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { recordingIO } from './helpers.js';
import { REPO_ROOT, writePaymentRun } from './payment-run.js';

/** Checks that `svg` is well-formed XML with an `<svg>` root; returns the text content of its `<text>` elements. */
function parseSvg(svg: string): string[] {
  const stack: string[] = [];
  const texts: string[] = [];
  let root: string | undefined;
  const tokens = svg.matchAll(/<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|(<)/g);
  for (const m of tokens) {
    const [, close, name, , selfClose, text, stray] = m;
    if (stray) throw new Error(`stray < at ${m.index}`);
    if (text !== undefined) {
      if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(text)) throw new Error(`unescaped & in ${text}`);
      if (stack.at(-1) === 'text') texts.push(text);
      continue;
    }
    if (!name) continue;
    if (close) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else {
      if (!root) root = name;
      else if (!stack.length) throw new Error(`second root <${name}>`);
      if (!selfClose) stack.push(name);
    }
  }
  if (root !== 'svg') throw new Error(`root is <${root}>`);
  if (stack.length) throw new Error(`unclosed ${stack.join(', ')}`);
  return texts;
}

describe('renderChartSvg', () => {
  it('renders a well-formed SVG with the series, the UTC axis and the mitigation marks', async () => {
    const t0 = Date.parse('2025-10-26T10:00:00Z');
    const svg = await renderChartSvg({
      title: 'Error ratio',
      series: [
        { name: '{service="checkout"}', points: [[t0, 0.01], [t0 + 600_000, 0.4], [t0 + 1_200_000, 0.002]] },
        { name: '{service="payment"}', points: [[t0, 0.02], [t0 + 600_000, 0.5], [t0 + 1_200_000, 0.001]] },
      ],
      marks: [{ timeMs: t0 + 900_000, label: 'restart-gateway approved' }],
    });
    const texts = parseSvg(svg);
    expect(texts).toEqual(expect.arrayContaining(['Error ratio', '{service="checkout"}', '{service="payment"}', 'restart-gateway approved', '10:00', '10:10', '10:20']));
    // One drawn line per series, each through its three points (M + 2 L).
    const lines = [...svg.matchAll(/<path aria-label="([^"]*)"[^>]*aria-roledescription="line mark" d="(M[^"]*)"/g)];
    expect(lines.map((m) => m[1]?.replace(/&quot;/g, '"').match(/series: (.*)$/)?.[1])).toEqual(['{service="checkout"}', '{service="payment"}']);
    expect(lines.map((m) => m[2]?.split('L').length)).toEqual([3, 3]);
  });

  it('throws for a malformed document in the checker (the checker itself is honest)', () => {
    expect(() => parseSvg('<svg><g></svg>')).toThrow();
    expect(() => parseSvg('<div></div>')).toThrow('root is <div>');
  });
});

describe('postmortem charts', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'charts-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('charts the recorded range result beside the Markdown, linked from it', async () => {
    const path = join(dir, 'offline.jsonl');
    await writePaymentRun(path);
    const io = recordingIO(REPO_ROOT);
    const out = join(dir, 'offline', 'pm.md');
    expect(await exportCommand(path, { format: 'postmortem', out }, io)).toBe(0);
    expect(await readdir(join(dir, 'offline'))).toEqual(['pm-gateway-memory.svg', 'pm.md']);
    const markdown = await readFile(out, 'utf8');
    expect(markdown).toContain('](pm-gateway-memory.svg)');
    const texts = parseSvg(await readFile(join(dir, 'offline', 'pm-gateway-memory.svg'), 'utf8'));
    expect(texts).toEqual(expect.arrayContaining(['Gateway memory, last hour', '{pod="payment-gateway-7d9f8b6c5d-x2k4p"}', 'restart-gateway approved']));
    // The run's Prometheus (127.0.0.1:1) does not answer: one warning, then no more tries.
    expect(io.err().match(/did not answer/g)).toHaveLength(1);
  });

  describe('with the sandbox Prometheus', () => {
    let sandbox: Sandbox;
    beforeAll(async () => {
      sandbox = await startSandbox();
    });
    afterAll(async () => {
      await sandbox?.stop();
    });

    it('re-fetches instant-only evidence as a range over the incident window', async () => {
      const path = join(dir, 'live.jsonl');
      await writePaymentRun(path, { prometheusUrl: sandbox.prometheusUrl });
      const io = recordingIO(REPO_ROOT);
      const out = join(dir, 'live', 'pm.md');
      expect(await exportCommand(path, { format: 'postmortem', out }, io)).toBe(0);
      expect(io.err()).not.toContain('warning');
      const files = await readdir(join(dir, 'live'));
      expect(files).toEqual(expect.arrayContaining(['pm-request-rate.svg', 'pm-payment-error-ratio.svg', 'pm-gateway-memory.svg', 'pm-restart-gateway.svg']));
      const markdown = await readFile(out, 'utf8');
      expect(markdown).toContain('![Request rate by service: re-fetched from Prometheus over the incident window');
      const texts = parseSvg(await readFile(join(dir, 'live', 'pm-request-rate.svg'), 'utf8'));
      expect(texts).toEqual(expect.arrayContaining(['{service="checkout"}', '{service="frontend"}', '{service="inventory"}', '{service="payment"}', 'restart-gateway approved']));
      // The window spans 30 min before the run to 5 min after it: 09:46 … 10:41 UTC.
      expect(texts).toEqual(expect.arrayContaining(['09:50', '10:40']));
      const log = await readFile(sandbox.queryLogPath, 'utf8');
      expect(log).toContain('sum by (service) (rate(http_requests_total{namespace=\\"payments\\"}[5m]))');
    });
  });
});
