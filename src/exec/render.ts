/**
 * Turning step bodies into what runs, with template values kept as data:
 * - kubectl: the body is split into words first (placeholders stand in as opaque tokens), then each word
 *   is rendered, so a value is always inside exactly one argv token and can never add or split words;
 * - sh: a placeholder becomes a quoted reference to an environment variable set in the child's env,
 *   so `x; rm -rf /` reaches the script as inert data;
 * - PromQL: values are spliced into the query text (the query only reads; param `pattern`s guard it).
 */
import { splitCommandLine } from '../steps/command-line.js';
import { renderTemplate, type TemplateRef } from '../steps/template.js';

/** Looks up a placeholder's value; undefined when there is none. */
export type ValueResolver = (ref: TemplateRef) => string | undefined;

/** A template could not be turned into something safe to run. */
export class RenderError extends Error {
  override name = 'RenderError';
}

/** How a placeholder is named in messages. */
export function refText(ref: TemplateRef): string {
  return ref.type === 'param' ? `{{${ref.name}}}` : `{{steps.${ref.step}.${ref.name}}}`;
}

function resolveOrThrow(resolve: ValueResolver, ref: TemplateRef): string {
  const value = resolve(ref);
  if (value?.includes('\0')) throw new RenderError(`Refusing the value of \`${refText(ref)}\`: it contains a NUL character, which no command line or environment can carry`);
  if (value === undefined) {
    throw new RenderError(
      ref.type === 'param'
        ? `No value for \`${refText(ref)}\`; pass \`--param ${ref.name}=<value>\` or give it a default in the front matter`
        : `No value for \`${refText(ref)}\`: step \`${ref.step}\` did not run or captured no \`${ref.name}\``,
    );
  }
  return value;
}

/** Renders PromQL (or any plain text) with values spliced in. */
export function renderText(text: string, resolve: ValueResolver): string {
  return renderTemplate(text, (ref) => resolveOrThrow(resolve, ref));
}

/**
 * A placeholder stands in as OPEN index CLOSE while the body is split: two private-use characters (no shell
 * metacharacter, quote or blank, so a stand-in survives splitting intact) that do not occur in the body, so
 * text of the author's never reads as a stand-in.
 */
interface Prepared {
  text: string;
  refs: TemplateRef[];
  open: string;
  close: string;
  standIn: RegExp;
}

function standIns(text: string): Prepared {
  if (text.includes('\0')) throw new RenderError('The step body contains a NUL character, which no command line can carry; remove it');
  let code = 0xe000;
  while (code < 0xf8fe && (text.includes(String.fromCharCode(code)) || text.includes(String.fromCharCode(code + 1)))) code += 2;
  const open = String.fromCharCode(code);
  const close = String.fromCharCode(code + 1);
  const refs: TemplateRef[] = [];
  const out = renderTemplate(text, (ref) => {
    refs.push(ref);
    return `${open}${refs.length - 1}${close}`;
  });
  return { text: out, refs, open, close, standIn: new RegExp(`${open}(\\d+)${close}`, 'g') };
}

/**
 * argv of a kubectl body (without the leading `kubectl`). A value that would start a flag is refused:
 * when a word's rendered text starts with `-` and everything written before its first placeholder is
 * empty or only dashes (`{{x}}`, `{{x}}-suffix`, `-{{x}}`), the `-` came from a value. Values after literal
 * text (`--selector=app={{x}}`, `pod/{{x}}`) stay inside that word and cannot become a flag.
 */
export function renderKubectlArgv(body: string, resolve: ValueResolver, bin = 'kubectl'): string[] {
  const prepared = standIns(body);
  const { words, problems } = splitCommandLine(prepared.text);
  if (problems.length > 0) {
    throw new RenderError(`${problems[0]!.message}`);
  }
  const argv = words.map((word) => {
    let firstStandIn = -1;
    let firstRef: TemplateRef | undefined;
    const rendered = word.value.replace(prepared.standIn, (_whole, index: string, offset: number) => {
      const ref = prepared.refs[Number(index)]!;
      if (firstStandIn === -1) {
        firstStandIn = offset;
        firstRef = ref;
      }
      return resolveOrThrow(resolve, ref);
    });
    if (firstRef && /^-*$/.test(word.value.slice(0, firstStandIn)) && rendered.startsWith('-')) {
      const ref = firstRef;
      throw new RenderError(
        `Refusing value \`${rendered}\` of \`${refText(ref)}\`: it would start a command-line flag; values must not begin with \`-\` where a word begins`,
      );
    }
    return rendered;
  });
  // The body may name its program: `kubectl …`, or the step's `bin` (`oc …`).
  if (argv[0] === 'kubectl' || argv[0] === bin) argv.shift();
  if (argv.length === 0) throw new RenderError('The kubectl step has no command');
  return argv;
}

/** A shell script with its template values moved into environment variables. */
export interface RenderedScript {
  script: string;
  /** Variables the child gets: `RUNBOOK_P_<param>` and `RUNBOOK_S_<step>_<capture>`. */
  env: Record<string, string>;
}

/** Name of the environment variable that carries a placeholder's value into an `sh` step. */
export function envNameFor(ref: TemplateRef): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');
  return ref.type === 'param' ? `RUNBOOK_P_${clean(ref.name)}` : `RUNBOOK_S_${clean(ref.step)}_${clean(ref.name)}`;
}

/**
 * Rewrites each placeholder of an `sh` script as a reference to an environment variable, quoted for
 * where it stands: `"$RUNBOOK_P_x"` outside quotes, `${RUNBOOK_P_x}` inside double quotes (already
 * quoted), `'"$RUNBOOK_P_x"'` inside single quotes (close, reference, reopen). The shell expands a
 * quoted parameter exactly once and never re-parses it, so no value can run as code.
 */
export function renderShellScript(script: string, resolve: ValueResolver): RenderedScript {
  const prepared = standIns(script);
  const env: Record<string, string> = {};
  let out = '';
  let state: 'plain' | 'single' | 'double' = 'plain';
  const text = prepared.text;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === prepared.open) {
      const close = text.indexOf(prepared.close, i);
      const ref = prepared.refs[Number(text.slice(i + 1, close))]!;
      const name = envNameFor(ref);
      env[name] = resolveOrThrow(resolve, ref);
      out += state === 'plain' ? `"$${name}"` : state === 'double' ? `\${${name}}` : `'"$${name}"'`;
      i = close;
      continue;
    }
    out += c;
    if (state === 'single') {
      if (c === "'") state = 'plain';
    } else if (c === '\\' && i + 1 < text.length && text[i + 1] !== prepared.open) {
      out += text[i + 1];
      i++;
    } else if (state === 'plain' && c === "'") {
      state = 'single';
    } else if (c === '"') {
      state = state === 'double' ? 'plain' : 'double';
    }
  }
  return { script: out, env };
}

/** True when a kubectl argv sets the namespace itself (or asks for all namespaces). */
export function setsNamespace(argv: readonly string[]): boolean {
  return flagWords(argv).some((w) => /^-n/.test(w) || /^--namespace(=|$)/.test(w) || w === '-A' || /^--all-namespaces(=|$)/.test(w));
}

/** True when a kubectl argv sets the context itself. */
export function setsContext(argv: readonly string[]): boolean {
  return flagWords(argv).some((w) => /^--context(=|$)/.test(w));
}

/** True when a kubectl argv sets the kubeconfig itself. */
export function setsKubeconfig(argv: readonly string[]): boolean {
  return flagWords(argv).some((w) => /^--kubeconfig(=|$)/.test(w));
}

function flagWords(argv: readonly string[]): string[] {
  // After `--`, words belong to the command kubectl runs (exec), not to kubectl.
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).filter((w) => w.startsWith('-') && !w.startsWith('---'));
}

/** Where a kubectl command points unless its body says otherwise. */
export interface KubeTarget {
  context?: string;
  namespace?: string;
}

/** The full kubectl argv: `kubectl` (or the step's `bin`), the target flags the body does not set, then the body's words. */
export function withKubeTarget(argv: readonly string[], target: KubeTarget, bin = 'kubectl'): string[] {
  const injected: string[] = [];
  // `--flag=value` keeps each value in one word whatever it looks like.
  if (target.context !== undefined && !setsContext(argv)) injected.push(`--context=${target.context}`);
  if (target.namespace !== undefined && !setsNamespace(argv)) injected.push(`--namespace=${target.namespace}`);
  return [bin, ...injected, ...argv];
}
