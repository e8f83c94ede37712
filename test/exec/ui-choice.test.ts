import { describe, expect, it } from 'vitest';
import { wantsInteractiveUi } from '../../src/cli/commands/run.js';

const io = (env: NodeJS.ProcessEnv, tty = true) => ({
  stdin: { isTTY: tty } as NodeJS.ReadableStream & { isTTY?: boolean },
  stdout: { isTTY: tty } as NodeJS.WritableStream & { isTTY?: boolean },
  env,
});

describe('when runbook run draws the interactive UI', () => {
  it('only for a person at a terminal', () => {
    expect(wantsInteractiveUi({}, 'live', io({ TERM: 'xterm' }))).toBe(true);
    expect(wantsInteractiveUi({}, 'read-only', io({ TERM: 'xterm' }))).toBe(true);
    expect(wantsInteractiveUi({}, 'live', io({ TERM: 'xterm' }, false))).toBe(false);
    expect(wantsInteractiveUi({ json: true }, 'live', io({ TERM: 'xterm' }))).toBe(false);
    expect(wantsInteractiveUi({ dryRun: true }, 'dry-run', io({ TERM: 'xterm' }))).toBe(false);
    expect(wantsInteractiveUi({}, 'live', io({ TERM: 'dumb' }))).toBe(false);
  });

  it('never in CI, even with a pseudo-terminal: nobody would answer a gate', () => {
    expect(wantsInteractiveUi({}, 'live', io({ TERM: 'xterm', CI: 'true' }))).toBe(false);
    expect(wantsInteractiveUi({}, 'live', io({ TERM: 'xterm', CI: '1' }))).toBe(false);
    expect(wantsInteractiveUi({}, 'live', io({ TERM: 'xterm', CONTINUOUS_INTEGRATION: 'yes' }))).toBe(false);
    expect(wantsInteractiveUi({}, 'live', io({ TERM: 'xterm', CI: 'false' }))).toBe(true);
    expect(wantsInteractiveUi({}, 'live', io({ TERM: 'xterm', CI: '0' }))).toBe(true);
  });
});
