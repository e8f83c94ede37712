/**
 * Sample values for people, one rule everywhere (terminal log, UI, timeline summaries, postmortems) so the
 * same value reads the same in each: at most 4 significant digits, SI prefixes from a million up (byte
 * counts and request totals are unreadable in full), exponents for tiny ratios, NaN and infinities as
 * Prometheus spells them.
 */

const SI: ReadonlyArray<[number, string]> = [
  [1e18, 'E'],
  [1e15, 'P'],
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
];

/** Numeric value of a recorded sample string (`"+Inf"`, `"NaN"`, `"0.41"`). */
export function sampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** `0.4304`, `19.57`, `12345`, `2.147G`, `2.5e-5`, `NaN`, `+Inf`; a string that is no number is returned as is. */
export function formatValue(value: number | string): string {
  const n = typeof value === 'number' ? value : sampleValue(value.trim());
  if (typeof value === 'string' && (value.trim() === '' || (Number.isNaN(n) && value.trim() !== 'NaN'))) return value;
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  if (n === 0) return '0';
  const abs = Math.abs(n);
  if (abs >= 1e6) {
    for (const [scale, suffix] of SI) {
      if (abs >= scale) return `${Number((n / scale).toPrecision(4))}${suffix}`;
    }
  }
  if (Number.isInteger(n)) return String(n);
  if (abs < 1e-3) {
    const [mantissa, exponent] = n.toExponential(1).split('e');
    return `${Number(mantissa)}e${exponent}`;
  }
  return String(Number(n.toPrecision(4)));
}
