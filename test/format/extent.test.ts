import { describe, expect, it } from 'vitest';
import { appendAll, maxOf, minOf } from '../../src/format/extent.js';

describe('extent helpers take arrays of any length', () => {
  const big = Array.from({ length: 300_000 }, (_, i) => i - 1000);
  it('max/min of 300k values (Math.max(...x) throws a RangeError here)', () => {
    expect(() => Math.max(...big)).toThrow(RangeError);
    expect(maxOf(big)).toBe(298_999);
    expect(minOf(big)).toBe(-1000);
  });
  it('empty and NaN behave like Math.max/min', () => {
    expect(maxOf([])).toBeUndefined();
    expect(minOf([])).toBeUndefined();
    expect(maxOf([1, NaN, 2])).toBeNaN();
    expect(minOf([1, NaN])).toBeNaN();
  });
  it('appendAll appends 300k items', () => {
    const target = [1];
    appendAll(target, big);
    expect(target.length).toBe(300_001);
    expect(target[300_000]).toBe(298_999);
  });
});
