/**
 * Neutralising text that comes from systems we query (span names, log lines, status messages) before it
 * reaches a terminal, the timeline or a postmortem: escape sequences and control characters become visible
 * escapes, lone surrogates (invalid UTF-8 decoded by the platform) become U+FFFD, and length is bounded.
 */

// C0/C1 controls except tab; ESC is covered, so ANSI sequences lose their power and stay readable.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Default bound for one neutralised value (characters). */
export const SAFE_TEXT_MAX = 2000;

/**
 * Returns `text` safe to print on one line: control characters as `\xNN`/`\uNNNN`, lone surrogates as
 * U+FFFD, and at most `max` characters (an ellipsis and the original length say it was cut).
 */
export function safeText(text: string, max: number = SAFE_TEXT_MAX): string {
  let cut = text.length > max ? text.slice(0, max) : text;
  cut = cut.replace(LONE_SURROGATE, '\ufffd').replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  return text.length > max ? `${cut}… (${text.length} chars)` : cut;
}
