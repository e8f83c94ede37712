/**
 * Minimum, maximum and append over arrays of any length. `Math.max(...xs)` and `push(...xs)` pass every
 * element as an argument and throw `Maximum call stack size exceeded` past ~120k elements, so code that
 * handles answers from outside (series, samples, lines) uses these loops instead.
 */

/** Largest value, or undefined for an empty list (NaN is kept, as Math.max would). */
export function maxOf(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  let max = -Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) return NaN;
    if (v > max) max = v;
  }
  return max;
}

/** Smallest value, or undefined for an empty list (NaN is kept, as Math.min would). */
export function minOf(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  let min = Infinity;
  for (const v of values) {
    if (Number.isNaN(v)) return NaN;
    if (v < min) min = v;
  }
  return min;
}

/** Appends every item of `items` to `target`, one at a time; returns `target`. */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
