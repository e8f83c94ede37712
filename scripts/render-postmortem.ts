/**
 * Makes the postmortem example in docs/ from a real run: starts the live sandbox, runs
 * runbooks/payment-gateway-timeout.md against it with the real CLI (restart pre-approved), exports the
 * postmortem with its charts to docs/postmortem-example.md, renders that to HTML and screenshots it with
 * headless Chromium into docs/postmortem-screenshot.png.
 *
 *   npx tsx scripts/render-postmortem.ts [--timeline run.jsonl] [--prometheus URL] [--lead-in SECONDS] [--no-screenshot]
 *
 * With --timeline, no sandbox is started: that run is exported (charts from --prometheus or the run's own).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import rehypeStringify from 'rehype-stringify';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { errorRatioQuery, startSandbox, waitForQuery, type Sandbox } from '../test/sandbox/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOCS = join(ROOT, 'docs');
const RUNBOOK = 'runbooks/payment-gateway-timeout.md';
const EXAMPLE = join(DOCS, 'postmortem-example.md');
const SCREENSHOT = join(DOCS, 'postmortem-screenshot.png');
const CHROMIUM = '/usr/bin/chromium';
const CLI = ['--import', 'tsx', join(ROOT, 'src/cli/main.ts')];

const CSS = `
  body { font: 13px/1.45 -apple-system, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif; color: #1f2328;
         max-width: 1140px; margin: 16px auto; padding: 0 20px; }
  h1 { font-size: 24px; border-bottom: 1px solid #d1d9e0; padding-bottom: 6px; margin: 8px 0 12px; }
  h2 { font-size: 19px; border-bottom: 1px solid #d1d9e0; padding-bottom: 3px; margin: 22px 0 8px; }
  h3 { font-size: 15px; margin: 18px 0 6px; }
  p { margin: 6px 0; }
  blockquote { margin: 0; padding: 0 12px; color: #59636e; border-left: 4px solid #d1d9e0; }
  table { border-collapse: collapse; margin: 8px 0; font-size: 12px; }
  thead:has(th:empty) { display: none; }
  th, td { border: 1px solid #d1d9e0; padding: 2px 7px; vertical-align: top; text-align: left; }
  th { background: #f6f8fa; }
  tr:nth-child(2n) td { background: #f9fafb; }
  code { font: 11.5px/1.4 "DejaVu Sans Mono", Menlo, Consolas, monospace; background: #eff1f3; padding: 0 3px; border-radius: 4px; }
  pre { background: #f6f8fa; padding: 8px 12px; border-radius: 6px; overflow-x: auto; }
  pre code { background: none; padding: 0; }
  img { max-width: 100%; border: 1px solid #d1d9e0; border-radius: 6px; }
  em { color: #59636e; }
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      timeline: { type: 'string' },
      prometheus: { type: 'string' },
      'lead-in': { type: 'string', default: '45' },
      'no-screenshot': { type: 'boolean', default: false },
    },
  });
  const work = await mkdtemp(join(tmpdir(), 'render-postmortem-'));
  let sandbox: Sandbox | undefined;
  try {
    let timeline = values.timeline ? resolve(values.timeline) : join(work, 'run.jsonl');
    let prometheus = values.prometheus;
    if (!values.timeline) {
      sandbox = await startSandbox({ live: true });
      prometheus = sandbox.prometheusUrl;
      process.stderr.write(`sandbox up: Prometheus ${prometheus}\n`);
      // The verification's 30 s window and the detection's 5 m window must both show the outage first.
      await waitForQuery(prometheus, errorRatioQuery('checkout', '30s'), (v) => v !== undefined && v > 0.2, { timeoutMs: 30_000, intervalMs: 500 });
      await waitForQuery(prometheus, errorRatioQuery('payment', '5m'), (v) => v !== undefined && v > 0.2, { timeoutMs: 30_000, intervalMs: 500 });
      // A longer lead-in gives the charts some outage to show before the restart.
      await new Promise((r) => setTimeout(r, Number(values['lead-in']) * 1000));
      const run = await execa(
        'node',
        [...CLI, 'run', RUNBOOK, '--approve', 'restart-gateway', '--prometheus', prometheus, '--kubeconfig', sandbox.kubeconfigPath,
          '--context', sandbox.context, '--timeline', timeline, '--json'],
        { cwd: ROOT, env: { ...process.env, ...sandbox.kubeEnv }, stdin: 'ignore', reject: false },
      );
      process.stderr.write(`runbook run exited ${run.exitCode} (1: checks failed, as they do during the incident)\n`);
      if (!existsSync(timeline)) throw new Error(`the run wrote no timeline:\n${run.stderr}`);
    }
    timeline = resolve(timeline);

    const exported = await execa(
      'node',
      [...CLI, 'export', timeline, '--format', 'postmortem', '--out', EXAMPLE, '--anonymize', ...(prometheus ? ['--prometheus', prometheus] : [])],
      { cwd: ROOT, stdin: 'ignore', reject: false },
    );
    process.stderr.write(exported.stderr ? `${exported.stderr}\n` : '');
    if (exported.exitCode !== 0) throw new Error(`runbook export exited ${exported.exitCode}`);
    if (values['no-screenshot']) return 0;

    const html = await toHtml(await readFile(EXAMPLE, 'utf8'));
    const page = join(work, 'postmortem.html');
    await writeFile(page, html);
    await screenshot(page, work);
    process.stderr.write(`wrote ${SCREENSHOT}\n`);
    return 0;
  } finally {
    await sandbox?.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/** The postmortem as a standalone HTML page; charts resolve against docs/ through <base>. */
async function toHtml(markdown: string): Promise<string> {
  const body = String(
    await unified().use(remarkParse).use(remarkFrontmatter).use(remarkGfm).use(remarkRehype).use(rehypeStringify).process(markdown),
  );
  const base = pathToFileURL(`${DOCS}/`).href;
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><base href="${base}">\n<title>Postmortem example</title>\n<style>${CSS}</style></head>\n<body>\n${body}\n</body></html>\n`;
}

async function screenshot(page: string, work: string): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  const profile = await mkdtemp(join(work, 'chromium-'));
  await execa(
    CHROMIUM,
    [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--hide-scrollbars', `--user-data-dir=${profile}`, '--window-size=1200,2400',
      `--screenshot=${SCREENSHOT}`, pathToFileURL(page).href,
    ],
    { stdin: 'ignore', timeout: 60_000 },
  );
}

process.exitCode = await main();
