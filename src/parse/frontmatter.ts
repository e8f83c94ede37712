/**
 * Front matter: its JSON Schema (defined once, here; `schemas/frontmatter.schema.json` is generated from it),
 * YAML parsing with errors mapped into the file, validation with ajv, and normalisation into RunbookMeta.
 */
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Document, Node as YamlNode } from 'yaml';
import type { ParamSpec, RunbookMeta } from '../model/index.js';
import type { Reporter } from './diagnostics.js';
import { readSimpleYaml } from './simple-yaml.js';

const require = createRequire(import.meta.url);
/** The YAML library, loaded on first use (most front matter is read by readSimpleYaml). */
const yaml = (): typeof import('yaml') => require('yaml') as typeof import('yaml');

const NAME = '^[A-Za-z_][\\w-]*$';
const stringOrList = (what: string) => ({
  description: `${what}: one string or a list of strings.`,
  anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
});

/** JSON Schema (draft 2020-12) of a runbook's YAML front matter. Unknown keys are allowed (lint reports them). */
export const FRONTMATTER_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:runbook:schema:frontmatter',
  title: 'Runbook front matter',
  description: 'YAML front matter of a runbook (format v1). Generated from src/parse/frontmatter.ts; do not edit.',
  type: 'object',
  properties: {
    title: { type: 'string', minLength: 1, description: 'Runbook title (else the first `#` heading).' },
    service: { type: 'string', description: 'The service this runbook is about.' },
    severity: { type: 'string', description: 'Severity of the incidents it answers.', examples: ['critical', 'warning', 'info'] },
    alerts: stringOrList('Alert names this runbook answers'),
    owners: stringOrList('Owning teams or people'),
    params: {
      type: 'object',
      description: 'Parameters, used in bodies and attributes as `{{name}}`.',
      propertyNames: { pattern: NAME },
      additionalProperties: { $ref: '#/$defs/param' },
    },
    prometheus: { type: 'string', pattern: '^https?://', description: 'Default Prometheus base URL.', examples: ['http://prometheus:9090'] },
    tempo: { type: 'string', pattern: '^https?://', description: 'Default Grafana Tempo base URL (`trace` steps).', examples: ['http://tempo:3200'] },
    jaeger: { type: 'string', pattern: '^https?://', description: 'Default Jaeger query base URL (`trace` steps).', examples: ['http://jaeger-query:16686'] },
    loki: { type: 'string', pattern: '^https?://', description: 'Default Loki base URL (`logs` steps with `source=loki`).', examples: ['http://loki:3100'] },
    alertmanager: { type: 'string', pattern: '^https?://', description: 'Default Alertmanager base URL (`runbook run --alert`).', examples: ['http://alertmanager:9093'] },
    context: { type: 'string', description: 'Default Kubernetes context.' },
    namespace: { type: 'string', description: 'Default Kubernetes namespace.' },
  },
  additionalProperties: true,
  $defs: {
    param: {
      type: ['object', 'null'],
      description: 'One parameter.',
      properties: {
        description: { type: 'string', description: 'What the value is, shown when it is asked for.' },
        default: { type: ['string', 'number', 'boolean'], description: 'Value used when none is given.' },
        required: { type: 'boolean', description: 'A run without a value (and no default) is refused.' },
        secret: {
          type: 'boolean',
          description: 'The value is masked in every event, the terminal and every export (a token, a password).',
        },
        label: { type: 'string', description: 'Alert label the value is taken from in a run started from an alert (default: the label of the same name).' },
        pattern: {
          type: 'string',
          format: 'regex',
          description: 'A JavaScript regular expression every value must match (anchored by the executor).',
          examples: ['^[a-z0-9-]+$'],
        },
      },
      additionalProperties: false,
    },
  },
} as const;

const KNOWN_KEYS = new Set(Object.keys(FRONTMATTER_SCHEMA.properties));

let validator: ValidateFunction | undefined;
function validate(value: unknown): ErrorObject[] {
  // Compiling the schema costs ~100 ms: only front matter that is not plainly valid needs ajv's error list.
  if (plainlyValidFrontmatter(value)) return [];
  if (!validator) {
    const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    validator = new Ajv2020({ allErrors: true, allowUnionTypes: true, formats: { regex: isRegExp } }).compile(FRONTMATTER_SCHEMA);
  }
  return validator(value) ? [] : [...(validator.errors ?? [])];
}

const PARAM_KEYS = new Set(['description', 'default', 'required', 'secret', 'pattern', 'label']);
const PARAM_NAME = new RegExp(NAME, 'u');
/** A plain object (an odd prototype, as `__proto__:` keys could give, is left to ajv). */
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
const isStringOrList = (value: unknown): boolean => typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));

/**
 * True only when `data` satisfies FRONTMATTER_SCHEMA, checked by hand (false when unsure: then ajv decides and
 * says why). Every check here is at least as strict as the schema's; test/lint/fast-parse.test.ts compares.
 */
export function plainlyValidFrontmatter(data: unknown): boolean {
  if (!isRecord(data)) return false;
  const has = (key: string) => Object.hasOwn(data, key);
  if (has('title') && !(typeof data.title === 'string' && data.title.length > 0)) return false;
  for (const key of ['service', 'severity', 'context', 'namespace']) if (has(key) && typeof data[key] !== 'string') return false;
  for (const key of ['alerts', 'owners']) if (has(key) && !isStringOrList(data[key])) return false;
  for (const key of ['prometheus', 'tempo', 'jaeger', 'loki', 'alertmanager']) if (has(key) && !(typeof data[key] === 'string' && /^https?:\/\//u.test(data[key]))) return false;
  if (has('params')) {
    if (!isRecord(data.params)) return false;
    for (const [name, spec] of Object.entries(data.params)) {
      if (!PARAM_NAME.test(name)) return false;
      if (spec === null) continue;
      if (!isRecord(spec)) return false;
      for (const [key, value] of Object.entries(spec)) {
        if (!PARAM_KEYS.has(key)) return false;
        const ok =
          key === 'description' || key === 'label' ? typeof value === 'string'
          : key === 'default' ? typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))
          : key === 'required' || key === 'secret' ? typeof value === 'boolean'
          : typeof value === 'string' && isRegExp(value);
        if (!ok) return false;
      }
    }
  }
  return true;
}

function isRegExp(text: string): boolean {
  try {
    new RegExp(text);
    return true;
  } catch {
    return false;
  }
}

/** What the front matter gave, before the title fallback to the first heading. */
export interface FrontmatterResult {
  meta: Omit<RunbookMeta, 'title'> & { title?: string };
  /** True when the YAML itself could not be read (so a missing title is not reported twice). */
  broken: boolean;
}

/** Parses the YAML `text` that starts at file offset `base`, reporting problems through `report`. */
export function parseFrontmatter(text: string, base: number, report: Reporter): FrontmatterResult {
  // Plain front matter that is valid needs neither the YAML library nor ajv: no errors, no positions.
  const simple = readSimpleYaml(text);
  if (simple !== undefined && plainlyValidFrontmatter(simple)) return { meta: normalise(simple), broken: false };
  const empty: FrontmatterResult['meta'] = { alerts: [], owners: [], params: {}, extra: {} };
  // logLevel 'error': the library would otherwise print its warnings on process stderr (a library must not);
  // the ones that matter are reported below as positioned diagnostics instead.
  const doc = yaml().parseDocument(text, { prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const clamp = (offset: number) => base + Math.max(0, Math.min(offset, text.length));
  for (const error of doc.errors) {
    report.error('frontmatter-yaml', `Front matter is not valid YAML: ${firstLine(error.message)}`, clamp(error.pos[0]), clamp(error.pos[1]));
  }
  if (doc.errors.length > 0) return { meta: empty, broken: true };
  for (const warning of doc.warnings) {
    report.warn('frontmatter-yaml', `Front matter YAML: ${firstLine(warning.message)}`, clamp(warning.pos[0]), clamp(warning.pos[1]));
  }

  if (reportTreeProblems(doc, text, clamp, report)) return { meta: empty, broken: true };

  let data: unknown;
  try {
    data = doc.toJS() ?? {};
  } catch (error) {
    // What reportTreeProblems cannot see (an alias count past the library's limit, …) still gets a position.
    const whole = (doc.contents as YamlNode | null)?.range ?? [0, text.length];
    report.error('frontmatter-yaml', `Front matter YAML could not be read: ${firstLine((error as Error).message)}`, clamp(whole[0]), clamp(whole[1]));
    return { meta: empty, broken: true };
  }
  for (const error of reportable(validate(data))) {
    const { start, end } = locate(doc, error, text.length);
    report.error('frontmatter-schema', schemaMessage(error, data), base + start, base + end);
  }
  return { meta: normalise(data), broken: false };
}

/**
 * What the YAML parser accepts but `toJS` cannot give a runbook: an alias with no anchor before it (`*em*`,
 * which `toJS` throws on) is an error; a map or list used as a key (`{{ns}}: x` is a flow map in YAML) is a
 * warning, since the key becomes the text the library prints for it. Returns true when there was an error.
 */
function reportTreeProblems(doc: Document, text: string, clamp: (offset: number) => number, report: Reporter): boolean {
  const { isCollection, isSeq, visit } = yaml();
  let broken = false;
  let reportedKeyEnd = -1;
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) !== undefined || !node.range) return;
      broken = true;
      report.error(
        'frontmatter-yaml',
        `Front matter is not valid YAML: found the alias \`*${node.source}\` with no anchor \`&${node.source}\` before it; ` +
          'quote the value if it is text',
        clamp(node.range[0]),
        clamp(node.range[1]),
      );
    },
    Pair(_key, pair) {
      const key = pair.key as YamlNode | null;
      // One warning for `{{ns}}`, not a second one for the `{ns}` map inside it.
      if (!isCollection(key) || !key.range || key.range[0] < reportedKeyEnd) return;
      reportedKeyEnd = key.range[1];
      report.warn(
        'frontmatter-yaml',
        `Front matter YAML: found a ${isSeq(key) ? 'list' : 'map'} \`${firstLine(text.slice(key.range[0], key.range[1]))}\` used as a key, ` +
          'which is read as text; quote the key if it is a name (`"{{name}}": …`)',
        clamp(key.range[0]),
        clamp(key.range[1]),
      );
    },
  });
  return broken;
}

/** Drops the per-branch errors of an `anyOf` (its own error says it better) and repeats at one path. */
function reportable(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    if (error.schemaPath.includes('/anyOf/')) return false;
    const key = `${error.instancePath}|${error.keyword}|${JSON.stringify(error.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function pathOf(error: ErrorObject): string[] {
  return error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function valueAt(data: unknown, path: string[]): unknown {
  let value = data;
  for (const part of path) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

function schemaMessage(error: ErrorObject, data: unknown): string {
  const path = pathOf(error);
  const where = path.length ? `\`${path.join('.')}\`` : 'the front matter';
  const found = valueAt(data, path);
  switch (error.keyword) {
    case 'type':
      return `Front matter ${where} must be ${typeName(String((error.params as { type: unknown }).type))}, found ${describe(found)}`;
    case 'anyOf':
      return `Front matter ${where} must be a string or a list of strings, found ${describe(found)}`;
    case 'minLength':
      return `Front matter ${where} must not be empty`;
    case 'format': {
      let why = '';
      try {
        new RegExp(String(found));
      } catch (cause) {
        why = ` (${(cause as Error).message})`;
      }
      return `Front matter ${where} must be a valid regular expression, found \`${String(found)}\`${why}`;
    }
    case 'pattern':
      return path[0] === 'prometheus' || path[0] === 'tempo' || path[0] === 'jaeger' || path[0] === 'loki' || path[0] === 'alertmanager'
        ? `Front matter ${where} must be an http(s) URL such as \`http://${path[0]}:9090\`, found \`${String(found)}\``
        : `Front matter ${where} does not match \`${String((error.params as { pattern: unknown }).pattern)}\``;
    case 'propertyNames':
      return `Parameter name \`${String((error.params as { propertyName: unknown }).propertyName)}\` is not usable as \`{{name}}\`; use letters, digits, \`_\` and \`-\`, starting with a letter or \`_\``;
    case 'additionalProperties':
      return `Unknown key \`${String((error.params as { additionalProperty: unknown }).additionalProperty)}\` in ${where}; expected \`description\`, \`default\`, \`required\`, \`secret\` or \`pattern\``;
    default:
      return `Front matter ${where} ${error.message ?? 'is invalid'}`;
  }
}

function typeName(type: string): string {
  return type
    .split(',')
    .map((t) => (t === 'object' ? 'a map' : t === 'array' ? 'a list' : t === 'null' ? 'empty' : `a ${t}`))
    .join(' or ');
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `${typeof value} \`${String(value)}\``;
}

/** The YAML range (offsets in the front matter text) an ajv error is about: the key for key errors, else the value. */
function locate(doc: Document, error: ErrorObject, length: number): { start: number; end: number } {
  const path = pathOf(error);
  const keyName =
    error.keyword === 'additionalProperties' ? String((error.params as { additionalProperty: unknown }).additionalProperty)
    : error.keyword === 'propertyNames' ? String((error.params as { propertyName: unknown }).propertyName)
    : undefined;
  const parentPath = keyName === undefined ? path.slice(0, -1) : path;
  const name = keyName ?? path[path.length - 1];
  const parent = parentPath.length ? doc.getIn(parentPath, true) : doc.contents;
  const { isMap, isPair, isScalar } = yaml();
  if (name !== undefined && isMap(parent)) {
    const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === name);
    const node = (keyName === undefined ? pair?.value : pair?.key) as YamlNode | null | undefined;
    const keyNode = pair?.key as YamlNode | null | undefined;
    const range = node?.range ?? keyNode?.range;
    if (range) return { start: range[0], end: range[1] };
  }
  const whole = (doc.contents as YamlNode | null)?.range;
  return whole ? { start: whole[0], end: whole[1] } : { start: 0, end: length };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

const asList = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Keeps what has the right type; what does not was reported above. */
function normalise(data: unknown): FrontmatterResult['meta'] {
  const record = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  const params: Record<string, ParamSpec> = {};
  const rawParams = record.params;
  if (rawParams && typeof rawParams === 'object' && !Array.isArray(rawParams)) {
    for (const [name, raw] of Object.entries(rawParams as Record<string, unknown>)) {
      const spec: ParamSpec = {};
      if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
        const r = raw as Record<string, unknown>;
        if (typeof r.description === 'string') spec.description = r.description;
        if (['string', 'number', 'boolean'].includes(typeof r.default)) spec.default = String(r.default);
        if (typeof r.required === 'boolean') spec.required = r.required;
        if (r.secret === true) spec.secret = true;
        if (typeof r.pattern === 'string' && isRegExp(r.pattern)) spec.pattern = r.pattern;
        if (typeof r.label === 'string') spec.label = r.label;
      }
      params[name] = spec;
    }
  }
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (!KNOWN_KEYS.has(key)) extra[key] = value;
  const meta: FrontmatterResult['meta'] = {
    alerts: asList(record.alerts),
    owners: asList(record.owners),
    params,
    extra,
  };
  const title = asString(record.title);
  if (title && title.trim()) meta.title = title;
  for (const key of ['service', 'severity', 'context', 'namespace'] as const) {
    const value = asString(record[key]);
    if (value !== undefined) meta[key] = value;
  }
  for (const key of ['prometheus', 'tempo', 'jaeger', 'loki', 'alertmanager'] as const) {
    const url = asString(record[key]);
    if (url !== undefined && /^https?:\/\//.test(url)) meta[key] = url;
  }
  return meta;
}
