/**
 * Reads Prometheus alerting rules: rule files (`groups:` at the top) and Kubernetes `PrometheusRule` objects
 * (`spec.groups`), one or several YAML documents a file. Recording rules are skipped. Every rule keeps the
 * line and column of its `alert:` key and of its `runbook_url`, so a gap can be pointed at.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode, type YAMLMap } from 'yaml';
import { InvalidInputError, UsageError } from '../errors.js';

/** A position in a file, 1-based; `endColumn` is exclusive. */
export interface Place {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** One alerting rule as written. */
export interface AlertRule {
  /** The `alert:` name. */
  name: string;
  /** The rule file, relative to the working directory, `/`-separated. */
  file: string;
  /** The group the rule is in. */
  group: string;
  /** Where `alert:`'s value is. */
  place: Place;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** `annotations.runbook_url` and where it is, when the rule has one. */
  runbookUrl?: { url: string; place: Place };
}

/** Rule file extensions read from folders. */
const RULE_EXTENSIONS = ['.yaml', '.yml'];

/** Files named or found under the folders named (`.yaml`/`.yml`, sorted), relative to `cwd`. */
export function ruleFiles(paths: readonly string[], cwd: string): string[] {
  const found = new Set<string>();
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    let info;
    try {
      info = statSync(absolute);
    } catch {
      throw new UsageError(`No such rule file or folder: ${path}`);
    }
    if (!info.isDirectory()) {
      found.add(absolute);
      continue;
    }
    const before = found.size;
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
        const at = join(dir, entry.name);
        if (entry.isDirectory()) walk(at);
        else if (RULE_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) found.add(at);
      }
    };
    walk(absolute);
    if (found.size === before) throw new UsageError(`No rule files (.yaml, .yml) under \`${path}\``);
  }
  return [...found].map((file) => displayPath(file, cwd)).sort();
}

/** Relative to `cwd`, `/`-separated, as lint names files. */
function displayPath(file: string, cwd: string): string {
  return relative(cwd, file).split(sep).join('/');
}

/** The alerting rules of every file, in file order. Throws InvalidInputError for a file that is not YAML. */
export function readAlertRules(files: readonly string[], cwd: string): AlertRule[] {
  return files.flatMap((file) => parseRuleFile(readFileSync(resolve(cwd, file), 'utf8'), file));
}

/** The alerting rules in one file's text. */
export function parseRuleFile(text: string, file: string): AlertRule[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, logLevel: 'error' });
  const list = Array.isArray(docs) ? docs : [docs];
  const rules: AlertRule[] = [];
  const placeOf = (node: YamlNode | null | undefined): Place => {
    const [start, end] = node?.range ?? [0, 0];
    const a = lines.linePos(start);
    const b = lines.linePos(end);
    return { line: a.line, column: a.col, endLine: b.line, endColumn: b.col };
  };
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) {
      const at = lines.linePos(error.pos[0]);
      throw new InvalidInputError(`${file}:${at.line}:${at.col}: not valid YAML: ${error.message.split('\n')[0]}`);
    }
    const root = doc.contents;
    if (!isMap(root)) continue;
    // A rule file has `groups:` at the top; a PrometheusRule has it under `spec:`.
    const spec = root.get('spec', true);
    const groups = root.get('groups', true) ?? (isMap(spec) ? spec.get('groups', true) : undefined);
    if (!isSeq(groups)) continue;
    for (const group of groups.items) {
      if (!isMap(group)) continue;
      const groupName = String(scalar(group, 'name') ?? '');
      const ruleList = group.get('rules', true);
      if (!isSeq(ruleList)) continue;
      for (const rule of ruleList.items) {
        if (!isMap(rule)) continue;
        const alertNode = rule.get('alert', true);
        if (!isScalar(alertNode) || typeof alertNode.value !== 'string') continue;
        const annotationsNode = rule.get('annotations', true);
        const annotations = stringMap(annotationsNode);
        const labels = stringMap(rule.get('labels', true));
        const parsed: AlertRule = { name: alertNode.value, file, group: groupName, place: placeOf(alertNode), labels, annotations };
        const urlNode = isMap(annotationsNode) ? annotationsNode.get('runbook_url', true) : undefined;
        if (isScalar(urlNode) && typeof urlNode.value === 'string' && urlNode.value.trim() !== '') {
          parsed.runbookUrl = { url: urlNode.value.trim(), place: placeOf(urlNode) };
        }
        rules.push(parsed);
      }
    }
  }
  return rules;
}

function scalar(map: YAMLMap, key: string): unknown {
  const node = map.get(key, true);
  return isScalar(node) ? node.value : undefined;
}

function stringMap(node: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isMap(node)) return out;
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    if (typeof key === 'string' && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) out[key] = String(value);
  }
  return out;
}
