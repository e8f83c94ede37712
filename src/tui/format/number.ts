/** Sample values for people: short, aligned-friendly, never hiding NaN or infinities. */

const SI: ReadonlyArray<[number, string]> = [
  [1e15, 'P'],
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** Numeric value of a recorded sample string (`"+Inf"`, `"NaN"`, `"0.41"`). */
export function sampleValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/**
 * A value in at most 4 significant digits: `0.4123`, `12.5`, `1.07G` (SI suffix from 10 000 up, because
 * byte counts and request totals are unreadable in full), `2.5e-5` for tiny ratios, `NaN`, `+Inf`.
 */
export function formatValue(value: number | string): string {
  const n = typeof value === 'number' ? value : sampleValue(value);
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  if (n === 0) return '0';
  const abs = Math.abs(n);
  if (abs >= 1e4) {
    for (const [scale, suffix] of SI) {
      if (abs >= scale) return `${trim((n / scale).toPrecision(3))}${suffix}`;
    }
  }
  if (abs < 1e-3) {
    const [mantissa, exponent] = n.toExponential(1).split('e');
    return `${trim(mantissa!)}e${exponent}`;
  }
  return String(Number(n.toPrecision(4)));
}

function trim(digits: string): string {
  return digits.includes('.') ? digits.replace(/\.?0+$/, '') : digits;
}
