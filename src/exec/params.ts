/**
 * Runbook parameters: the values given with `--param name=value`, checked against the front matter's
 * `params` before anything runs. A bad value is a usage error naming the parameter and its description.
 */
import type { ParamSpec } from '../model/index.js';
import { UsageError } from '../errors.js';

/** Splits `--param` arguments (`name=value`, the value may itself contain `=`) into a record. */
export function parseParamArguments(args: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new UsageError(`\`--param ${arg}\` is not of the form \`name=value\``);
    const name = arg.slice(0, eq);
    if (Object.hasOwn(values, name)) throw new UsageError(`\`--param ${name}\` is given twice`);
    values[name] = arg.slice(eq + 1);
  }
  return values;
}

/**
 * The parameter values a run uses: given values and defaults, every one checked. The `pattern` is anchored
 * (the whole value must match it). Throws UsageError for an unknown name, a missing required value, or a
 * value that does not match.
 */
export function resolveParams(specs: Readonly<Record<string, ParamSpec>>, given: Readonly<Record<string, string>>): Record<string, string> {
  const known = Object.keys(specs);
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(specs, name)) {
      throw new UsageError(
        `Unknown parameter \`${name}\`; this runbook takes ${known.length ? known.map((k) => `\`${k}\``).join(', ') : 'no parameters'}`,
      );
    }
  }
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = Object.hasOwn(given, name) ? given[name]! : spec.default;
    if (value === undefined) {
      if (spec.required) throw new UsageError(`Missing required parameter \`${name}\`${describe(spec)}; pass \`--param ${name}=<value>\``);
      continue;
    }
    if (spec.pattern !== undefined && !matchesWhole(spec.pattern, value)) {
      throw new UsageError(`Parameter \`${name}\`${describe(spec)}: value \`${value}\` does not match the pattern \`${spec.pattern}\``);
    }
    values[name] = value;
  }
  return values;
}

/** True when the whole of `value` matches `pattern` (a pattern `a|b` means `^(?:a|b)$`, not `^a|b$`). */
export function matchesWhole(pattern: string, value: string): boolean {
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    regex = new RegExp(`^(?:${pattern})$`);
  }
  return regex.test(value);
}

function describe(spec: ParamSpec): string {
  return spec.description ? ` (${spec.description})` : '';
}
