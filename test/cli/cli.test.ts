import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const runbook = (...args: string[]) => execa('node', [bin, ...args], { cwd: root, reject: false });

describe('the runbook binary', () => {
  it('is declared in package.json bin and built to dist/cli.js', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { bin: Record<string, string>; version: string };
    expect(pkg.bin.runbook).toBe('dist/cli.js');
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
  });

  it('is what `npx runbook` runs in a clone after npm ci (the package links itself as a devDependency)', async () => {
    expect(realpathSync(fileURLToPath(new URL('../../node_modules/.bin/runbook', import.meta.url)))).toBe(realpathSync(bin));
    const result = await execa('npx', ['--no-install', 'runbook', '--version'], { cwd: root, reject: false });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe(VERSION);
  });

  it('prints help listing every command, exit 0', async () => {
    const result = await runbook('--help');
    expect(result.exitCode).toBe(0);
    for (const command of ['parse', 'run', 'resume', 'note', 'lint', 'export', 'import']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
  });

  it('prints the version from package.json', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect((await runbook('--version')).stdout.trim()).toBe(pkg.version);
  });

  it('exits 2 with a plain message on an unknown command or option', async () => {
    const unknown = await runbook('frobnicate');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'frobnicate'/);
    const badOption = await runbook('run', 'x.md', '--frobnicate');
    expect(badOption.exitCode).toBe(2);
    expect(badOption.stderr).toMatch(/unknown option '--frobnicate'/);
  });
});
