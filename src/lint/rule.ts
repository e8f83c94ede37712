/**
 * What a lint rule is: one object with its metadata and a `check` that reads the parsed runbook and reports.
 * Rules are pure: no I/O, no clock, no network — lint must pass in CI with no Prometheus and no cluster.
 */
import type { Root } from 'mdast';
import type { Severity } from '../config/index.js';
import type { Position, Runbook } from '../model/index.js';
import type { LineIndex } from '../parse/positions.js';

/** What a rule declares about itself; docs/rules/<id>.md and the SARIF rule list are built from this. */
export interface RuleMeta {
  /** Kebab-case id, equal to the file name under src/lint/rules/. */
  id: string;
  /** One sentence: what the rule finds. */
  description: string;
  /** Severity in the `recommended` preset (`off`: the rule only runs when a config turns it on). */
  severity: Severity;
  /** JSON Schema (draft 2020-12) of the rule's options, validated when the config is resolved. */
  schema?: object;
  /** Options used when the config gives none; a config's options replace these key by key. */
  defaultOptions?: Record<string, unknown>;
  /** Message templates by message id; `{name}` is replaced by `data.name`. */
  messages: Readonly<Record<string, string>>;
}

/** One report of a rule: the message id, its data, and where (a model position or source offsets). */
export interface Report {
  messageId: string;
  data?: Readonly<Record<string, string | number>>;
  /** Where the problem is; `start`/`end` offsets win when both are given. */
  position?: Position;
  /** UTF-16 offset into the source (end exclusive). */
  start?: number;
  end?: number;
}

/** What a rule sees: the parsed runbook, its source and mdast tree, its options, and `report`. */
export interface RuleContext<Options = Record<string, unknown>> {
  runbook: Runbook;
  source: string;
  /** The full mdast tree, inline content included; parsed with micromark on first access (slow: prefer `blocks`). */
  tree: Root;
  /**
   * The block tree the runbook was built from: every block node with its exact position, code nodes complete
   * (rules that look beyond steps, e.g. at plain fences). Paragraphs may have no inline children.
   */
  blocks: Root;
  /** Offsets ↔ line:column for `source`. */
  lines: LineIndex;
  options: Options;
  report(report: Report): void;
}

/** A lint rule. */
export interface Rule<Options = Record<string, unknown>> {
  meta: RuleMeta;
  check(context: RuleContext<Options>): void;
}

/** Declares a rule (typed helper; returns its argument). */
export function defineRule<Options = Record<string, unknown>>(rule: Rule<Options>): Rule<Options> {
  return rule;
}

/** Fills `{name}` slots of a message template from `data`; unknown slots stay as written. */
export function formatMessage(template: string, data: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{([A-Za-z_][\w]*)\}/g, (whole, name: string) => (Object.hasOwn(data, name) ? String(data[name]) : whole));
}
