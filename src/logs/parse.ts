/**
 * Reading one log line: JSON objects, logfmt (`level=error msg="…" trace_id=…`), or `key=value` pairs in
 * brackets as in `ERROR [trace_id=abc123] payment failed`. Never throws; a line that is none of these is
 * plain text with, at most, a level word.
 */

/** What a line says. */
export interface ParsedLine {
  level?: string;
  message: string;
  fields: Record<string, string>;
  /** A timestamp found in the line's own fields (`ts`, `time`, `timestamp`), ms since the epoch. */
  timeMs?: number;
}

const LEVEL_KEYS = ['level', 'lvl', 'severity', 'loglevel'];
const MESSAGE_KEYS = ['msg', 'message', 'event'];
const TIME_KEYS = ['ts', 'time', 'timestamp', '@timestamp'];
const LEVEL_WORD = /^(?:\d{4}-\d\d-\d\dT\S+\s+)?\[?(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|PANIC)\]?[:\s]/i;

/** Normalised level names: `warning` → `warn`, `err` → `error`, `critical`/`panic` → `fatal`. */
export function normalizeLevel(level: string): string {
  const l = level.toLowerCase();
  return l === 'warning' ? 'warn' : l === 'err' ? 'error' : l === 'critical' || l === 'panic' || l === 'crit' ? 'fatal' : l;
}

/** logfmt pairs of a line (`key=value`, `key="quoted \" value"`, bare `key`). */
export function parseLogfmt(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && line[i] === ' ') i++;
    const keyStart = i;
    while (i < n && line[i] !== '=' && line[i] !== ' ' && line[i] !== '"') i++;
    const key = line.slice(keyStart, i);
    if (i < n && line[i] === '=') {
      i++;
      let value = '';
      if (line[i] === '"') {
        i++;
        while (i < n && line[i] !== '"') {
          if (line[i] === '\\' && i + 1 < n) {
            i++;
            value += line[i] === 'n' ? '\n' : line[i];
          } else value += line[i];
          i++;
        }
        i++;
      } else {
        const vs = i;
        while (i < n && line[i] !== ' ') i++;
        value = line.slice(vs, i);
      }
      if (key !== '') out[key] = value;
    } else {
      if (line[i] === '"') while (i < n && line[i] !== ' ') i++;
      else if (key !== '' && !(key in out)) out[key] = '';
      i++;
    }
  }
  return out;
}

function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function parseTime(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (/^\d{10}(\.\d+)?$/.test(v)) return Number(v) * 1000;
  if (/^\d{13}$/.test(v)) return Number(v);
  if (/^\d{19}$/.test(v)) return Number(BigInt(v) / 1_000_000n);
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : undefined;
}

/** Parses one line (without its trailing newline). */
export function parseLine(line: string): ParsedLine {
  let fields: Record<string, string> = {};
  let message: string | undefined;
  const trimmed = line.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      const json = JSON.parse(trimmed) as unknown;
      if (json && typeof json === 'object' && !Array.isArray(json)) {
        for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
          const s = scalar(v);
          if (s !== undefined) fields[k] = s;
        }
      }
    } catch {
      // not JSON after all: read on as text
    }
  }
  if (Object.keys(fields).length === 0) {
    const brackets = [...line.matchAll(/\[([A-Za-z_][\w.-]*)=([^\]\s]*)\]/g)];
    if (brackets.length > 0) {
      for (const b of brackets) fields[b[1]!] = b[2]!;
      message = line.replace(/\s*\[[A-Za-z_][\w.-]*=[^\]\s]*\]/g, '').trim();
    } else if (/(?:^|\s)[A-Za-z_][\w.-]*=/.test(line)) {
      const lf = parseLogfmt(line);
      // Only a line made mostly of pairs is logfmt; prose with one `=` in it is text.
      const pairs = Object.values(lf).filter((v) => v !== '').length;
      if (pairs >= 2 || (pairs === 1 && Object.keys(lf).length <= 2)) fields = Object.fromEntries(Object.entries(lf).filter(([, v]) => v !== ''));
    }
  }
  let level: string | undefined;
  for (const k of LEVEL_KEYS) if (fields[k] !== undefined) { level = normalizeLevel(fields[k]!); break; }
  if (level === undefined) {
    const m = LEVEL_WORD.exec(line);
    if (m) level = normalizeLevel(m[1]!);
  }
  for (const k of MESSAGE_KEYS) if (message === undefined && fields[k] !== undefined) message = fields[k];
  let timeMs: number | undefined;
  for (const k of TIME_KEYS) if (timeMs === undefined) timeMs = parseTime(fields[k]);
  return { ...(level === undefined ? {} : { level }), message: message ?? line, fields, ...(timeMs === undefined ? {} : { timeMs }) };
}

/** A message with its variable parts masked, so that lines of one kind group together. */
export function messagePattern(message: string): string {
  return message
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>')
    .replace(/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<id>')
    .replace(/\b[A-Za-z]+[-_][0-9a-z]*\d[0-9a-z-]*\b/g, (w) => w.replace(/[-_][0-9a-z]*\d[0-9a-z-]*$/i, '-<id>'))
    .replace(/\d+(?:\.\d+)?/g, '<n>')
    .slice(0, 300);
}
