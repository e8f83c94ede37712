import { describe, expect, it } from 'vitest';
import { formatValue, sampleValue } from '../../src/format/number.js';

describe('formatValue: one rule for every output', () => {
  it('keeps 4 significant digits, integers under a million whole, SI prefixes from a million, exponents for tiny values', () => {
    expect([0, 0.41234, 12.5, 1234, 12345, 999_999, 1.07e9, 2147483648, -3.5, 2.5e-5, NaN, Infinity, -Infinity].map((n) => formatValue(n))).toEqual([
      '0', '0.4123', '12.5', '1234', '12345', '999999', '1.07G', '2.147G', '-3.5', '2.5e-5', 'NaN', '+Inf', '-Inf',
    ]);
  });

  it('reads recorded sample strings, and returns non-numbers as they are', () => {
    expect(['0.043', '+Inf', '-Inf', 'NaN', '2147483648', '', 'pending'].map((s) => formatValue(s))).toEqual(['0.043', '+Inf', '-Inf', 'NaN', '2.147G', '', 'pending']);
    expect(sampleValue('+Inf')).toBe(Infinity);
  });
});
