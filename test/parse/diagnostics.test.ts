import { describe, expect, it, vi } from 'vitest';
import { PARSE_RULES, parseRunbook } from '../../src/parse/index.js';
import { processor } from '../../src/parse/processor.js';
import { diagnose, md } from './helpers.js';

const T = '# T';

/** Each case: a source, and the one diagnostic it must give (rule id, start, end, severity). */
const cases: { name: string; source: string; ruleId: string; at: string; end?: string; fatal?: boolean; message?: RegExp; count?: number }[] = [
  {
    name: 'containers nested past the limit',
    source: md(T, '', ...Array.from({ length: 40 }, () => ':::note'), 'x', ...Array.from({ length: 40 }, () => ':::')),
    ruleId: 'nesting-too-deep',
    at: '35:1',
    message: /33 `:::` containers open at once; at most 32/,
  },
  {
    name: 'unclosed container',
    source: md(T, '', ':::promql{#a}', 'up', '', 'more text'),
    ruleId: 'unclosed-container',
    at: '3:1',
    end: '3:14',
    message: /no closing `:::`/,
  },
  {
    name: 'unclosed container whose last line is a shorter fence',
    source: md(T, '', '::::mitigate{#m}', 'echo scaling', ':::'),
    ruleId: 'unclosed-container',
    at: '3:1',
  },
  {
    name: 'unclosed step fence',
    source: md(T, '', '```promql {#a}', 'up'),
    ruleId: 'unclosed-fence',
    at: '3:1',
    end: '3:15',
  },
  {
    name: 'unknown kind in an attributed fence, with did-you-mean',
    source: md(T, '', '```promq {#x}', 'up', '```'),
    ruleId: 'unknown-kind',
    at: '3:4',
    end: '3:9',
    message: /did you mean `promql`/,
  },
  {
    name: 'unknown container kind',
    source: md(T, '', ':::kubctl{#x}', 'get pods', ':::'),
    ruleId: 'unknown-kind',
    at: '3:4',
    end: '3:10',
    message: /Unknown step kind `kubctl`.*did you mean `kubectl`/,
  },
  {
    name: 'malformed attribute block on a fence',
    source: md(T, '', '```promql {#id title="unterminated}', 'up', '```'),
    ruleId: 'malformed-attributes',
    at: '3:11',
    end: '3:36',
    message: /quoted value is not closed/,
  },
  {
    name: 'malformed attribute block on a container',
    source: md(T, '', ':::promql{#id title="unterminated}', 'up', ':::'),
    ruleId: 'malformed-attributes',
    at: '3:10',
    end: '3:35',
    message: /read as text, not as a step/,
  },
  {
    name: 'text instead of an attribute block on a step fence',
    source: md(T, '', '```promql title=x', 'up', '```'),
    ruleId: 'malformed-attributes',
    at: '3:11',
  },
  {
    name: 'YAML syntax error, mapped into the file',
    source: md('---', 'title: T', 'params:', '  a: [', '---'),
    ruleId: 'frontmatter-yaml',
    at: '4:7',
  },
  {
    name: 'duplicate YAML key',
    source: md('---', 'title: T', 'title: U', '---'),
    ruleId: 'frontmatter-yaml',
    at: '3:1',
  },
  {
    name: 'kubectl body with a second command line after a lone CR',
    source: md(T, '', '```kubectl {#k}', 'get pods\rdelete pod x', '```'),
    ruleId: 'kubectl-multiple-commands',
    at: '5:1',
    end: '5:13',
  },
  {
    name: 'YAML alias with no anchor (toJS would throw), at the alias',
    source: md('---', 'title: T', 'owners: *ops', '---'),
    ruleId: 'frontmatter-yaml',
    at: '3:9',
    end: '3:13',
    message: /alias `\*ops` with no anchor `&ops`/,
  },
  {
    name: 'placeholder used as a YAML key is a flow map: a warning at the key',
    source: md('---', 'title: T', '{{ns}}: payments', '---'),
    ruleId: 'frontmatter-yaml',
    at: '3:1',
    end: '3:7',
    fatal: false,
    message: /found a map `\{\{ns\}\}` used as a key/,
  },
  {
    name: 'title not a string',
    source: md('---', 'title: [a, b]', '---', '', T),
    ruleId: 'frontmatter-schema',
    at: '2:8',
    end: '2:14',
    message: /`title` must be a string, found a list/,
  },
  {
    name: 'params not a map',
    source: md('---', 'title: T', 'params: nope', '---'),
    ruleId: 'frontmatter-schema',
    at: '3:9',
    message: /`params` must be a map/,
  },
  {
    name: 'param pattern not a regular expression',
    source: md('---', 'title: T', 'params:', '  ns:', '    pattern: "[a-z"', '---'),
    ruleId: 'frontmatter-schema',
    at: '5:14',
    end: '5:20',
    message: /valid regular expression/,
  },
  {
    name: 'unknown key in a param',
    source: md('---', 'title: T', 'params:', '  ns:', '    defualt: x', '---'),
    ruleId: 'frontmatter-schema',
    at: '5:5',
    message: /Unknown key `defualt`/,
  },
  {
    name: 'alerts neither a string nor a list',
    source: md('---', 'title: T', 'alerts:', '  a: 1', '---'),
    ruleId: 'frontmatter-schema',
    at: '4:3',
  },
  {
    name: 'prometheus not a URL',
    source: md('---', 'title: T', 'prometheus: localhost:9090', '---'),
    ruleId: 'frontmatter-schema',
    at: '3:13',
  },
  {
    name: 'missing title in a runbook with a step',
    source: md('Just prose.', '', '## Not an H1', '', '```promql {#q}', 'up', '```'),
    ruleId: 'missing-title',
    at: '1:1',
  },
  {
    name: 'missing title in prose with no step is only a warning',
    source: md('Just prose.', '', '## Not an H1'),
    ruleId: 'missing-title',
    at: '1:1',
    fatal: false,
  },
  {
    name: 'duplicate id points at the second and names the first line',
    source: md(T, '', '```promql {#a}', 'up', '```', '', ':::kubectl{#a}', 'get pods', ':::'),
    ruleId: 'duplicate-id',
    at: '7:12',
    end: '7:14',
    message: /already used by the `promql` step on line 3/,
  },
  {
    name: 'unknown attribute with suggestion',
    source: md(T, '', '```promql {#a titel="x"}', 'up', '```'),
    ruleId: 'unknown-attribute',
    at: '3:15',
    end: '3:24',
    message: /did you mean `title`/,
  },
  {
    name: 'bad attribute value',
    source: md(T, '', ':::promql{#a range=5min}', 'up', ':::'),
    ruleId: 'invalid-attribute',
    at: '3:14',
    end: '3:24',
    message: /expected a duration/,
  },
  {
    name: 'bad value on a check in a mitigation',
    source: md(T, '', ':::mitigate{#m}', '```kubectl', 'scale deploy/x --replicas=2', '```', '```check {on-fail=retry}', 'up', '```', ':::'),
    ruleId: 'invalid-attribute',
    at: '7:11',
  },
  {
    name: 'kubectl pipe, positioned in a fence',
    source: md(T, '', '```kubectl {#a}', 'kubectl get pods \\', '  -o name | wc -l', '```'),
    ruleId: 'kubectl-shell-syntax',
    at: '5:11',
    end: '5:12',
    message: /use an `sh` step/,
  },
  {
    name: 'kubectl command substitution, positioned in a container',
    source: md(T, '', ':::kubectl{#a}', 'logs $(get pods -o name)', ':::'),
    count: 2, // `$(` and its `)`
    ruleId: 'kubectl-shell-syntax',
    at: '4:6',
    end: '4:8',
    message: /command substitution/,
  },
  {
    name: 'kubectl redirection in a mitigation action',
    source: md(T, '', ':::mitigate{#m}', '```kubectl', 'get deploy/x -o yaml > x.yaml', '```', ':::'),
    ruleId: 'kubectl-shell-syntax',
    at: '5:22',
  },
  {
    name: 'kubectl with two command lines',
    source: md(T, '', '```kubectl', 'get pods', '# a comment', 'get deploy', '```'),
    ruleId: 'kubectl-multiple-commands',
    at: '6:1',
    end: '6:11',
  },
  {
    name: 'a second check in a mitigation',
    source: md(
      T,
      '',
      ':::mitigate{#m}',
      '```kubectl',
      'scale deploy/x --replicas=2',
      '```',
      '```check',
      'up == 0',
      '```',
      '```check',
      'up == 1',
      '```',
      ':::',
    ),
    ruleId: 'mitigate-extra-check',
    at: '10:1',
    message: /first is on line 7/,
  },
  {
    name: 'a mitigation with no action',
    source: md(T, '', ':::mitigate{#m}', 'Only prose here, and a check:', '', '```check', 'up == 1', '```', ':::'),
    ruleId: 'mitigate-no-action',
    at: '3:1',
    end: '3:16',
  },
  {
    name: 'an empty short mitigation',
    source: md(T, '', '```mitigate {#m}', '```'),
    ruleId: 'mitigate-no-action',
    at: '3:1',
  },
  {
    name: 'a promql fence inside a mitigation',
    source: md(T, '', ':::mitigate{#m}', '```kubectl', 'scale deploy/x --replicas=2', '```', '```promql', 'up', '```', ':::'),
    ruleId: 'mitigate-invalid-content',
    at: '7:4',
  },
  {
    name: 'an empty step body',
    source: md(T, '', '```promql {#a}', '```'),
    ruleId: 'empty-body',
    at: '3:1',
  },
  {
    name: 'an id that templates cannot reference (warning)',
    source: md(T, '', '```promql {#1st}', 'up', '```'),
    ruleId: 'invalid-id',
    at: '3:12',
    fatal: false,
  },
];

describe('parser diagnostics', () => {
  it.each(cases)('$name → $ruleId at $at', ({ source, ruleId, at, end, fatal = true, message, count = 1 }) => {
    const found = diagnose(source);
    expect(found.map((d) => d.ruleId)).toEqual(Array(count).fill(ruleId));
    const [d] = found;
    expect(d!.at).toBe(at);
    if (end) expect(d!.end).toBe(end);
    expect(d!.fatal).toBe(fatal);
    if (message) expect(d!.message).toMatch(message);
  });

  it('covers every rule id except internal-error', () => {
    const tested = new Set(cases.map((c) => c.ruleId));
    const untested = Object.keys(PARSE_RULES).filter((id) => !tested.has(id) && id !== 'internal-error');
    expect(untested).toEqual([]);
  });

  it('gives every message a start and end position and source `runbook`', () => {
    for (const { source } of cases) {
      for (const message of parseRunbook(source).file.messages) {
        expect(message.source).toBe('runbook');
        expect(message.place && 'start' in message.place && 'end' in message.place).toBe(true);
      }
    }
  });

  it('keeps sh/bash fences without attributes and unattributed unknown fences as prose, with no diagnostics', () => {
    const source = md(T, '', '```sh', 'echo hi | wc', '```', '', '```bash', 'ls', '```', '', '```js {1,3}', 'x', '```', '', ':x and job:rate5m in prose');
    expect(diagnose(source)).toEqual([]);
    expect(parseRunbook(source).runbook.steps).toEqual([]);
  });

  it('never throws: hostile inputs give a model and messages', () => {
    const inputs = ['', '---', '---\n---\n', ':::', ':::mitigate', '```', '```kubectl {', '\u0000\r\r\n:::promql{', '# \n\n```check {#}\n```'];
    for (const input of inputs) {
      const { runbook } = parseRunbook(input);
      expect(typeof runbook.meta.title).toBe('string');
    }
  });
});

describe('internal errors', () => {
  it('a failure inside the parser becomes one fatal positioned message, not an exception', () => {
    // Stand-in for a parser bug that some input triggers.
    const spy = vi.spyOn(processor, 'parse').mockImplementation(() => {
      throw new Error('boom');
    });
    try {
      const { runbook, file } = parseRunbook('# T\n', { path: 'x.md' });
      expect(runbook).toMatchObject({ path: 'x.md', steps: [] });
      expect(file.messages.map((m) => [m.ruleId, m.fatal, m.line, m.column, m.reason])).toEqual([
        ['internal-error', true, 1, 1, 'The parser failed on this file (boom); please report it with the file'],
      ]);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('the YAML library stays quiet', () => {
  it('writes nothing to the console or process warnings for front matter it warns about', () => {
    const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const { file } = parseRunbook(md('---', 'title: T', '{{ns}}: a', '[x, y]: b', '---'));
      expect(file.messages.map((m) => `${m.ruleId} ${m.line}:${m.column}`)).toEqual(['frontmatter-yaml 3:1', 'frontmatter-yaml 4:1']);
      expect(emitWarning).not.toHaveBeenCalled();
      expect(warn).not.toHaveBeenCalled();
    } finally {
      emitWarning.mockRestore();
      warn.mockRestore();
    }
  });
});
