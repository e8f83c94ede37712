import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parse/index.js';
import type { Runbook } from '../../src/parse/model.js';

/** A body with everything remark would rewrite if it were parsed as Markdown. */
const TRICKY = [
  'sum(job:rate5m{a="b"}) * *x* + _y_ [5m]',
  '# comment',
  '- 1',
  '',
  'kubectl get pods \\',
  '  -l app=x',
  '',
  '',
  'end',
].join('\n');

function expectExact(runbook: Runbook, source: string, expected: string): void {
  const [step] = runbook.steps;
  expect(step!.body).toBe(expected);
  expect(source.slice(step!.bodyPosition.start.offset, step!.bodyPosition.end.offset)).toBe(step!.body);
}

describe('byte-exact bodies', () => {
  it('fenced form keeps the body as written', () => {
    const source = `# T\n\n\`\`\`sh {#a}\n${TRICKY}\n\`\`\`\n`;
    const { runbook, file } = parseRunbook(source);
    expect(file.messages).toEqual([]);
    expectExact(runbook, source, TRICKY);
  });

  it('directive form keeps the body as written (not the Markdown parsed inside the container)', () => {
    const source = `# T\n\n:::sh{#a}\n${TRICKY}\n:::\n`;
    const { runbook, file } = parseRunbook(source);
    expect(file.messages).toEqual([]);
    expectExact(runbook, source, TRICKY);
  });

  it('CRLF input: bodies keep their CRLF line endings and positions still slice them', () => {
    for (const template of [`# T\n\n\`\`\`sh {#a}\n${TRICKY}\n\`\`\`\n`, `# T\n\n:::sh{#a}\n${TRICKY}\n:::\n`]) {
      const source = template.replace(/\n/g, '\r\n');
      const { runbook, file } = parseRunbook(source);
      expect(file.messages).toEqual([]);
      expectExact(runbook, source, TRICKY.replace(/\n/g, '\r\n'));
      expect(runbook.steps[0]!.bodyPosition.start.line).toBe(4);
    }
  });

  it('CRLF input: kubectl diagnostics keep exact columns', () => {
    const source = '# T\r\n\r\n```kubectl\r\nget pods \\\r\n  | wc\r\n```\r\n';
    const [message] = parseRunbook(source).file.messages;
    expect([message?.ruleId, message?.line, message?.column]).toEqual(['kubectl-shell-syntax', 5, 3]);
  });

  it('empty bodies sit at the line after the opening, in both forms', () => {
    for (const source of ['# T\n\n```check {#c of=x}\n```\n', '# T\n\n:::check{#c of=x}\n:::\n']) {
      const { runbook, file } = parseRunbook(source);
      expect(file.messages).toEqual([]);
      expect(runbook.steps[0]!.body).toBe('');
      expect(runbook.steps[0]!.bodyPosition.start).toEqual({ line: 4, column: 1, offset: source.indexOf(':::\n', 10) === -1 ? source.lastIndexOf('```') : source.lastIndexOf(':::') });
    }
  });

  it('an indented fence (in a list) maps body offsets to the right file column', () => {
    const source = '# T\n\n- item\n\n  ```kubectl {#a}\n  get pods\n    -o name | x\n  ```\n';
    const { runbook, file } = parseRunbook(source);
    expect(runbook.steps[0]!.body).toBe('get pods\n  -o name | x');
    const messages = file.messages.map((m) => `${m.ruleId}@${m.line}:${m.column}`);
    expect(messages).toEqual(['kubectl-shell-syntax@7:13', 'kubectl-multiple-commands@7:5']);
  });

  it('NUL and lone CR in bodies: micromark (which reads these files) gives what the fast reader gives for the same bytes', () => {
    // The fast reader hands files with NUL or a lone CR to micromark, which replaces NUL in `code.value` by U+FFFD;
    // the body must still be the source bytes, so it must equal the fast reading of the same text with a
    // placeholder character, placeholder put back.
    const forms = [
      (body: string) => `# T\n\n\`\`\`sh {#a}\n${body}\n\`\`\`\n`,
      (body: string) => `# T\n\n:::sh{#a}\n${body}\n:::\n`,
      (body: string) => `# T\n\n:::mitigate{#m}\n\`\`\`kubectl\n${body}\n\`\`\`\n:::\n`,
    ];
    for (const form of forms) {
      for (const odd of ['\u0000', '\r']) {
        const body = `get pods ${odd}x\nmore${odd}end`;
        const fast = parseRunbook(form(body.replaceAll(odd, '@'))).runbook.steps[0]!;
        const source = form(body);
        const slow = parseRunbook(source).runbook.steps[0]!;
        const bodyOf = (step: typeof fast) => step.mitigation?.actions[0]?.body ?? step.body;
        expect(bodyOf(slow), JSON.stringify(source)).toBe(bodyOf(fast).replaceAll('@', odd));
        expect(slow.body).toBe(fast.body.replaceAll('@', odd));
        expect(source.slice(slow.bodyPosition.start.offset, slow.bodyPosition.end.offset)).toBe(slow.body);
        // A lone CR is a line break for positions too: what follows it starts a new line.
        expect(slow.bodyPosition.end.line).toBe(fast.bodyPosition.end.line + (odd === '\r' ? 2 : 0));
      }
    }
  });
});
