/**
 * Unified diffs of line insertions: `runbook learn` only ever adds lines to a runbook, so the diff is built
 * from the insertions themselves (no general diff algorithm needed) and every original line appears in it
 * unchanged, as context or not at all.
 */

/** Lines to insert after the first `after` lines of the original (0 = at the top). */
export interface LineInsertion {
  after: number;
  lines: string[];
}

type Op = { kind: ' ' | '+'; text: string };

/** Splits text into lines without their `\n` (a final newline gives no extra empty line). */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Applies insertions (sorted or not; ties keep their order) to `lines`. */
export function applyInsertions(lines: readonly string[], insertions: readonly LineInsertion[]): string[] {
  return ops(lines, insertions).map((op) => op.text);
}

function ops(lines: readonly string[], insertions: readonly LineInsertion[]): Op[] {
  const byPoint = new Map<number, string[]>();
  for (const insertion of insertions) byPoint.set(insertion.after, [...(byPoint.get(insertion.after) ?? []), ...insertion.lines]);
  const out: Op[] = [];
  for (let i = 0; i <= lines.length; i++) {
    for (const text of byPoint.get(i) ?? []) out.push({ kind: '+', text });
    if (i < lines.length) out.push({ kind: ' ', text: lines[i]! });
  }
  return out;
}

/** A unified diff (`--- a/<path>`, `+++ b/<path>`, 3 lines of context) of the insertions; empty when there are none. */
export function unifiedDiff(path: string, lines: readonly string[], insertions: readonly LineInsertion[], context = 3): string {
  const all = ops(lines, insertions);
  const changed = all.flatMap((op, i) => (op.kind === '+' ? [i] : []));
  if (changed.length === 0) return '';
  // Group changes whose context windows touch into hunks.
  const groups: Array<[number, number]> = [];
  for (const i of changed) {
    const last = groups.at(-1);
    if (last && i - last[1] <= 2 * context) last[1] = i;
    else groups.push([i, i]);
  }
  const out = [`--- a/${path}`, `+++ b/${path}`];
  for (const [first, last] of groups) {
    const start = Math.max(0, first - context);
    const end = Math.min(all.length - 1, last + context);
    // Line numbers where the hunk starts in the old and the new file.
    let oldLine = 1;
    let newLine = 1;
    for (let i = 0; i < start; i++) {
      if (all[i]!.kind === ' ') oldLine++;
      newLine++;
    }
    const slice = all.slice(start, end + 1);
    const oldCount = slice.filter((op) => op.kind === ' ').length;
    const newCount = slice.length;
    out.push(`@@ -${oldCount === 0 ? oldLine - 1 : oldLine},${oldCount} +${newLine},${newCount} @@`);
    for (const op of slice) out.push(`${op.kind}${op.text}`);
  }
  return `${out.join('\n')}\n`;
}
