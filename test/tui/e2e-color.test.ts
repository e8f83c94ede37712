/**
 * Colour in a real terminal: the interactive run is coloured by default, and `NO_COLOR` or `--no-color`
 * leave no text attribute at all on the screen (read back with `capture-pane -e`, which prints them as SGR).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_SOURCE, ROOT, TSX_LOADER } from './e2e-helpers.js';
import { startTmux } from './tmux.js';

const SGR = /\u001B\[[0-9;]*m/;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-color-'));
  // One query to a closed loopback port: it errors at once, and an error is drawn in red.
  writeFileSync(join(dir, 'one-query.md'), '---\ntitle: One query\n---\n\n# One query\n\n```promql {#up title="Targets up"}\nup\n```\n');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function styledScreen(name: string, flags: string[], extraEnv: Record<string, string>): Promise<string> {
  const timeline = join(dir, `${name}.jsonl`);
  const pane = await startTmux({
    argv: [process.execPath, '--import', TSX_LOADER, CLI_SOURCE, 'run', join(dir, 'one-query.md'), '--prometheus', 'http://127.0.0.1:1', '--timeline', timeline, ...flags],
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, TERM: 'xterm-256color', LANG: 'C.UTF-8', TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'), ...extraEnv },
  });
  try {
    expect(await pane.waitForExit(30_000)).toBe(1);
    const styled = await pane.captureStyled();
    expect(styled).toContain('Run finished: failed');
    return styled;
  } finally {
    await pane.kill();
  }
}

describe('colour of the interactive run', () => {
  it('is on by default: the failed step is red', async () => {
    const styled = await styledScreen('colour', [], {});
    expect(styled).toMatch(/\u001B\[31m✗ up/);
  }, 30_000);

  it.each([
    ['NO_COLOR=1', [], { NO_COLOR: '1' }],
    ['--no-color', ['--no-color'], {}],
  ])('is off with %s: no attribute reaches the terminal', async (name, flags, env) => {
    const styled = await styledScreen(name.replace(/\W/g, ''), flags, env);
    expect(styled).toContain('✗ up');
    expect(styled).not.toMatch(SGR);
  }, 30_000);
});
