/**
 * `runbook export <timeline> --format otlp --endpoint URL [--header k=v]…`: posts the (redacted) run as one
 * trace over OTLP/HTTP JSON. The endpoint and headers fall back to `OTEL_EXPORTER_OTLP_ENDPOINT` and
 * `OTEL_EXPORTER_OTLP_HEADERS`; `--header` wins over the environment for the same name.
 */
import { EXIT } from '../../errors.js';
import { OtlpExportError, parseHeaderList, postOtlp, timelineToOtlp } from '../../export/otlp.js';
import type { TimelineEvent } from '../../timeline/events.js';
import type { CliIO } from '../io.js';

/** Sends the events; returns the exit code (2: no endpoint or a bad header, 1: the collector failed). */
export async function exportOtlpCommand(events: TimelineEvent[], options: Record<string, unknown>, io: CliIO, fetchFn: typeof fetch = fetch): Promise<number> {
  const endpoint = typeof options.endpoint === 'string' ? options.endpoint : io.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) {
    io.stderr.write('runbook export: `--format otlp` needs `--endpoint <url>` or OTEL_EXPORTER_OTLP_ENDPOINT\n');
    return EXIT.usage;
  }
  const headers = io.env.OTEL_EXPORTER_OTLP_HEADERS ? parseHeaderList(io.env.OTEL_EXPORTER_OTLP_HEADERS) : {};
  if (!headers) {
    io.stderr.write('runbook export: OTEL_EXPORTER_OTLP_HEADERS must be `key=value` pairs separated by commas\n');
    return EXIT.usage;
  }
  const flags = Array.isArray(options.header) ? (options.header as string[]) : typeof options.header === 'string' ? [options.header] : [];
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) {
      io.stderr.write(`runbook export: \`--header ${flag}\` is not \`key=value\`\n`);
      return EXIT.usage;
    }
    headers[flag.slice(0, eq).trim()] = flag.slice(eq + 1);
  }
  const trace = timelineToOtlp(events);
  try {
    const url = await postOtlp(trace, { endpoint, headers, fetch: fetchFn });
    const spans = trace.resourceSpans[0]!.scopeSpans[0]!.spans;
    io.stderr.write(`runbook export: sent trace ${spans[0]!.traceId} (${spans.length} spans) to ${url}\n`);
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof OtlpExportError)) throw error;
    io.stderr.write(`runbook export: ${error.message}\n`);
    return EXIT.failure;
  }
}
