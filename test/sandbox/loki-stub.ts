/**
 * A Loki-API stub on loopback (no Loki can be installed here): `GET /loki/api/v1/query_range` with
 * `query`, `start`/`end` (ns or RFC 3339), `direction` (Loki's default is `backward`: newest first) and
 * `limit`, answering `{ status: "success", data: { resultType: "streams", result: [{ stream, values }] } }`
 * with values `[ "<ns>", "<line>" ]` (Loki's documented shape). LogQL subset: a selector of `label="v"` /
 * `label=~"a|b"` matchers, then `|= "text"`, `!= "text"`, `|~ "re"` filters. Requests are recorded.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { historicalLogs } from './log-data.js';
import type { StoredLine } from './log-data.js';

/** A running Loki stub. */
export interface LokiStub {
  url: string;
  requests: string[];
  stop(): Promise<void>;
}

type Filter = (l: StoredLine) => boolean;

/** The LogQL subset; throws on anything else (Loki answers 400 `parse error`). */
export function parseLogQL(q: string): Filter[] {
  const m = /^\s*\{([^}]*)\}(.*)$/s.exec(q);
  if (!m) throw new Error(`parse error at line 1, col 1: syntax error: unexpected input, expecting {`);
  const filters: Filter[] = [];
  for (const part of m[1]!.split(',').map((p) => p.trim()).filter(Boolean)) {
    const x = /^([A-Za-z_]\w*)\s*(=~|!~|=|!=)\s*"([^"]*)"$/.exec(part);
    if (!x) throw new Error(`parse error: cannot read matcher \`${part}\``);
    const [, label, op, value] = x as unknown as [string, string, string, string];
    const re = new RegExp(`^(?:${value})$`);
    filters.push(op === '=' ? (l) => l.labels[label] === value : op === '!=' ? (l) => l.labels[label] !== value : op === '=~' ? (l) => re.test(l.labels[label] ?? '') : (l) => !re.test(l.labels[label] ?? ''));
  }
  let rest = m[2]!.trim();
  while (rest !== '') {
    const f = /^(\|=|!=|\|~|!~)\s*"((?:[^"\\]|\\.)*)"\s*/.exec(rest);
    if (!f) throw new Error(`parse error: unsupported pipeline \`${rest}\``);
    const text = f[2]!.replace(/\\(.)/g, '$1');
    const re = new RegExp(text);
    filters.push(f[1] === '|=' ? (l) => l.line.includes(text) : f[1] === '!=' ? (l) => !l.line.includes(text) : f[1] === '|~' ? (l) => re.test(l.line) : (l) => !re.test(l.line));
    rest = rest.slice(f[0].length);
  }
  return filters;
}

function timeParam(v: string | null, fallback: number): number {
  if (v === null) return fallback;
  if (/^\d{19}$/.test(v)) return Number(BigInt(v) / 1_000_000n);
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  return Date.parse(v);
}

/** Starts the stub on 127.0.0.1. */
export async function startLokiStub(options: { lines?: StoredLine[] } = {}): Promise<LokiStub> {
  const lines = options.lines ?? historicalLogs();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    requests.push(`${url.pathname}${url.search}`);
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (url.pathname === '/ready') return send(200, 'ready');
    if (url.pathname !== '/loki/api/v1/query_range') return send(404, '404 page not found');
    let filters: Filter[];
    try {
      filters = parseLogQL(url.searchParams.get('query') ?? '');
    } catch (error) {
      return send(400, (error as Error).message);
    }
    const end = timeParam(url.searchParams.get('end'), Date.now());
    const start = timeParam(url.searchParams.get('start'), end - 3_600_000);
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const forward = url.searchParams.get('direction') === 'forward';
    let hits = lines.filter((l) => l.timeMs >= start && l.timeMs < end && filters.every((f) => f(l)));
    hits = forward ? hits.slice(0, limit) : hits.slice(-limit).reverse();
    const streams = new Map<string, { stream: Record<string, string>; values: [string, string][] }>();
    for (const h of hits) {
      const key = JSON.stringify(h.labels);
      if (!streams.has(key)) streams.set(key, { stream: h.labels, values: [] });
      streams.get(key)!.values.push([`${BigInt(h.timeMs) * 1_000_000n}`, h.line]);
    }
    return send(200, { status: 'success', data: { resultType: 'streams', result: [...streams.values()], stats: {} } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
