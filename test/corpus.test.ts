import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../src/parse/index.js';

/** Real runbooks written by others, shared by the team (read only). */
const corpus = path.resolve(import.meta.dirname, '../../shared/corpus');
const files = (readdirSync(corpus, { recursive: true }) as string[]).filter((name) => name.endsWith('.md') && path.basename(name) !== 'README.md').sort();

describe('public runbook corpus', () => {
  it('holds more than 60 runbooks', () => {
    expect(files.length).toBeGreaterThan(60);
  });

  it.each(files)('%s parses without throwing and yields a title', (name) => {
    const { runbook, file } = parseRunbook(readFileSync(path.join(corpus, name), 'utf8'), { path: name });
    expect(runbook.meta.title.trim()).not.toBe('');
    expect(file.messages.filter((m) => m.ruleId === 'internal-error')).toEqual([]);
  });
});
