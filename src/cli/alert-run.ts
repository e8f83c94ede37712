/**
 * `runbook run --alert … / --alert-file …`: which alert a run starts from, where it came from, and the
 * runbook that answers it when no file is given. The alert's labels fill params and its `startsAt` is
 * `--at alert`; the run records it as `alert.received` right after `run.started`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  alertName,
  fetchAlerts,
  findRunbookForAlert,
  parseAlertText,
  selectAlert,
  type Alert,
} from '../alerts/source.js';
import { UsageError } from '../errors.js';
import { parseRunbook } from '../parse/index.js';
import type { NewEvent } from '../timeline/events.js';
import type { CliIO } from './io.js';

/** The alert options of `runbook run` (names are a contract: see main.ts). */
export interface AlertRunOptions {
  alert?: string;
  alertFile?: string;
  alertmanager?: string;
  runbooks?: string;
}

/** The alert a run starts from. */
export interface AlertForRun {
  alert: Alert;
  /** An Alertmanager base URL, the alert file's path, or `-` (stdin). */
  source: string;
  /** The runbook to run (the given file, or the one found for the alert), relative to cwd. */
  file: string;
}

/** Whether the run starts from an alert. */
export function wantsAlert(options: AlertRunOptions): boolean {
  return options.alert !== undefined || options.alertFile !== undefined || options.alertmanager !== undefined;
}

/** Largest alert file read (bytes). */
const MAX_ALERT_FILE = 16 * 1024 * 1024;

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > MAX_ALERT_FILE) throw new UsageError(`--alert-file -: more than ${MAX_ALERT_FILE} bytes on stdin`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads the alerts, picks one, and finds its runbook when `file` is undefined. The Alertmanager URL comes from
 * `--alertmanager`, the runbook's front matter `alertmanager:`, `RUNBOOK_ALERTMANAGER_URL`, then `.runbookrc`.
 * Throws UsageError (no alert, several alerts, no runbook).
 */
export async function alertForRun(
  file: string | undefined,
  options: AlertRunOptions,
  io: CliIO,
  configAlertmanager: string | undefined,
  fetchFn: typeof fetch = fetch,
): Promise<AlertForRun> {
  if (options.alertFile !== undefined && options.alertmanager !== undefined) {
    throw new UsageError('Give either `--alert-file` or `--alertmanager`, not both');
  }
  let frontMatter: { alertmanager?: string; alerts: string[] } | undefined;
  if (file !== undefined) {
    const text = await readFile(path.resolve(io.cwd, file), 'utf8').catch(() => undefined);
    if (text !== undefined) frontMatter = parseRunbook(text, { path: file }).runbook.meta;
  }

  let alerts: Alert[];
  let source: string;
  if (options.alertFile !== undefined) {
    source = options.alertFile;
    let text: string;
    if (options.alertFile === '-') text = await readStdin(io.stdin);
    else {
      try {
        text = await readFile(path.resolve(io.cwd, options.alertFile), 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new UsageError(`Cannot read --alert-file \`${options.alertFile}\`: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
      }
      if (text.length > MAX_ALERT_FILE) throw new UsageError(`--alert-file \`${options.alertFile}\`: more than ${MAX_ALERT_FILE} bytes`);
    }
    alerts = parseAlertText(text, options.alertFile === '-' ? 'alert on stdin' : options.alertFile);
  } else {
    const url = options.alertmanager ?? frontMatter?.alertmanager ?? (io.env.RUNBOOK_ALERTMANAGER_URL || undefined) ?? configAlertmanager;
    if (url === undefined) {
      throw new UsageError('`--alert` needs an Alertmanager: pass `--alertmanager <url>` (or set front matter `alertmanager:`, RUNBOOK_ALERTMANAGER_URL, or `.runbookrc` `alertmanager`), or `--alert-file <file>`');
    }
    source = url.replace(/\/+$/, '');
    alerts = await fetchAlerts(source, fetchFn);
  }

  // With a runbook and no --alert, only the alerts that runbook answers are candidates.
  let candidates = alerts;
  if (options.alert === undefined && frontMatter && alerts.length > 1) {
    const answered = alerts.filter((alert) => frontMatter.alerts.includes(alertName(alert)));
    if (answered.length > 0) candidates = answered;
  }
  const alert = selectAlert(candidates, options.alert);

  if (file !== undefined) return { alert, source, file };
  const folder = options.runbooks ?? 'runbooks';
  const found = await findRunbookForAlert(alert, [folder], io.cwd);
  if (!found) {
    const url = alert.annotations.runbook_url;
    throw new UsageError(
      `No runbook under \`${folder}\` answers the alert \`${alertName(alert)}\`: none lists it under \`alerts:\`` +
        `${url ? ` and its runbook_url \`${url}\` matches no runbook path` : ' and it has no runbook_url annotation'}; pass the runbook file or \`--runbooks <dir>\``,
    );
  }
  return { alert, source, file: found.file };
}

/** The `alert.received` event of a run from `picked`. */
export function alertReceivedEvent(picked: Pick<AlertForRun, 'alert' | 'source'>): NewEvent {
  const { alert } = picked;
  return {
    type: 'alert.received',
    name: alertName(alert),
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: alert.startsAt,
    ...(alert.endsAt !== undefined ? { endsAt: alert.endsAt } : {}),
    ...(alert.fingerprint !== undefined ? { fingerprint: alert.fingerprint } : {}),
    ...(alert.generatorURL !== undefined ? { generatorURL: alert.generatorURL } : {}),
    source: picked.source,
  };
}

/** `--at alert`: the instant the alert started firing. */
export function alertStart(alert: Alert): Date {
  const time = Date.parse(alert.startsAt);
  if (Number.isNaN(time)) throw new UsageError(`\`--at alert\`: the alert's startsAt \`${alert.startsAt}\` is not a time`);
  return new Date(time);
}
