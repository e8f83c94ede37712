/**
 * `runbook alerts --alertmanager <url> [paths…]`: the firing alerts, one line each, with the runbook that
 * answers each (or "no runbook"), its severity and since when; `--json` for machines. Exit 0, 2 for bad usage.
 */
import { alertName, fetchAlerts, indexRunbooks, runbookFor } from '../../alerts/source.js';
import { loadConfig } from '../../config/index.js';
import { EXIT, UsageError } from '../../errors.js';
import type { CliIO } from '../io.js';

/** Options of `runbook alerts`. */
export interface AlertsCliOptions {
  alertmanager?: string;
  json?: boolean;
}

/** One row of `runbook alerts`. */
export interface AlertRow {
  alert: string;
  labels: Record<string, string>;
  fingerprint?: string;
  severity?: string;
  startsAt: string;
  /** The runbook file (relative to cwd), or null. */
  runbook: string | null;
  /** How the runbook was found. */
  by?: 'alerts' | 'runbook_url';
}

/** `3h12m`, `45s`: how long an alert has been firing. */
function since(startsAt: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - Date.parse(startsAt)) / 1000));
  if (Number.isNaN(seconds)) return '?';
  const d = Math.floor(seconds / 86_400), h = Math.floor((seconds % 86_400) / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
  return d ? `${d}d${h}h` : h ? `${h}h${m}m` : m ? `${m}m${s}s` : `${s}s`;
}

/** Runs `runbook alerts`; returns the exit code. */
export async function alertsCommand(paths: string[], rawOptions: Record<string, unknown>, io: CliIO, deps: { fetch?: typeof fetch; now?: () => Date } = {}): Promise<number> {
  const options = rawOptions as AlertsCliOptions;
  const { config } = await loadConfig(io.cwd);
  const url = options.alertmanager ?? (io.env.RUNBOOK_ALERTMANAGER_URL || undefined) ?? config.alertmanager;
  if (url === undefined) throw new UsageError('`runbook alerts` needs `--alertmanager <url>` (or RUNBOOK_ALERTMANAGER_URL, or `.runbookrc` `alertmanager`)');
  const [alerts, index] = await Promise.all([fetchAlerts(url.replace(/\/+$/, ''), deps.fetch), indexRunbooks(paths, io.cwd)]);
  const rows: AlertRow[] = alerts
    .map((alert) => {
      const found = runbookFor(alert, index);
      const row: AlertRow = { alert: alertName(alert), labels: alert.labels, startsAt: alert.startsAt, runbook: found?.file ?? null };
      if (alert.fingerprint) row.fingerprint = alert.fingerprint;
      if (alert.labels.severity) row.severity = alert.labels.severity;
      if (found) row.by = found.by;
      return row;
    })
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt) || a.alert.localeCompare(b.alert) || (a.fingerprint ?? '').localeCompare(b.fingerprint ?? ''));
  if (options.json) {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT.ok;
  }
  if (rows.length === 0) {
    io.stdout.write(`no alerts firing at ${url}\n`);
    return EXIT.ok;
  }
  const now = (deps.now ?? (() => new Date()))();
  const table = rows.map((row) => {
    const labels = Object.entries(row.labels)
      .filter(([k]) => k !== 'alertname' && k !== 'severity')
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}="${v}"`)
      .join(', ');
    return [`${row.alert}{${labels}}`, row.runbook ?? 'no runbook', row.severity ?? '-', `since ${row.startsAt} (${since(row.startsAt, now)})`];
  });
  const widths = [0, 1, 2].map((i) => Math.max(...table.map((cells) => cells[i]!.length)));
  for (const cells of table) io.stdout.write(`${cells.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  ')}\n`);
  const without = rows.filter((row) => row.runbook === null).length;
  io.stdout.write(`${rows.length} alert${rows.length === 1 ? '' : 's'} firing, ${without} without a runbook\n`);
  return EXIT.ok;
}
