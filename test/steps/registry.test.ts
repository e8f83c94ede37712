/**
 * Adding a step kind is one file plus one registry line: a throwaway kind (test/steps/kinds/count.ts),
 * registered with `registerStepKind` and nothing else, is parsed (directive and fence), planned, dry-run,
 * executed through the process runner, linted, imported, and gets its JSON Schema and attribute table.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRunbook, type RunOptions } from '../../src/exec/index.js';
import { planStep } from '../../src/exec/plan.js';
import { spawnProcess, type SpawnFn } from '../../src/exec/process.js';
import { importRunbook } from '../../src/import/index.js';
import { lintRunbook } from '../../src/lint/index.js';
import { parseRunbook } from '../../src/parse/index.js';
import { SCHEMAS, buildSchemas } from '../../src/schemas.js';
import { registerStepKind, stepKinds } from '../../src/steps/index.js';
import { memorySink, ofType } from '../exec/helpers.js';
import { attributeTable } from '../parse/attribute-table.js';
import { count } from './kinds/count.js';

let unregister: () => void;
let dir: string;
let file: string;
beforeAll(() => {
  unregister = registerStepKind(count);
  dir = mkdtempSync(join(tmpdir(), 'runbook-count-kind-'));
  file = join(dir, 'access.log');
  writeFileSync(file, 'GET /a\nGET /b\nPOST /c\n');
});
afterAll(() => {
  unregister();
  rmSync(dir, { recursive: true, force: true });
});

const source = () => `---
title: Count
params:
  log:
    description: The log file
---

# Count

\`\`\`count {#lines capture="n=/^\\s*(\\d+)/"}
{{log}}
\`\`\`

:::count{#words what="words"}
${file}
:::
`;

const parsed = () => {
  const result = parseRunbook(source(), { path: 'count.md' });
  expect(result.file.messages.map((m) => `${m.ruleId} ${m.line}:${m.column} ${m.reason}`)).toEqual([]);
  return result.runbook;
};

function runOptions(mode: RunOptions['mode']) {
  const sink = memorySink();
  const spawned: string[][] = [];
  const spawn: SpawnFn = (request) => {
    spawned.push([...request.argv]);
    return spawnProcess(request);
  };
  const options: RunOptions = {
    runbookPath: 'count.md',
    sha256: 'abc',
    params: { log: file },
    mode,
    at: null,
    targets: {},
    sink,
    deps: { spawn, env: { PATH: process.env.PATH ?? '' }, user: 'alice', host: 'box', sleep: async () => undefined },
  };
  return { options, sink, spawned };
}

describe('a step kind registered from one file', () => {
  it('is a kind of the registry while registered, after the built-ins', () => {
    expect(stepKinds().at(-1)).toBe('count');
    expect(() => registerStepKind(count)).toThrow(/already registered/);
  });

  it('parses as a fence and as a directive, with its attributes', () => {
    const runbook = parsed();
    expect(runbook.steps.map((s) => [s.id, s.kind, s.form, s.body.trim(), s.attributes.what ?? null])).toEqual([
      ['lines', 'count', 'fence', '{{log}}', null],
      ['words', 'count', 'directive', file, 'words'],
    ]);
  });

  it('its attribute specs and body validation are the parser\'s, with positions', () => {
    const { file: vfile } = parseRunbook('# T\n\n```count {#c what="bytes"}\n/a\n/b\n```\n\n:::cuont{#d}\n/a\n:::\n');
    expect(vfile.messages.map((m) => `${m.ruleId} ${m.line}:${m.column}`)).toEqual([
      'invalid-attribute 3:14',
      'count-one-file 5:1',
      'unknown-kind 8:4',
    ]);
    expect(vfile.messages.find((m) => m.ruleId === 'unknown-kind')!.reason).toContain('(did you mean `count`?)');
  });

  it('plans through its own plan(): the argv it will run, templates rendered, no gate', () => {
    const [lines, words] = parsed().steps;
    const context = { params: { log: file }, capture: () => undefined, targets: {}, at: null };
    const planned = planStep(lines!, context);
    expect(planned).toMatchObject({ kind: 'count', gated: false, command: { argv: ['wc', '-l', file], readOnly: true, timeoutMs: 60_000 } });
    expect(planned.captures).toEqual([expect.objectContaining({ name: 'n', type: 'regex' })]);
    expect(planStep(words!, context).command).toMatchObject({ argv: ['wc', '-w', file] });
  });

  it('a dry run plans it and runs nothing', async () => {
    const { options, sink, spawned } = runOptions('dry-run');
    await runRunbook(parsed(), options);
    expect(spawned).toEqual([]);
    expect(ofType(sink.events, 'step.started').map((e) => [e.step, e.kind, e.command?.argv])).toEqual([
      ['lines', 'count', ['wc', '-l', file]],
      ['words', 'count', ['wc', '-w', file]],
    ]);
    expect(ofType(sink.events, 'step.finished').map((e) => e.status)).toEqual(['skipped', 'skipped']);
  });

  it('a live run executes it through the process runner and captures from its output', async () => {
    const { options, sink, spawned } = runOptions('live');
    const result = await runRunbook(parsed(), options);
    expect(spawned).toEqual([
      ['wc', '-l', file],
      ['wc', '-w', file],
    ]);
    const finished = ofType(sink.events, 'step.finished');
    expect(finished.map((e) => [e.step, e.status])).toEqual([
      ['lines', 'ok'],
      ['words', 'ok'],
    ]);
    expect(finished[0]!.captures).toEqual({ n: '3' });
    expect(finished[1]!.output?.excerpt).toMatch(/^\s*6 /);
    expect(result.steps.get('lines')?.captures).toEqual({ n: '3' });
  });

  it('lint checks its attributes against its specs and its body for templates', () => {
    const result = lintRunbook('---\ntitle: T\n---\n\n# T\n\n```count {#c wat="lines"}\n{{nope}}\n```\n', { path: 'c.md' });
    const found = result.messages.map((m) => `${m.ruleId} ${m.line}:${m.column}`);
    expect(found).toContain('step-attributes 7:14');
    expect(found).toContain('template-undefined 8:1');
    expect(result.messages.find((m) => m.ruleId === 'step-attributes')!.message).toContain('(did you mean `what`?)');
  });

  it('import turns a fence of a language in its importFrom into a step, and leaves its own fences alone', () => {
    const { output, report } = importRunbook('# Logs\n\nCount the requests:\n\n```linecount\n/var/log/access.log\n```\n\n```count\n/var/log/error.log\n```\n', { path: 'logs.md' });
    expect(output).toContain('```count {#count}\n/var/log/access.log\n```');
    expect(report.steps.map((s) => [s.id, s.kind])).toEqual([['count', 'count']]);
    expect(report.alreadyTyped).toBe(1);
    expect(parseRunbook(output).runbook.steps.map((s) => [s.id, s.kind])).toEqual([
      ['count', 'count'],
      ['count-1', 'count'],
    ]);
  });

  it('gets a JSON Schema of its attributes and an attribute table, as the built-in kinds do', () => {
    const schema = buildSchemas().find((s) => s.file === 'step-count.schema.json')?.schema as { properties: Record<string, { enum?: string[] }> };
    expect(Object.keys(schema.properties)).toEqual(['title', 'timeout', 'capture', 'what']);
    expect(schema.properties.what!.enum).toEqual(['lines', 'words']);
    // The published files are the built-in kinds' only.
    expect(SCHEMAS.some((s) => s.file === 'step-count.schema.json')).toBe(false);
    expect(attributeTable(count.attributes)).toContain('| `what` | `lines` or `words` | What to count (default `lines`). |');
  });
});
