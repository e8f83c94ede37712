import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SHAPE, ensureCorpus, generateLargeRunbook, generateRunbook } from '../../bench/generate.js';
import { createRng, hashSeed } from '../../bench/prng.js';
import { parseRunbook } from '../../src/parse/index.js';

const SEED = 20251026;
const SAMPLE = Array.from({ length: 60 }, (_, i) => generateRunbook(SEED, i + 1));

describe('prng', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const seqA = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 50 }, () => c.next())).not.toEqual(seqA);
    expect(seqA.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('int() stays within its inclusive bounds and reaches both ends', () => {
    const rng = createRng(hashSeed('bounds'));
    const seen = new Set(Array.from({ length: 2000 }, () => rng.int(3, 6)));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });
});

describe('generateRunbook', () => {
  it('is byte-identical for the same seed and index, different for another seed', () => {
    expect(generateRunbook(SEED, 17)).toEqual(generateRunbook(SEED, 17));
    expect(generateRunbook(SEED + 1, 17).text).not.toBe(generateRunbook(SEED, 17).text);
    expect(generateRunbook(SEED, 18).text).not.toBe(generateRunbook(SEED, 17).text);
  });

  it('writes 150–300 lines, as counted, and ends with a newline', () => {
    for (const runbook of SAMPLE) {
      const lines = runbook.text.split('\n').length - 1;
      expect(runbook.text.endsWith('\n')).toBe(true);
      expect(lines).toBe(runbook.lines);
      expect(lines).toBeGreaterThanOrEqual(DEFAULT_SHAPE.minLines);
      expect(lines).toBeLessThanOrEqual(DEFAULT_SHAPE.maxLines);
    }
  });

  it('averages about 10 KB per file (so 2,000 files make about 20 MB)', () => {
    const average = SAMPLE.reduce((sum, r) => sum + Buffer.byteLength(r.text), 0) / SAMPLE.length;
    expect(average).toBeGreaterThan(8_000);
    expect(average).toBeLessThan(12_000);
  });

  it('parses with no diagnostics, with 8–15 steps, ids explicit and unique', () => {
    for (const generated of SAMPLE) {
      const { runbook, file } = parseRunbook(generated.text, { path: generated.name });
      expect(file.messages.map(String), generated.name).toEqual([]);
      expect(runbook.steps.length).toBe(generated.steps);
      expect(runbook.steps.length).toBeGreaterThanOrEqual(DEFAULT_SHAPE.minSteps);
      expect(runbook.steps.length).toBeLessThanOrEqual(DEFAULT_SHAPE.maxSteps);
      expect(runbook.steps.every((s) => s.idExplicit)).toBe(true);
      expect(new Set(runbook.steps.map((s) => s.id)).size).toBe(runbook.steps.length);
      expect(Object.keys(runbook.meta.params).sort()).toEqual(['deployment', 'namespace']);
    }
  });

  it('uses every step kind of the format, with mitigations that carry an action and a verifying check', () => {
    const kinds = new Set<string>();
    for (const generated of SAMPLE) {
      const { runbook } = parseRunbook(generated.text);
      for (const step of runbook.steps) {
        kinds.add(step.kind);
        if (step.kind === 'mitigate') {
          expect(step.mitigation?.actions.length).toBeGreaterThan(0);
          expect(step.mitigation?.check?.attributes.expect).toBe('< 0.01');
        }
      }
    }
    expect([...kinds].sort()).toEqual(['check', 'kubectl', 'mitigate', 'promql']);
  });

  it('has the sections, prose, lists and links of a real runbook', () => {
    const { text } = SAMPLE[0]!;
    for (const heading of ['## Symptoms', '## Investigation', '## Diagnosis', '## Mitigation']) expect(text).toContain(`\n${heading}\n`);
    expect(text).toMatch(/\n- \S/);
    expect(text).toMatch(/\]\(https:\/\/[a-z.]+example\.com\//);
  });
});

describe('generateLargeRunbook', () => {
  // 10,000 lines keep the parse in this test short; the generator is the same at 50,000.
  const large = generateLargeRunbook(SEED, 10_000);

  it('has exactly the requested lines, deterministically', () => {
    expect(large.text.split('\n').length - 1).toBe(10_000);
    expect(generateLargeRunbook(SEED, 10_000).text).toBe(large.text);
    expect(generateLargeRunbook(SEED, 50_000).text.split('\n').length - 1).toBe(50_000);
  });

  it('parses with no diagnostics and unique step ids across the file', () => {
    const { runbook, file } = parseRunbook(large.text);
    expect(file.messages.map(String)).toEqual([]);
    expect(runbook.steps.length).toBe(large.steps);
    expect(runbook.steps.length).toBeGreaterThan(300);
    expect(new Set(runbook.steps.map((s) => s.id)).size).toBe(runbook.steps.length);
  });
});

describe('ensureCorpus', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('writes the files and a manifest whose totals match them, and reuses an up-to-date corpus', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-corpus-'));
    dirs.push(dir);
    const manifest = await ensureCorpus(dir, { files: 12, seed: SEED });
    const names = (await readdir(dir)).filter((n) => n.endsWith('.md')).sort();
    expect(names).toHaveLength(12);
    const texts = await Promise.all(names.map((n) => readFile(join(dir, n), 'utf8')));
    expect(manifest.files).toBe(12);
    expect(manifest.bytes).toBe(texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0));
    expect(manifest.lines).toBe(texts.reduce((sum, t) => sum + t.split('\n').length - 1, 0));
    expect(texts[0]).toBe(generateRunbook(SEED, 1).text);

    // A second call with the same request must not rewrite (same manifest object contents, same files).
    const again = await ensureCorpus(dir, { files: 12, seed: SEED });
    expect(again).toEqual(manifest);
    // A different size regenerates.
    const smaller = await ensureCorpus(dir, { files: 3, seed: SEED });
    expect(smaller.files).toBe(3);
    expect((await readdir(dir)).filter((n) => n.endsWith('.md'))).toHaveLength(3);
  });
});
