/**
 * A bounded summary of a log stream: whatever the number of lines, memory holds at most a fixed number of
 * patterns, distinct values and samples. Lines may come in any order (Loki answers newest first unless
 * told otherwise, pods interleave): earliest and latest are decided by time, not by arrival.
 */
import { safeText } from '../format/safe-text.js';
import { messagePattern, parseLine } from './parse.js';

/** How much of each kind is kept. */
export const LOG_BOUNDS = { patterns: 1000, valuesPerField: 10_000, samples: 5, lineChars: 2000 } as const;

/** A value of an extracted field, with when it was first and last seen. */
interface ValueStat {
  count: number;
  firstMs: number;
  lastMs: number;
}

/** The summary handed to captures, output and checks. */
export interface LogSummary {
  read: number;
  matched: number;
  byLevel: Record<string, number>;
  /** Most frequent first. */
  patterns: Array<{ pattern: string; count: number }>;
  /** Field → values, most frequent first. */
  extracted: Record<string, Array<{ value: string; count: number }>>;
  /** A few matching lines, earliest first, neutralised. */
  samples: string[];
  /** True when a bound dropped distinct patterns or values (counts of those kept stay exact). */
  capped: boolean;
}

/** Feeds lines; `summary()` any time. */
export class LogAggregator {
  private read = 0;
  private matched = 0;
  private readonly byLevel = new Map<string, number>();
  private readonly patterns = new Map<string, number>();
  private readonly values = new Map<string, Map<string, ValueStat>>();
  private samples: Array<{ timeMs: number; seq: number; line: string }> = [];
  private capped = false;

  constructor(
    private readonly match: RegExp | undefined,
    private readonly extract: readonly string[],
  ) {
    for (const f of extract) this.values.set(f, new Map());
  }

  /** One line; `timeMs` from the source (Loki's timestamp, kubectl's `--timestamps`), else the line's own. */
  add(rawLine: string, timeMs?: number): void {
    this.read++;
    const line = rawLine.length > LOG_BOUNDS.lineChars * 50 ? rawLine.slice(0, LOG_BOUNDS.lineChars * 50) : rawLine;
    if (this.match && !this.match.test(line)) return;
    this.matched++;
    const parsed = parseLine(line);
    const t = timeMs ?? parsed.timeMs ?? this.read;
    const level = parsed.level ?? 'unknown';
    this.byLevel.set(level, (this.byLevel.get(level) ?? 0) + 1);
    const pattern = messagePattern(parsed.message);
    const known = this.patterns.get(pattern);
    if (known !== undefined) this.patterns.set(pattern, known + 1);
    else if (this.patterns.size < LOG_BOUNDS.patterns) this.patterns.set(pattern, 1);
    else this.capped = true;
    for (const field of this.extract) {
      const value = parsed.fields[field];
      if (value === undefined || value === '') continue;
      const map = this.values.get(field)!;
      const stat = map.get(value);
      if (stat) {
        stat.count++;
        stat.firstMs = Math.min(stat.firstMs, t);
        stat.lastMs = Math.max(stat.lastMs, t);
      } else if (map.size < LOG_BOUNDS.valuesPerField) map.set(value, { count: 1, firstMs: t, lastMs: t });
      else this.capped = true;
    }
    // Keep the earliest few by time.
    this.samples.push({ timeMs: t, seq: this.read, line: safeText(line, 300) });
    if (this.samples.length > LOG_BOUNDS.samples * 4) this.trimSamples();
  }

  private trimSamples(): void {
    this.samples.sort((a, b) => a.timeMs - b.timeMs || a.seq - b.seq);
    this.samples.length = Math.min(this.samples.length, LOG_BOUNDS.samples);
  }

  /** The value of `field` by rule: `earliest` (by time), `latest`, or `top` (most frequent). */
  pick(field: string, how: 'earliest' | 'latest' | 'top'): string | undefined {
    const map = this.values.get(field);
    if (!map || map.size === 0) return undefined;
    let best: [string, ValueStat] | undefined;
    for (const entry of map) {
      if (best === undefined) best = entry;
      else if (how === 'earliest' ? entry[1].firstMs < best[1].firstMs : how === 'latest' ? entry[1].lastMs > best[1].lastMs : entry[1].count > best[1].count) best = entry;
    }
    return best?.[0];
  }

  summary(): LogSummary {
    this.trimSamples();
    const top = <T>(entries: Iterable<[string, T]>, count: (t: T) => number, n: number) =>
      [...entries].sort((a, b) => count(b[1]) - count(a[1]) || (a[0] < b[0] ? -1 : 1)).slice(0, n);
    return {
      read: this.read,
      matched: this.matched,
      byLevel: Object.fromEntries([...this.byLevel].sort((a, b) => b[1] - a[1])),
      patterns: top(this.patterns, (c) => c, 10).map(([pattern, count]) => ({ pattern: safeText(pattern, 300), count })),
      extracted: Object.fromEntries([...this.values].map(([f, map]) => [f, top(map, (s) => s.count, 10).map(([value, s]) => ({ value: safeText(value, 200), count: s.count }))])),
      samples: this.samples.map((s) => s.line),
      capped: this.capped,
    };
  }
}
