import { every, range, run, step, timeout, title, within } from './common.js';
import { defineStepKind, type AttributeSpec } from './definition.js';
import { checkCommandSite, checkPromqlSite } from './sites.js';

/** Attributes of a check, shared by the `check` step and the verifying fence inside a `mitigate`. */
export const checkAttributes: Readonly<Record<string, AttributeSpec>> = {
  title,
  expect: {
    type: 'string',
    description:
      'What every returned series must satisfy: a comparison (`< 0.05`, `<= 1`, `== 0`, `!= 0`, `>= 3`, `> 3`), `empty` or `not-empty`. ' +
      'Without it the check is alert-style: it passes when the query returns no series.',
    examples: ['< 0.05', 'empty'],
  },
  of: { type: 'string', description: 'Assert on the result of an earlier step (its id) instead of running a query.' },
  run,
  'expect-exit': { type: 'integer', description: 'With `run=`: the exit code that passes (default 0).', examples: ['0'] },
  match: { type: 'string', description: 'With `run=`: a regular expression the command output must match.' },
  'on-fail': {
    type: 'string',
    enum: ['continue', 'stop'],
    description: 'What a failed check does to the run: `continue` (default) or `stop`.',
  },
  range,
  step,
  timeout,
  within,
  every,
};

/** `check`: an assertion; PromQL by default, a read-only command with `run=`. */
export const check = defineStepKind({
  kind: 'check',
  summary: 'An assertion on a PromQL result (or, with `run=`, on a command): passes or fails, recorded with the values.',
  readOnly: true,
  role: 'check',
  attributes: {
    ...checkAttributes,
    role: {
      type: 'string',
      enum: ['symptom', 'recovery'],
      description:
        'What the check tells: `symptom` (failing = the symptom is confirmed) or `recovery` (failing = not recovered). ' +
        'Default by place: checks before the first mitigation, or under Symptoms / Detection / Investigation / Diagnosis, are symptom checks; ' +
        'checks after a mitigation, or under Resolution / Verification / Recovery, are recovery checks.',
    },
  },
  body: { expects: 'a PromQL query', mayBeEmpty: (attributes) => attributes.of !== undefined },
  plan: (s, t) => {
    const check = t.check(s.body, s.attributes, s.bodyPosition);
    const gate = check.command && check.command.runner !== 'promql' ? t.gate(check.command) : { gated: false };
    const withinMs = t.duration(s.attributes, 'within');
    // At a fixed `--at` instant a PromQL check gives the same answer every time: polling could only wait.
    const frozen = t.context.at !== null && check.command?.runner === 'promql';
    const poll = withinMs !== undefined && !frozen ? { withinMs, everyMs: t.duration(s.attributes, 'every') ?? t.defaults.verify.everyMs } : undefined;
    return { ...gate, check, ...(poll ? { poll } : {}) };
  },
  lint: {
    commands: (s) => [checkCommandSite(s)].filter((site) => site !== undefined),
    promql: (s) => [checkPromqlSite(s, 'check')].filter((site) => site !== undefined),
  },
});
