/**
 * Front matter merge: keep every key, comment and its order (yaml's Document API), add `title` first when
 * missing and new `params` entries at the end of `params`. Unchanged front matter keeps its exact bytes.
 */
import { Document, isMap, parseDocument } from 'yaml';
import type { YAMLMap } from 'yaml';

/** A param to declare. */
export interface ParamDeclaration {
  name: string;
  description: string;
  default?: string;
}

/** What the existing front matter says. */
export interface ExistingFrontMatter {
  title?: string;
  /** Names already under `params`. */
  params: Set<string>;
  problem?: string;
}

/** Reads title and declared params from front matter YAML (the text between the `---` lines). */
export function readFrontMatter(yamlText: string | undefined): ExistingFrontMatter {
  if (yamlText === undefined) return { params: new Set() };
  const doc = parseDocument(yamlText);
  if (doc.errors.length > 0) return { params: new Set(), problem: `front matter is not valid YAML: ${doc.errors[0]!.message}` };
  if (doc.contents !== null && !isMap(doc.contents)) return { params: new Set(), problem: 'front matter is not a YAML mapping' };
  const title = doc.get('title');
  const params = doc.get('params');
  if (params !== undefined && params !== null && !isMap(params)) return { params: new Set(), problem: 'front matter `params` is not a mapping of param names' };
  return {
    ...(typeof title === 'string' && title.trim() !== '' ? { title } : {}),
    params: new Set(isMap(params) ? params.items.map((pair) => String((pair.key as { value?: unknown })?.value ?? pair.key)) : []),
  };
}

function paramNode(param: ParamDeclaration): Record<string, unknown> {
  return param.default !== undefined
    ? { description: param.description, default: param.default }
    : { description: param.description, required: true };
}

/**
 * The merged front matter YAML, or undefined when nothing needs to change. `title` is set only when missing;
 * params already declared are never touched.
 */
export function mergeFrontMatter(yamlText: string, title: string, params: readonly ParamDeclaration[]): string | undefined {
  const doc = parseDocument(yamlText);
  if (doc.contents === null) doc.contents = doc.createNode({}) as never;
  const root = doc.contents as unknown as YAMLMap;
  let changed = false;
  const existingTitle = doc.get('title');
  if (typeof existingTitle !== 'string' || existingTitle.trim() === '') {
    if (doc.has('title')) doc.set('title', title);
    else root.items.unshift(doc.createPair('title', title));
    changed = true;
  }
  const fresh = params.filter((p) => !(isMap(doc.get('params')) && (doc.get('params') as YAMLMap).has(p.name)));
  if (fresh.length > 0) {
    if (!isMap(doc.get('params'))) doc.set('params', doc.createNode({}));
    const map = doc.get('params') as YAMLMap;
    for (const param of fresh) map.set(param.name, doc.createNode(paramNode(param)));
    changed = true;
  }
  return changed ? doc.toString({ lineWidth: 0 }) : undefined;
}

/** New front matter YAML for a file that had none. */
export function newFrontMatter(title: string, params: readonly ParamDeclaration[]): string {
  const content: Record<string, unknown> = { title };
  if (params.length > 0) content.params = Object.fromEntries(params.map((p) => [p.name, paramNode(p)]));
  return new Document(content).toString({ lineWidth: 0 });
}
