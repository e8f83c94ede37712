/**
 * Secret redaction, applied to every string before it reaches the timeline, the terminal or an export.
 * Over-redacting a harmless value costs little; leaking a token into an incident record that gets pasted
 * into a postmortem costs a rotation, so the patterns lean wide.
 */

/** What replaces a secret. */
export const REDACTED = '[REDACTED]';

interface Rule {
  name: string;
  pattern: RegExp;
  replace: (match: string, ...groups: string[]) => string;
}

const BUILT_IN: readonly Rule[] = [
  {
    name: 'private-key',
    pattern: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    replace: (_m, kind: string) => `-----BEGIN ${kind}PRIVATE KEY----- ${REDACTED} -----END ${kind}PRIVATE KEY-----`,
  },
  {
    name: 'authorization-header',
    pattern: /\b((?:proxy-)?authorization)(["']?\s*[:=]\s*["']?)(?:(bearer|basic|token|digest|negotiate)\s+)?[^\s"',;]+/gi,
    replace: (_m, header: string, sep: string, scheme?: string) => `${header}${sep}${scheme ? `${scheme} ` : ''}${REDACTED}`,
  },
  {
    name: 'bearer-token',
    pattern: /\b(bearer)\s+(?!\[REDACTED\])[A-Za-z0-9\-._~+/]+=*/gi,
    replace: (_m, word: string) => `${word} ${REDACTED}`,
  },
  {
    name: 'aws-access-key-id',
    pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b/g,
    replace: () => REDACTED,
  },
  {
    // password=…, token: …, "secret": "…", aws_secret_access_key = …, --password=…, api-key=…
    name: 'secret-pair',
    pattern:
      /\b([\w.-]*(?:password|passwd|pwd|token|secret|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret)[\w.-]*)(["']?\s*(?:=|:)\s*)("[^"\n]*"|'[^'\n]*'|[^\s"',;&}]+)/gi,
    replace: (_m, key: string, sep: string, value: string) => {
      const quote = value.startsWith('"') || value.startsWith("'") ? value[0]! : '';
      return `${key}${sep}${quote}${REDACTED}${quote}`;
    },
  },
];

/** A function that removes secrets from text. */
export type Redactor = (text: string) => string;

/**
 * Builds a redactor from the built-in rules plus extra regular expressions (from `.runbookrc` `redact`);
 * every match of an extra pattern is replaced whole. Throws on an invalid extra pattern (a config error).
 */
export function createRedactor(extraPatterns: readonly string[] = []): Redactor {
  const extra = extraPatterns.map((source) => new RegExp(source, 'g'));
  return (text: string): string => {
    if (text === '') return text;
    let out = redactKubernetesSecretData(text);
    for (const rule of BUILT_IN) out = out.replace(rule.pattern, rule.replace as (m: string, ...g: string[]) => string);
    for (const pattern of extra) out = out.replace(pattern, REDACTED);
    return out;
  };
}

/**
 * Values of `data:` / `stringData:` in Kubernetes Secrets printed with `-o yaml` or `-o json`. Works line by
 * line on text rather than parsing, so it still redacts output that was truncated mid-document.
 */
function redactKubernetesSecretData(text: string): string {
  if (!/kind["']?\s*:\s*["']?Secret\b/.test(text)) return text;
  // JSON (compact or pretty): a data object holds only string values, so it has no nested braces.
  const out = text.replace(/("(?:data|stringData|binaryData)"\s*:\s*)\{([^{}]*)\}/g, (_m, head: string, body: string) =>
    `${head}{${body.replace(/("[^"]*"\s*:\s*)"[^"]*"/g, `$1"${REDACTED}"`)}}`,
  );
  // YAML: redact the values of every key indented under `data:`.
  const lines = out.split('\n');
  let blockIndent = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const indent = line.length - line.trimStart().length;
    if (blockIndent >= 0) {
      if (line.trim() === '' || indent > blockIndent) {
        lines[i] = line.replace(/^(\s*[^\s:#][^:]*:\s*)(\S.*)$/, `$1${REDACTED}`);
        continue;
      }
      blockIndent = -1;
    }
    if (/^\s*(?:data|stringData|binaryData):\s*$/.test(line)) blockIndent = indent;
  }
  return lines.join('\n');
}

/** Keys whose string value is a secret whatever it looks like (`params: { token: "abc" }`). */
const SECRET_KEY = /password|passwd|token|secret|api[_-]?key|access[_-]?key|private[_-]?key|credential/i;

/**
 * Redacts every string inside a JSON-like value (objects, arrays), returning a new value. A string under a
 * secret-looking key is replaced whole, since a short secret has no shape the text rules could recognise.
 */
export function redactDeep<T>(value: T, redact: Redactor): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = typeof item === 'string' && item !== '' && SECRET_KEY.test(key) ? REDACTED : redactDeep(item, redact);
    }
    return out as T;
  }
  return value;
}
