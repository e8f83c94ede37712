/**
 * Splits a kubectl step's body into argv the way a POSIX shell would split words, without running one.
 * Hand-written rather than taken from shell-quote because diagnostics need the offset of every word and of
 * every shell operator (pipes, redirections, `$(…)`), which no shell-words library reports.
 */

/** One word of the command line with where it sits in the body (UTF-16 offsets, end exclusive). */
export interface Word {
  value: string;
  start: number;
  end: number;
  /** True when any part of the word was quoted or escaped (it can't be an operator or a flag by accident). */
  quoted: boolean;
}

/** A shell construct that a kubectl step cannot have. */
export interface ShellConstruct {
  /** What was found, e.g. `|`, `>`, `$(`, `&&`, a backquote. */
  text: string;
  start: number;
  end: number;
  message: string;
}

/** The result of splitting: words, plus any construct that needs a shell (each makes the line invalid). */
export interface CommandLine {
  words: Word[];
  problems: ShellConstruct[];
}

const OPERATORS = ['&&', '||', '>>', '2>', '&>', '$(', '|', '&', ';', '<', '>', '`', '(', ')'] as const;
/** First characters of OPERATORS: any other character cannot start one (saves testing each operator). */
const OPERATOR_STARTS = new Set(OPERATORS.map((op) => op[0]!));

/** Splits `body` into words. Backslash-newline continues a line; a `#` at the start of a word starts a comment. */
export function splitCommandLine(body: string): CommandLine {
  const words: Word[] = [];
  const problems: ShellConstruct[] = [];
  let i = 0;
  let current: Word | undefined;
  const begin = (at: number): Word => (current ??= { value: '', start: at, end: at, quoted: false });
  const finish = (): void => {
    if (current) words.push(current);
    current = undefined;
  };

  while (i < body.length) {
    const c = body[i]!;
    if (c === '\\' && body[i + 1] === '\n') {
      // Line continuation: joins lines, also inside a word.
      i += 2;
      continue;
    }
    if (c === '\\' && body[i + 1] === '\r' && body[i + 2] === '\n') {
      i += 3;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (current) current.end = i;
      finish();
      i++;
      continue;
    }
    if (c === '#' && !current) {
      while (i < body.length && body[i] !== '\n') i++;
      continue;
    }
    if (c === "'") {
      const word = begin(i);
      word.quoted = true;
      const close = body.indexOf("'", i + 1);
      if (close === -1) {
        problems.push({ text: "'", start: i, end: body.length, message: 'Unterminated single quote' });
        word.value += body.slice(i + 1);
        i = body.length;
      } else {
        word.value += body.slice(i + 1, close);
        i = close + 1;
      }
      word.end = i;
      continue;
    }
    if (c === '"') {
      const word = begin(i);
      word.quoted = true;
      i++;
      let closed = false;
      while (i < body.length) {
        const d = body[i]!;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < body.length && '"\\$`\n'.includes(body[i + 1]!)) {
          if (body[i + 1] !== '\n') word.value += body[i + 1];
          i += 2;
          continue;
        }
        if ((d === '$' && body[i + 1] === '(') || d === '`') {
          const text = d === '$' ? '$(' : '`';
          problems.push({ text, start: i, end: i + text.length, message: shellMessage(text) });
        }
        word.value += d;
        i++;
      }
      if (!closed) problems.push({ text: '"', start: word.start, end: body.length, message: 'Unterminated double quote' });
      word.end = i;
      continue;
    }
    if (c === '\\') {
      const word = begin(i);
      word.quoted = true;
      // A trailing lone backslash escapes nothing; the word must still end inside the body.
      if (i + 1 < body.length) {
        word.value += body[i + 1];
        i += 2;
      } else {
        i += 1;
      }
      word.end = i;
      continue;
    }
    const operator = OPERATOR_STARTS.has(c) ? OPERATORS.find((op) => body.startsWith(op, i)) : undefined;
    // `2>` is only a redirection at the start of a word; `a2>b` is still a redirection, but `x=2` is not.
    if (operator && !(operator === '2>' && current)) {
      if (current) current.end = i;
      finish();
      problems.push({ text: operator, start: i, end: i + operator.length, message: shellMessage(operator) });
      i += operator.length;
      continue;
    }
    // A run of plain characters is added at once.
    const word = begin(i);
    let end = i + 1;
    while (end < body.length && isPlain(body[end]!)) end++;
    word.value += body.slice(i, end);
    i = end;
    word.end = i;
  }
  finish();
  return { words, problems };
}

/** A character the loop above handles like any letter: not space, quote, backslash, `#` or an operator start. */
function isPlain(c: string): boolean {
  return !(c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === "'" || c === '"' || c === '\\' || OPERATOR_STARTS.has(c));
}

function shellMessage(op: string): string {
  const what =
    op === '|' ? 'a pipe'
    : op === '$(' || op === '`' ? 'command substitution'
    : op === '&&' || op === '||' || op === ';' ? 'a command list'
    : op === '&' ? 'a background job'
    : op === '(' || op === ')' ? 'a subshell'
    : 'a redirection';
    return `Found ${what} (\`${op}\`) in a kubectl step, which runs without a shell; use an \`sh\` step for shell syntax`;
}
