/**
 * Hostile input, property-based: the parser, the attribute grammar, templating, the `expect` grammar and
 * the kubectl word splitter never throw on arbitrary input, and every position they report lies inside
 * the text it was computed from. Runs are bounded (see RUNS) so the file finishes in a few seconds.
 */
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RenderError, renderKubectlArgv, renderShellScript } from '../../src/exec/render.js';
import { locateAttribute, parseAttributeBlock } from '../../src/parse/attributes.js';
import { parseRunbook } from '../../src/parse/index.js';
import type { Point, Position } from '../../src/parse/model.js';
import { splitCommandLine } from '../../src/steps/command-line.js';
import { isExpectError, parseExpect } from '../../src/steps/expect.js';
import { findPlaceholders, maskPlaceholders, renderTemplate, UnresolvedPlaceholderError } from '../../src/steps/template.js';
import { lineish, markdownish } from './arbitraries.js';

/** Runs per property; the sum is reported in docs/reliability.md. */
export const RUNS = {
  parser: 1000,
  attributes: 1000,
  locateAttribute: 500,
  template: 1000,
  expect: 1000,
  expectValid: 300,
  commandLine: 1000,
  commandLinePlain: 300,
  kubectlValue: 1000,
  shValue: 200,
} as const;

/** Lines of `text` split as CommonMark does (`\r\n`, `\n` or a lone `\r`), each with the offset it starts at. */
function linesOf(text: string): { text: string; start: number }[] {
  const lines: { text: string; start: number }[] = [];
  let start = 0;
  for (const match of text.matchAll(/\r\n|\r|\n/g)) {
    lines.push({ text: text.slice(start, match.index), start });
    start = match.index + match[0].length;
  }
  lines.push({ text: text.slice(start), start });
  return lines;
}

/** Checks `point` is a real place in `text` (lines split as CommonMark does, columns in UTF-16 units, offset agreeing). */
function assertInside(text: string, point: Point, what: string): void {
  const lines = linesOf(text);
  expect(point.line, `${what}: line`).toBeGreaterThanOrEqual(1);
  expect(point.line, `${what}: line`).toBeLessThanOrEqual(lines.length);
  const line = lines[point.line - 1]!;
  expect(point.column, `${what}: column`).toBeGreaterThanOrEqual(1);
  expect(point.column, `${what}: column`).toBeLessThanOrEqual(line.text.length + 1);
  if (point.offset !== undefined) {
    expect(point.offset, `${what}: offset agrees with line:column`).toBe(line.start + point.column - 1);
  }
}

function assertPosition(text: string, position: Position, what: string): void {
  assertInside(text, position.start, `${what} start`);
  assertInside(text, position.end, `${what} end`);
  const before = position.start.line < position.end.line || (position.start.line === position.end.line && position.start.column <= position.end.column);
  expect(before, `${what}: start ≤ end`).toBe(true);
}

describe('parseRunbook on hostile Markdown', () => {
  it(`never throws; every diagnostic and step position lies inside the file (${RUNS.parser} runs)`, () => {
    fc.assert(
      fc.property(markdownish, (source) => {
        const { runbook, file } = parseRunbook(source, { path: 'fuzz.md' });
        for (const message of file.messages) {
          // An internal error means the parser caught its own exception: a bug, even if it did not escape.
          expect(message.ruleId, `internal error: ${message.reason}`).not.toBe('internal-error');
          const place = message.place as Position | Point | undefined;
          expect(place, `diagnostic without a position: ${message.reason}`).toBeDefined();
          assertPosition(source, 'start' in place! ? place : { start: place!, end: place! }, `diagnostic ${message.ruleId}`);
        }
        for (const step of runbook.steps) {
          assertPosition(source, step.position, `step ${step.id}`);
          assertPosition(source, step.bodyPosition, `body of ${step.id}`);
          // The model's documented invariant: the body is a byte-exact slice of the file.
          expect(source.slice(step.bodyPosition.start.offset, step.bodyPosition.end.offset)).toBe(step.body);
        }
      }),
      { numRuns: RUNS.parser },
    );
  });
});

describe('attribute blocks', () => {
  it(`parseAttributeBlock never throws and yields only string values (${RUNS.attributes} runs)`, () => {
    fc.assert(
      fc.property(lineish, fc.boolean(), (inner, braces) => {
        const block = braces ? `{${inner}}` : inner;
        const parsed = parseAttributeBlock(block);
        if (parsed.ok) for (const value of Object.values(parsed.attributes)) expect(typeof value).toBe('string');
        else expect(parsed.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS.attributes },
    );
  });

  it(`locateAttribute stays inside the block (${RUNS.locateAttribute} runs)`, () => {
    fc.assert(
      fc.property(lineish, fc.constantFrom('id', 'title', 'expect', 'timeout', 'x'), fc.option(fc.string({ maxLength: 5 })), (inner, key, id) => {
        const block = `{${inner}}`;
        const found = locateAttribute(block, key, id ?? undefined);
        if (found) {
          expect(found.start).toBeGreaterThanOrEqual(0);
          expect(found.start).toBeLessThanOrEqual(found.end);
          expect(found.end).toBeLessThanOrEqual(block.length);
        }
      }),
      { numRuns: RUNS.locateAttribute },
    );
  });
});

describe('templates', () => {
  it(`findPlaceholders/renderTemplate/maskPlaceholders never throw and keep offsets exact (${RUNS.template} runs)`, () => {
    fc.assert(
      fc.property(fc.oneof(lineish, markdownish), (text) => {
        const found = findPlaceholders(text);
        let previousEnd = 0;
        for (const p of found) {
          expect(p.start).toBeGreaterThanOrEqual(previousEnd);
          expect(p.end).toBeLessThanOrEqual(text.length);
          expect(text.slice(p.start, p.end)).toBe(p.raw);
          previousEnd = p.end;
        }
        // Every placeholder resolved: never throws, and each one is replaced by exactly its value.
        const rendered = renderTemplate(text, () => '\u0001');
        expect(rendered.split('\u0001').length - 1 - (text.split('\u0001').length - 1)).toBe(found.length);
        expect(maskPlaceholders(text)).toHaveLength(text.length);
        // Nothing resolved: the only thing it may throw is UnresolvedPlaceholderError, and only if there is a placeholder.
        try {
          renderTemplate(text, () => undefined);
          expect(found).toHaveLength(0);
        } catch (error) {
          expect(error).toBeInstanceOf(UnresolvedPlaceholderError);
          expect(found.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS.template },
    );
  });
});

describe('expect grammar', () => {
  it(`parseExpect never throws on arbitrary text (${RUNS.expect} runs)`, () => {
    fc.assert(
      fc.property(fc.oneof(lineish, fc.string({ maxLength: 20 })), (source) => {
        const parsed = parseExpect(source);
        if (isExpectError(parsed)) expect(parsed.message).toContain('expectation');
        else expect(parsed.source).toBe(source);
      }),
      { numRuns: RUNS.expect },
    );
  });

  it(`reads back every well-formed comparison (${RUNS.expectValid} runs)`, () => {
    fc.assert(
      fc.property(
        fc.constantFrom('<', '<=', '==', '!=', '>=', '>'),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom('', ' ', '  '),
        (op, value, pad) => {
          const parsed = parseExpect(`${pad}${op}${pad}${String(value)}${pad}`);
          expect(isExpectError(parsed)).toBe(false);
          if (!isExpectError(parsed) && 'value' in parsed) {
            expect(parsed.op).toBe(op);
            expect(Object.is(parsed.value, value) || parsed.value === value).toBe(true);
          }
        },
      ),
      { numRuns: RUNS.expectValid },
    );
  });
});

describe('kubectl word splitter', () => {
  it(`never throws; words and problems lie inside the body, in order (${RUNS.commandLine} runs)`, () => {
    fc.assert(
      fc.property(fc.oneof(lineish, markdownish), (body) => {
        const { words, problems } = splitCommandLine(body);
        let previousEnd = 0;
        for (const word of words) {
          expect(word.start).toBeGreaterThanOrEqual(previousEnd);
          expect(word.start).toBeLessThanOrEqual(word.end);
          expect(word.end).toBeLessThanOrEqual(body.length);
          previousEnd = word.end;
        }
        for (const problem of problems) {
          expect(problem.start).toBeGreaterThanOrEqual(0);
          expect(problem.start).toBeLessThanOrEqual(problem.end);
          expect(problem.end).toBeLessThanOrEqual(body.length);
          expect(problem.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS.commandLine },
    );
  });

  it(`splits plain words exactly as whitespace does (${RUNS.commandLinePlain} runs)`, () => {
    const plainWord = fc.stringMatching(/^[A-Za-z0-9_./=:,-]{1,10}$/).filter((w) => !w.startsWith('#'));
    fc.assert(
      fc.property(fc.array(plainWord, { minLength: 1, maxLength: 8 }), fc.constantFrom(' ', '  ', '\t', ' \\\n  '), (words, gap) => {
        const { words: split, problems } = splitCommandLine(words.join(gap));
        expect(problems).toEqual([]);
        expect(split.map((w) => w.value)).toEqual(words);
      }),
      { numRuns: RUNS.commandLinePlain },
    );
  });
});

/** Values an attacker would try, mixed with arbitrary strings. */
const hostileValue = fc.oneof(
  fc.constantFrom(
    'x; rm -rf /', 'a && b', '$(id)', '`id`', "it's", '"quoted"', 'line\nbreak', '-n kube-system', '--kubeconfig=/etc/x',
    '\u2010\u2010kubeconfig', '；id', '\\', '$HOME', '${HOME}', '*', '{{ns}}', ' leading space', 'trailing ', '',
  ),
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);

describe('values never change the shape of a command', () => {
  it(`a kubectl value stays one argv word or is refused as a flag (${RUNS.kubectlValue} runs)`, () => {
    fc.assert(
      fc.property(hostileValue, (value) => {
        try {
          const argv = renderKubectlArgv('kubectl get pod {{v}} -l app={{v}}', () => value);
          expect(argv).toEqual(['get', 'pod', value, '-l', `app=${value}`]);
        } catch (error) {
          expect(error).toBeInstanceOf(RenderError);
          expect(value.startsWith('-')).toBe(true);
        }
      }),
      { numRuns: RUNS.kubectlValue },
    );
  });

  it(`an sh value reaches the script as data, byte for byte, in every quoting context (${RUNS.shValue} runs, real /bin/sh)`, () => {
    // NUL cannot be in an environment variable; everything else must come back unchanged.
    const value = hostileValue.filter((v) => !v.includes('\u0000'));
    fc.assert(
      fc.property(value, (v) => {
        const { script, env } = renderShellScript(`printf '%s\\0' {{v}} "d:{{v}}" 's:{{v}}'`, () => v);
        const run = spawnSync('sh', ['-c', script], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
        expect(run.status).toBe(0);
        expect(run.stdout.split('\u0000').slice(0, 3)).toEqual([v, `d:${v}`, `s:${v}`]);
      }),
      { numRuns: RUNS.shValue },
    );
  });
});

/**
 * Bugs these properties found (now fixed), kept as regression tests with their counterexamples.
 */
describe('regressions found by the properties', () => {
  function bodySliceMatches(source: string): boolean {
    return parseRunbook(source).runbook.steps.every((s) => source.slice(s.bodyPosition.start.offset, s.bodyPosition.end.offset) === s.body);
  }

  it('parser: a lone CR (old Mac line ending) is a line break for positions, as it is for micromark', () => {
    const source = '# T\n\n:::mitigate{#m \r}\n```kubectl\n \n```\n:::\n';
    expect(bodySliceMatches(source)).toBe(true);
    // `{#m ` ends at the CR, so the container opening is text: the diagnostic points into line 3, not past it.
    const { file } = parseRunbook(source);
    expect(file.messages.map((m) => `${m.ruleId} ${m.line}:${m.column}`)).toContain('malformed-attributes 3:12');
    const { runbook } = parseRunbook('# T\r\r```kubectl {#k}\rget pods\r```\r');
    expect(runbook.steps.map((s) => [s.body, s.bodyPosition.start.line, s.bodyPosition.start.column])).toEqual([['get pods', 4, 1]]);
  });

  it('parser: a YAML error offset between `\\r` and `\\n` still maps to a real line:column', () => {
    const source = '---\nparams: [1,2]\n\r\n- item\n\n---\n\n# T\n\n```\n\n```\n';
    const { file } = parseRunbook(source);
    expect(file.messages.length).toBeGreaterThan(0);
    for (const message of file.messages) assertPosition(source, message.place as Position, `diagnostic ${message.ruleId}`);
  });

  it('parser: NUL in a fence body stays NUL in `body` (not U+FFFD), a byte-exact slice', () => {
    const source = '# T\n\n```kubectl {#k}\n\u0000\n```\n';
    expect(bodySliceMatches(source)).toBe(true);
    expect(parseRunbook(source).runbook.steps[0]!.body).toBe('\u0000');
    expect(bodySliceMatches('# T\n\n:::mitigate{#m}\n```kubectl\nget \u0000x\n```\n```check {expect="< 1"}\nup\u0000\n```\n:::\n')).toBe(true);
  });

  it('parser: a YAML alias in front matter (`*em*`) is a `frontmatter-yaml` error at the alias, not an internal error', () => {
    const { file } = parseRunbook('---\n*em*\n---\n\n# T\n');
    expect(file.messages.map((m) => `${m.ruleId} ${m.line}:${m.column}`)).toEqual(['frontmatter-yaml 2:1']);
  });
});
