/**
 * `runbook export <timeline> --format postmortem|notebook|json|otlp [--out FILE] [--prometheus URL] [--anonymize]`
 * (`otlp`: `--endpoint URL [--header k=v]…`, see export-otlp.ts).
 * Reads the timeline (never writes it), exports it, and writes the document (and its charts) or prints it.
 */
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { loadConfig } from '../../config/index.js';
import { EXIT } from '../../errors.js';
import { EXPORT_FORMATS, exportTimeline, type ExportFormat } from '../../export/index.js';
import { redactEvents } from '../../secrets/events.js';
import type { BasicAuth } from '../../secrets/url.js';
import { prometheusTarget, resumePrometheusAuth } from '../secrets.js';
import { readTimeline } from '../../timeline/reader.js';
import type { CliIO } from '../io.js';
import { configuredRedactor } from '../shared.js';

/** Runs `runbook export`; returns the exit code (2: bad usage or not a timeline). */
export async function exportCommand(timeline: string, options: Record<string, unknown>, io: CliIO): Promise<number> {
  const format = String(options.format ?? 'postmortem');
  if (format !== 'otlp' && !(EXPORT_FORMATS as readonly string[]).includes(format)) {
    io.stderr.write(`runbook export: unknown format \`${format}\`; expected one of ${[...EXPORT_FORMATS, 'otlp'].map((f) => `\`${f}\``).join(', ')}\n`);
    return EXIT.usage;
  }
  const path = resolve(io.cwd, timeline);
  try {
    await access(path);
  } catch {
    io.stderr.write(`runbook export: no timeline at ${timeline}\n`);
    return EXIT.usage;
  }
  const { config } = await loadConfig(io.cwd);
  const redactor = configuredRedactor(config);
  const raw = await readTimeline(path);
  // Runs record redacted events, but a timeline may predate a redaction rule or have been edited by hand:
  // a postmortem is shared widely, so it is redacted again on the way out.
  const read = { ...raw, events: redactEvents(raw.events, redactor) };
  if (!read.events.length) {
    io.stderr.write(`runbook export: ${timeline} holds no timeline events${read.invalid.length ? ` (${read.invalid.length} line(s) are not events)` : ''}\n`);
    return EXIT.usage;
  }
  if (format === 'otlp') {
    const { exportOtlpCommand } = await import('./export-otlp.js');
    return exportOtlpCommand(read.events, options, io);
  }
  const outPath = typeof options.out === 'string' ? resolve(io.cwd, options.out) : undefined;
  // Chart data: userinfo in the URL goes as basic auth (fetch refuses URLs with credentials) and nowhere else.
  const given = typeof options.prometheus === 'string' ? prometheusTarget(options.prometheus) : undefined;
  const recorded = read.events.find((event) => event.type === 'run.started');
  const auth: BasicAuth | undefined =
    given?.auth ??
    (given || !recorded || recorded.type !== 'run.started'
      ? undefined
      : resumePrometheusAuth(recorded.targets.prometheus, undefined, [io.env.RUNBOOK_PROMETHEUS_URL, config.prometheus]));
  const result = await exportTimeline(read, {
    format: format as ExportFormat,
    anonymize: options.anonymize === true,
    ...(outPath ? { outPath } : {}),
    ...(given ? { prometheus: given.url } : {}),
    ...(auth ? { fetch: basicAuthFetch(auth) } : {}),
    readText: async (file) => {
      try {
        return await readFile(resolve(io.cwd, file), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
  });
  for (const warning of result.warnings) io.stderr.write(`runbook export: warning: ${warning}\n`);
  if (!outPath) {
    io.stdout.write(result.document);
    return EXIT.ok;
  }
  await mkdir(dirname(outPath), { recursive: true });
  await writeFile(outPath, result.document);
  for (const file of result.files) await writeFile(file.path, file.content);
  const charts = result.files.length ? ` and ${result.files.length} chart(s)` : '';
  const shown = relative(io.cwd, outPath);
  io.stderr.write(`runbook export: wrote ${shown.startsWith('..') ? outPath : shown}${charts}\n`);
  return EXIT.ok;
}

function basicAuthFetch(auth: BasicAuth): typeof fetch {
  const header = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  return (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string> | undefined), authorization: header } });
}
