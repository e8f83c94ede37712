/**
 * The parser's diagnostics: one VFileMessage per problem, always with a start and end position.
 * Rule ids are a contract (docs/format.md lists them; users filter on them).
 */
import type { VFile } from 'vfile';
import type { LineIndex } from './positions.js';

/** Every rule id the parser reports, with what it means (docs/format.md is tested against this list). */
export const PARSE_RULES = {
  'duplicate-id': 'Two steps have the same `#id`.',
  'empty-body': 'A step has no body (a `check` with `of=` may be empty).',
  'frontmatter-schema': 'A front matter value has the wrong type or form (title not a string, params not a map, a pattern that is not a regular expression, …).',
  'frontmatter-yaml': 'The front matter is not valid YAML.',
  'internal-error': 'The parser itself failed on this input (a bug: please report it with the file).',
  'invalid-attribute': 'An attribute has a value its step kind does not accept.',
  'invalid-id': 'A step id cannot be referenced as `{{steps.<id>.<name>}}` (ids are letters, digits, `_` and `-`, starting with a letter or `_`).',
  'kubectl-multiple-commands': 'A `kubectl` body holds more than one command line.',
  'kubectl-shell-syntax': 'A `kubectl` body uses shell syntax (pipe, redirection, `$(…)`, `;`, `&&`, unterminated quote); kubectl steps run without a shell.',
  'malformed-attributes': 'An attribute block `{…}` does not follow the directive attribute grammar.',
  'missing-title': 'No `title` in the front matter and no `#` heading (a warning when the file has no step).',
  'mitigate-extra-check': 'A `mitigate` holds more than one `check` fence.',
  'mitigate-invalid-content': 'A `mitigate` holds something that cannot be part of one mitigation (a nested step container, a `promql` or `mitigate` fence).',
  'mitigate-no-action': 'A `mitigate` has no action command.',
  'nesting-too-deep': 'Containers, block quotes or lists nest past the parser\'s limits (32 `:::`, 32 `>`, list items indented 128 columns); the file is not read further.',
  'unclosed-container': 'A `:::kind` container has no closing `:::` line.',
  'unclosed-fence': 'A step fence has no closing fence.',
  'unknown-attribute': 'An attribute its step kind does not know.',
  'unknown-kind': 'A `:::name` container or a `{…}`-attributed fence whose name is not a step kind.',
} as const;

/** A parser rule id. */
export type ParseRuleId = keyof typeof PARSE_RULES;

/** Adds positioned messages to a file. Offsets are UTF-16 offsets into the source. */
export class Reporter {
  constructor(
    private readonly file: VFile,
    private readonly lines: LineIndex,
  ) {}

  /** An error: the runbook is not valid as written. */
  error(ruleId: ParseRuleId, reason: string, start: number, end: number): void {
    this.add(ruleId, reason, start, end).fatal = true;
  }

  /** A warning: the runbook works, but probably not as meant. */
  warn(ruleId: ParseRuleId, reason: string, start: number, end: number): void {
    this.add(ruleId, reason, start, end);
  }

  private add(ruleId: ParseRuleId, reason: string, start: number, end: number) {
    return this.file.message(reason, { place: this.lines.position(start, end), ruleId, source: 'runbook' });
  }
}
