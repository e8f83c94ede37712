/**
 * The Runbook model: what the parser produces from Markdown and what lint, the executor and export consume.
 * Everything here is plain data (JSON-serialisable) so `runbook parse --json` can print it as is.
 * Types only, the ground floor: it imports nothing of ours. Step kinds are not listed here; the registry in
 * src/steps/index.ts owns them (`StepKind` is derived from it), so a Step's kind is a registered kind's name.
 */

/** A place in the runbook file: 1-based line and column, 0-based UTF-16 offset (as unist/mdast). */
export interface Point {
  line: number;
  column: number;
  offset: number;
}

/** A range in the runbook file. */
export interface Position {
  start: Point;
  end: Point;
}

/** How a step was written: a `:::kind{…}` container or a ```` ```kind {…} ```` fence. */
export type StepForm = 'directive' | 'fence';

/** Attribute values as written: `key="v"` and `key=v` give strings, a bare flag gives `""`. */
export type Attributes = Record<string, string>;

/** One declared runbook parameter (front matter `params.<name>`). */
export interface ParamSpec {
  description?: string;
  default?: string;
  required?: boolean;
  /** The value is masked wherever it would be recorded or shown (events, terminal, exports). */
  secret?: boolean;
  /** A regular expression (JavaScript syntax, anchored by the executor) every value must match. */
  pattern?: string;
  /** Alert label the value comes from in a run started from an alert (default: the label named like the param). */
  label?: string;
}

/** Front matter, normalised. Unknown keys are kept in `extra` (lint reports them). */
export interface RunbookMeta {
  title: string;
  service?: string;
  severity?: string;
  alerts: string[];
  owners: string[];
  params: Record<string, ParamSpec>;
  /** Default Prometheus base URL. */
  prometheus?: string;
  /** Default Grafana Tempo base URL (`trace` steps). */
  tempo?: string;
  /** Default Jaeger query base URL (`trace` steps). */
  jaeger?: string;
  /** Default Loki base URL (`logs` steps with `source=loki`). */
  loki?: string;
  /** Default Alertmanager base URL (`runbook run --alert`). */
  alertmanager?: string;
  /** Default Kubernetes context. */
  context?: string;
  /** Default Kubernetes namespace. */
  namespace?: string;
  /** Keys of the front matter this version does not know, with their values. */
  extra: Record<string, unknown>;
}

/** A heading and everything under it. The root of the tree is the document (depth 0, no heading). */
export interface Section {
  title: string;
  depth: number;
  position?: Position;
  children: Section[];
}

/** A paragraph-level piece of prose next to a step (Markdown source, byte-exact slice). */
export interface Prose {
  text: string;
  position: Position;
}

/** A command inside a mitigation: an action fence, or the `{rollback}` fence. */
export interface MitigateAction {
  kind: 'kubectl' | 'sh';
  attributes: Attributes;
  /** Byte-exact body. */
  body: string;
  bodyPosition: Position;
  position: Position;
}

/** The verifying check inside a mitigation (a ```` ```check ```` fence). */
export interface MitigateCheck {
  attributes: Attributes;
  body: string;
  bodyPosition: Position;
  position: Position;
}

/** The parts of a `mitigate` step. */
export interface Mitigation {
  /** True when the step is one command with no inner fences. */
  short: boolean;
  actions: MitigateAction[];
  check?: MitigateCheck;
  rollback: MitigateAction[];
}

/** One typed step. */
export interface Step {
  /** The `#id`, or a generated `<kind>-<n>` when none was written (see `idExplicit`). */
  id: string;
  idExplicit: boolean;
  /** A kind registered in src/steps/index.ts (the parser produces no other). */
  kind: string;
  form: StepForm;
  /** `title` attribute, else undefined. */
  title?: string;
  /** All attributes except the id, as written. */
  attributes: Attributes;
  /**
   * Byte-exact body: a fence's `code.value`, or the source between a container's opening and closing
   * lines. For a long-form mitigate this is the whole inner source (prose and fences).
   */
  body: string;
  /** Where `body` sits in the file: `source.slice(bodyPosition.start.offset, bodyPosition.end.offset) === body`. */
  bodyPosition: Position;
  /** The whole block, opening line to closing line. */
  position: Position;
  /** Titles of the headings the step sits under, outermost first. */
  section: string[];
  /** Prose paragraphs between the previous step (or section start) and this step. */
  proseBefore: Prose[];
  /** Present on `mitigate` steps only. */
  mitigation?: Mitigation;
}

/** The parsed runbook. */
export interface Runbook {
  /** The file path as given to the parser, or undefined for a string. */
  path?: string;
  meta: RunbookMeta;
  /** Position of the front matter block, when there is one. */
  frontmatterPosition?: Position;
  /** The section tree (root = document). */
  sections: Section;
  /** Steps in document order. */
  steps: Step[];
}
