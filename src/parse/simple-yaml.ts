/**
 * Front matter as runbooks write it — block maps and lists of words and quoted strings — read without the
 * YAML library: loading it costs ~30 ms of every `runbook lint` start, and reading a small block with it costs
 * more than reading the rest of the runbook. Anything outside that subset (comments, flow collections, numbers,
 * booleans, anchors, tags, block scalars, escapes, multi-line values, odd indentation, repeated keys, …) gives
 * undefined, and the caller reads the text with the `yaml` package. On the subset both give the same value
 * (test/lint/fast-parse.test.ts compares them).
 */

/** Thrown to give up; never escapes this module. */
class Unsupported extends Error {}

const KEY = /^([A-Za-z_][\w-]*):(?: (.*))?$/;
/** Plain words that YAML's core schema reads as something other than a string. */
const NOT_STRINGS = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'y', 'Y', 'n', 'N', 'yes', 'Yes', 'YES', 'no', 'No', 'NO', 'on', 'On', 'ON', 'off', 'Off', 'OFF']);

interface Line {
  indent: number;
  text: string;
}

/** The value of `text` when it is in the plain subset, else undefined. */
export function readSimpleYaml(text: string): Record<string, unknown> | undefined {
  const lines: Line[] = [];
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    let indent = 0;
    while (raw.charCodeAt(indent) === 32) indent++;
    // Whitespace-only lines, tabs, comments and trailing spaces are left to the YAML library.
    if (indent === raw.length || raw.includes('\t') || raw.includes('#') || raw.endsWith(' ') || raw.includes('\r')) return undefined;
    lines.push({ indent, text: raw.slice(indent) });
  }
  if (lines.length === 0 || lines[0]!.indent !== 0) return undefined;
  try {
    const reader = { lines, at: 0 };
    const value = readMap(reader, 0);
    return reader.at === lines.length ? value : undefined;
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

interface Reader {
  lines: Line[];
  at: number;
}

function readMap(reader: Reader, indent: number): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  while (reader.at < reader.lines.length) {
    const line = reader.lines[reader.at]!;
    if (line.indent < indent) break;
    if (line.indent > indent) throw new Unsupported();
    const m = KEY.exec(line.text);
    if (!m || NOT_STRINGS.has(m[1]!) || Object.hasOwn(map, m[1]!) || m[1] === '__proto__') throw new Unsupported();
    reader.at++;
    const next = reader.lines[reader.at];
    if (m[2] !== undefined && m[2] !== '') {
      map[m[1]!] = scalar(m[2]);
      // A more indented line after a value would continue it (a multi-line plain scalar).
      if (next && next.indent > indent) throw new Unsupported();
    } else if (next && next.indent > indent) {
      map[m[1]!] = next.text.startsWith('- ') ? readList(reader, next.indent) : readMap(reader, next.indent);
    } else if (next && next.indent === indent && next.text.startsWith('- ')) {
      map[m[1]!] = readList(reader, indent);
    } else {
      map[m[1]!] = null;
    }
  }
  return map;
}

function readList(reader: Reader, indent: number): string[] {
  const list: string[] = [];
  while (reader.at < reader.lines.length) {
    const line = reader.lines[reader.at]!;
    if (line.indent !== indent || !line.text.startsWith('- ')) break;
    list.push(scalar(line.text.slice(2)));
    reader.at++;
    const next = reader.lines[reader.at];
    if (next && next.indent > indent) throw new Unsupported();
  }
  return list;
}

/** A word (plain scalar starting with a letter) or a quoted string without escapes. */
function scalar(text: string): string {
  let m = /^"([^"\\]*)"$/.exec(text);
  if (m) return m[1]!;
  m = /^'([^']*)'$/.exec(text);
  if (m) return m[1]!;
  // `: ` would start a map, a final `:` too; a letter first keeps indicators and numbers out.
  if (!/^[A-Za-z]/.test(text) || text.includes(': ') || text.endsWith(':') || NOT_STRINGS.has(text)) throw new Unsupported();
  return text;
}
