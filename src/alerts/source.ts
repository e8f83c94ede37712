/**
 * Alerts as they reach a run: from Alertmanager's API v2 (`GET /api/v2/alerts`), from a webhook payload
 * (version 4) or from one API v2 alert in a file. Picking one alert by name, fingerprint or matcher, finding
 * the runbook that answers it, and the params its labels give.
 */
import { readFileSync } from 'node:fs';
import { basename, relative, resolve, sep } from 'node:path';
import { InvalidInputError, UsageError } from '../errors.js';
import { expandPaths } from '../lint/files.js';
import { parseRunbook } from '../parse/index.js';
import type { ParamSpec } from '../model/index.js';

/** One alert, as both Alertmanager shapes give it. */
export interface Alert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  fingerprint?: string;
  generatorURL?: string;
  /** `firing` / `resolved` (webhook) or `active` / `suppressed` / `unprocessed` (API v2 `status.state`). */
  state?: string;
}

/** The alert's name (`alertname` label). */
export const alertName = (alert: Alert): string => alert.labels.alertname ?? '';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  for (const [key, v] of Object.entries(value)) if (typeof v === 'string') out[key] = v;
  return out;
}

function toAlert(value: unknown, where: string): Alert {
  if (!isRecord(value) || !isRecord(value.labels) || typeof value.startsAt !== 'string') {
    throw new InvalidInputError(`${where}: not an alert (expected an object with \`labels\` and \`startsAt\`)`);
  }
  const alert: Alert = { labels: stringRecord(value.labels), annotations: stringRecord(value.annotations), startsAt: value.startsAt };
  if (typeof value.endsAt === 'string') alert.endsAt = value.endsAt;
  if (typeof value.fingerprint === 'string') alert.fingerprint = value.fingerprint;
  if (typeof value.generatorURL === 'string' && value.generatorURL !== '') alert.generatorURL = value.generatorURL;
  if (typeof value.status === 'string') alert.state = value.status;
  else if (isRecord(value.status) && typeof value.status.state === 'string') alert.state = value.status.state;
  return alert;
}

/**
 * The alerts in a JSON document: a webhook payload (`{version: "4", alerts: […]}`), an API v2 answer (a bare
 * array) or one API v2 alert. Throws InvalidInputError for anything else.
 */
export function parseAlertDocument(data: unknown, where = 'alert file'): Alert[] {
  if (Array.isArray(data)) return data.map((item, i) => toAlert(item, `${where}[${i}]`));
  if (isRecord(data) && Array.isArray(data.alerts)) {
    if (data.version !== undefined && data.version !== '4') throw new InvalidInputError(`${where}: webhook payload version \`${String(data.version)}\`; expected \`4\``);
    return data.alerts.map((item, i) => toAlert(item, `${where}: alerts[${i}]`));
  }
  return [toAlert(data, where)];
}

/** Reads `--alert-file` (`-` for stdin text already read by the caller). */
export function parseAlertText(text: string, where: string): Alert[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${where}: not valid JSON: ${(error as Error).message}`);
  }
  return parseAlertDocument(data, where);
}

/** Largest Alertmanager answer read (bytes): a bound, not a guess at a normal size. */
const MAX_BODY = 16 * 1024 * 1024;

/** The active alerts of an Alertmanager (API v2), not silenced nor inhibited. */
export async function fetchAlerts(baseUrl: string, fetchFn: typeof fetch = fetch, timeoutMs = 10_000): Promise<Alert[]> {
  if (!/^https?:\/\//.test(baseUrl)) throw new UsageError(`Alertmanager URL \`${baseUrl}\` must start with \`http://\` or \`https://\``);
  const url = `${baseUrl.replace(/\/+$/, '')}/api/v2/alerts?active=true&silenced=false&inhibited=false`;
  let response: Response;
  try {
    response = await fetchFn(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new UsageError(`Cannot reach Alertmanager at ${baseUrl}: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok) throw new UsageError(`Alertmanager at ${baseUrl} answered ${response.status}: ${text.slice(0, 200)}`);
  if (text.length > MAX_BODY) throw new UsageError(`Alertmanager at ${baseUrl} answered more than ${MAX_BODY} bytes`);
  return parseAlertText(text, `Alertmanager ${baseUrl}`).filter((alert) => alert.state === undefined || alert.state === 'active');
}

/** A `--alert` selector: a name, a fingerprint, or `Name{label="v", other=~"re", x!="y"}`. */
export interface AlertSelector {
  text: string;
  name?: string;
  matchers: { label: string; op: '=' | '!=' | '=~' | '!~'; value: string }[];
}

/** Parses `--alert`. */
export function parseSelector(text: string): AlertSelector {
  const match = /^\s*([A-Za-z_:][\w:]*)?\s*(?:\{(.*)\})?\s*$/s.exec(text);
  if (!match || (match[1] === undefined && match[2] === undefined)) throw new UsageError(`--alert expects a name, a fingerprint or \`Name{label="value"}\`, found \`${text}\``);
  const selector: AlertSelector = { text, matchers: [] };
  if (match[1] !== undefined) selector.name = match[1];
  const body = match[2] ?? '';
  const matcher = /\s*([A-Za-z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/gy;
  let at = 0;
  while (at < body.length) {
    matcher.lastIndex = at;
    const m = matcher.exec(body);
    if (!m) throw new UsageError(`--alert: cannot read the matcher \`${body.slice(at)}\`; expected label="value", label!="value", label=~"regex" or label!~"regex"`);
    selector.matchers.push({ label: m[1]!, op: m[2] as AlertSelector['matchers'][number]['op'], value: JSON.parse(`"${m[3]!}"`) as string });
    at = matcher.lastIndex;
    if (m[4] === '') break;
  }
  return selector;
}

function matches(alert: Alert, selector: AlertSelector): boolean {
  if (selector.name !== undefined && selector.matchers.length === 0 && alert.fingerprint === selector.name) return true;
  if (selector.name !== undefined && alertName(alert) !== selector.name) return false;
  return selector.matchers.every(({ label, op, value }) => {
    const actual = alert.labels[label] ?? '';
    if (op === '=') return actual === value;
    if (op === '!=') return actual !== value;
    const re = new RegExp(`^(?:${value})$`);
    return op === '=~' ? re.test(actual) : !re.test(actual);
  });
}

/** One line naming an alert: `Name{a="1", b="2"} since … (fingerprint)`. */
export function describeAlert(alert: Alert): string {
  const labels = Object.entries(alert.labels)
    .filter(([key]) => key !== 'alertname')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(', ');
  return `${alertName(alert)}{${labels}} since ${alert.startsAt}${alert.fingerprint ? ` (${alert.fingerprint})` : ''}`;
}

/** The one alert `selector` picks; UsageError (exit 2) for none or several, listing them. */
export function selectAlert(alerts: readonly Alert[], selectorText: string | undefined): Alert {
  const picked = selectorText === undefined ? [...alerts] : alerts.filter((alert) => matches(alert, parseSelector(selectorText)));
  if (picked.length === 1) return picked[0]!;
  const what = selectorText === undefined ? 'no --alert given' : `\`${selectorText}\``;
  if (picked.length === 0) {
    const firing = alerts.length === 0 ? 'none is firing' : `firing: ${alerts.map(describeAlert).join('; ')}`;
    throw new UsageError(`No alert matches ${what} (${firing})`);
  }
  throw new UsageError(
    `${picked.length} alerts match ${what}; pick one by fingerprint or with a matcher such as \`Name{label="value"}\`:\n${picked.map((alert) => `  ${describeAlert(alert)}`).join('\n')}`,
  );
}

/** A runbook file that answers an alert, and why. */
export interface AlertRunbook {
  /** Relative to cwd, `/`-separated. */
  file: string;
  by: 'alerts' | 'runbook_url';
}

/**
 * The runbook under `paths` (default `runbooks/`) that answers `alert`: its front matter `alerts:` lists the
 * alert's name, else the alert's `runbook_url` ends with the runbook's path (without `.md`, any case).
 */
export async function findRunbookForAlert(alert: Alert, paths: readonly string[], cwd: string): Promise<AlertRunbook | undefined> {
  const index = await indexRunbooks(paths, cwd);
  return runbookFor(alert, index);
}

/** The runbooks under paths with their `alerts:` and their path under the folder. */
export interface RunbookIndexEntry {
  file: string;
  path: string;
  alerts: string[];
}

/** Reads the runbooks under `paths` once (for `runbook alerts`, which looks up many alerts). */
export async function indexRunbooks(paths: readonly string[], cwd: string): Promise<RunbookIndexEntry[]> {
  const entries: RunbookIndexEntry[] = [];
  for (const path of paths.length > 0 ? paths : ['runbooks']) {
    const root = resolve(cwd, path);
    for (const file of await expandPaths([path], cwd)) {
      if (basename(file) === '_index.md') continue;
      const parsed = parseRunbook(readFileSync(resolve(cwd, file), 'utf8'), { path: file });
      if (parsed.runbook.meta.extra.type === 'postmortem') continue;
      const under = relative(root, resolve(cwd, file)).split(sep).join('/');
      entries.push({ file, path: (under.startsWith('..') || under === '' ? basename(file) : under).replace(/\.md$/, ''), alerts: parsed.runbook.meta.alerts });
    }
  }
  return entries.sort((a, b) => a.file.localeCompare(b.file));
}

/** The runbook of the index that answers `alert`. */
export function runbookFor(alert: Alert, index: readonly RunbookIndexEntry[]): AlertRunbook | undefined {
  const byName = index.find((entry) => entry.alerts.includes(alertName(alert)));
  if (byName) return { file: byName.file, by: 'alerts' };
  const url = alert.annotations.runbook_url;
  if (!url) return undefined;
  let path = url.replace(/[?#].*$/, '');
  try {
    path = new URL(url).pathname;
  } catch {
    // A relative URL: as written.
  }
  const wanted = path.replace(/\/+$/, '').replace(/\.md$/i, '').toLowerCase();
  const candidates = index
    .filter((entry) => wanted === entry.path.toLowerCase() || wanted.endsWith(`/${entry.path.toLowerCase()}`))
    .sort((a, b) => b.path.length - a.path.length);
  return candidates[0] ? { file: candidates[0].file, by: 'runbook_url' } : undefined;
}

/**
 * Params from the alert's labels: each param takes the label named by its `label:` or, else, the label of the
 * same name. Only params the runbook declares; the caller lets `--param` win.
 */
export function paramsFromAlert(specs: Readonly<Record<string, ParamSpec>>, alert: Alert): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = alert.labels[spec.label ?? name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
