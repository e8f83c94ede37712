import { describe, expect, it } from 'vitest';
import { isPostmortem, lintPostmortem, type PostmortemDiagnostic } from '../../src/export/postmortem-lint.js';

const valid = `---
type: postmortem
title: "Postmortem: Payment gateway timeout"
---

# Postmortem: Payment gateway timeout (2025-10-26)

## Incident summary

Checkout failed for 14 minutes.

### Impact

About 35% of payments failed between 10:14 and 10:28 UTC.

## Timeline

| Time (UTC) | # | Event |
| --- | --- | --- |
| 10:20:00 | 8 | check failed |

## Key figures

Detected after 4 minutes.

## Evidence

See the charts.

## Root cause

The gateway leaked provider connections; with no memory alert below the limit, the leak ran until
the container was OOM-killed. Email ops@example.com for the heap dump.

## What went well

The runbook found the OOM kill in two steps.

## What went wrong

No alert fired on the memory climb.

## Lessons learned

Alert on saturation, not only on errors.

## Action items

| Action item | Priority | Owner | Due date |
| --- | --- | --- | --- |
| Alert on gateway memory above 80% of its limit | P1 | payments-oncall | 2025-11-15 |
| Find the connection leak | P0 | payments-team | 2025-11-01 |
`;

type Case = [name: string, source: string, expected: Array<Pick<PostmortemDiagnostic, 'ruleId' | 'line' | 'column'> & { message?: string }>];

const replace = (from: string, to: string): string => {
  if (!valid.includes(from)) throw new Error(`fixture has no ${from}`);
  return valid.replace(from, to);
};

const invalid: Case[] = [
  [
    'a missing section',
    replace('## Lessons learned\n\nAlert on saturation, not only on errors.\n\n', ''),
    [{ ruleId: 'postmortem-section-missing', line: 43, column: 1, message: 'Missing section `Lessons learned`; add a `## Lessons learned` heading before `Action items`, as in the template' }],
  ],
  [
    'a missing last section',
    valid.slice(0, valid.indexOf('## Action items')),
    [{ ruleId: 'postmortem-section-missing', line: 47, column: 1 }],
  ],
  [
    'an action item without a priority',
    replace('| P1 |', '| |'),
    [{ ruleId: 'postmortem-action-item-incomplete', line: 51, column: 1, message: 'Action item priority is nothing; expected `P0`, `P1` or `P2`' }],
  ],
  [
    'a priority out of range',
    replace('| P1 |', '| P3 |'),
    [{ ruleId: 'postmortem-action-item-incomplete', line: 51, column: 52, message: 'Action item priority is `P3`; expected `P0`, `P1` or `P2`' }],
  ],
  [
    'an owner left as TODO',
    replace('| payments-team |', '| TODO |'),
    [{ ruleId: 'postmortem-action-item-incomplete', line: 52, column: 35, message: 'Action item owner is `TODO`; expected a team or person who owns the item' }],
  ],
  [
    'a due date that is not a date',
    replace('2025-11-15', 'next week'),
    [{ ruleId: 'postmortem-action-item-incomplete', line: 51, column: 75 }],
  ],
  ['an impossible date', replace('2025-11-15', '2025-02-30'), [{ ruleId: 'postmortem-action-item-incomplete', line: 51, column: 75 }]],
  [
    'a table without the Owner column',
    replace('| Action item | Priority | Owner | Due date |\n| --- | --- | --- | --- |', '| Action item | Priority | Who | Due date |\n| --- | --- | --- | --- |'),
    [{ ruleId: 'postmortem-action-item-incomplete', line: 49, column: 1, message: 'The action items table has no `Owner` column; expected `Action item | Priority | Owner | Due date`' }],
  ],
  [
    'a root cause with an @handle',
    replace('the container was OOM-killed.', 'the container was OOM-killed (see @jdoe).'),
    [{ ruleId: 'postmortem-blame', line: 33, column: 35, message: 'The root cause names a person (`@jdoe`); root causes are about the system, so leave names out' }],
  ],
  [
    'a root cause saying who forgot',
    replace('The gateway leaked', 'Bob forgot to set a limit, so the gateway leaked'),
    [{ ruleId: 'postmortem-blame', line: 32, column: 1, message: 'The root cause blames a person (`Bob forgot`); describe the condition that made the mistake possible (a missing check, an unsafe default) instead' }],
  ],
  [
    'a root cause saying who deployed without a review',
    replace('The gateway leaked', 'Jane Smith deployed without review and the gateway leaked'),
    [{ ruleId: 'postmortem-blame', line: 32, column: 1, message: 'The root cause blames a person (`Jane Smith deployed without`); describe the condition that made the mistake possible (a missing check, an unsafe default) instead' }],
  ],
  ['a prompt left', replace('No alert fired on the memory climb.', '_To fill in: what slowed detection._'), [{ ruleId: 'postmortem-prompt-left', line: 41, column: 2 }]],
];

describe('lintPostmortem', () => {
  it('accepts a filled postmortem (an e-mail address is not a handle; "the gateway" is not a person)', () => {
    expect(lintPostmortem(valid)).toEqual([]);
    expect(isPostmortem(valid)).toBe(true);
  });

  it.each(invalid)('reports %s', (_name, source, expected) => {
    const diagnostics = lintPostmortem(source);
    expect(diagnostics.map(({ ruleId, line, column }) => ({ ruleId, line, column }))).toEqual(expected.map(({ ruleId, line, column }) => ({ ruleId, line, column })));
    expected.forEach((e, i) => {
      if (e.message) expect(diagnostics[i]?.message).toBe(e.message);
      expect(diagnostics[i]?.endLine).toBeGreaterThanOrEqual(diagnostics[i]!.line);
    });
  });

  it('positions diagnostics by CommonMark line endings: CR-only and CRLF files report the same line:column as LF', () => {
    for (const source of [invalid[0]![1], invalid[2]![1], invalid[4]![1]]) {
      const lf = lintPostmortem(source).map(({ ruleId, line, column, endLine, endColumn }) => ({ ruleId, line, column, endLine, endColumn }));
      expect(lf.length).toBeGreaterThan(0);
      for (const eol of ['\r', '\r\n']) {
        const other = lintPostmortem(source.replaceAll('\n', eol)).map(({ ruleId, line, column, endLine, endColumn }) => ({ ruleId, line, column, endLine, endColumn }));
        expect(other).toEqual(lf);
      }
    }
  });

  it('"The deployment forgot" and blame words inside code are not about people', () => {
    const source = replace('The gateway leaked', 'The deployment forgot nothing; `alice forgot` is a log line. The gateway leaked');
    expect(lintPostmortem(source).filter((d) => d.ruleId === 'postmortem-blame')).toEqual([]);
  });

  it('tells postmortems from other Markdown', () => {
    expect(isPostmortem('---\ntitle: Payment gateway timeout\n---\n# x\n')).toBe(false);
    expect(isPostmortem('# no front matter\n')).toBe(false);
  });
});
