/** A line of formatted text with a meaning the renderer may colour (the plain log ignores it). */

/** What a line means: `ok` (green), `fail` (red), `warn` (yellow), `dim`, `strong`, `accent` (cyan). */
export type Tone = 'ok' | 'fail' | 'warn' | 'dim' | 'strong' | 'accent';

/** One display line. */
export interface Line {
  text: string;
  tone?: Tone;
  /** A command to copy: a renderer may wrap it but must never cut it. */
  copy?: boolean;
}

/** Lines without tone. */
export function plain(texts: readonly string[], tone?: Tone): Line[] {
  return texts.map((text) => (tone ? { text, tone } : { text }));
}

/** The text of lines, joined with newlines (for the plain log, exports and tests). */
export function linesText(lines: readonly Line[]): string {
  return lines.map((l) => l.text).join('\n');
}
