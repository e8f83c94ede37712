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

/** Flags whose next word is a secret: `--password X`, `--token X` (also used on argv arrays, see redactDeep). */
const SECRET_FLAG_WORDS = 'password|passwd|passphrase|pass|token|secret|api-key|apikey|client-secret|auth-token|access-token|private-key|secret-key|access-key';
const SECRET_FLAG = new RegExp(`^--?(?:${SECRET_FLAG_WORDS})$`, 'i');

/**
 * Ordered: whole blocks first, then token formats recognisable on their own (ids follow the gitleaks rule
 * names, so a reader can compare with that rule set), then credentials in URLs and headers, then the
 * `key = value` pairs that catch what has no shape of its own.
 */
const BUILT_IN: readonly Rule[] = [
  {
    name: 'private-key',
    pattern: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    replace: (_m, kind: string) => `-----BEGIN ${kind}PRIVATE KEY----- ${REDACTED} -----END ${kind}PRIVATE KEY-----`,
  },
  {
    name: 'pgp-private-key-block',
    pattern: /-----BEGIN PGP PRIVATE KEY BLOCK-----[\s\S]*?(?:-----END PGP PRIVATE KEY BLOCK-----|$)/g,
    replace: () => `-----BEGIN PGP PRIVATE KEY BLOCK----- ${REDACTED} -----END PGP PRIVATE KEY BLOCK-----`,
  },
  { name: 'jwt', pattern: /\bey[A-Za-z0-9_-]{8,}\.ey[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, replace: () => REDACTED },
  { name: 'github-pat', pattern: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}/g, replace: () => REDACTED },
  { name: 'github-fine-grained-pat', pattern: /\bgithub_pat_[A-Za-z0-9_]{20,}/g, replace: () => REDACTED },
  { name: 'gitlab-token', pattern: /\bgl(?:pat|ptt|dt|rt|cbt|soat|ffct|imt)-[A-Za-z0-9_-]{20,}/g, replace: () => REDACTED },
  { name: 'slack-token', pattern: /\bxox[abposre]-[A-Za-z0-9-]{10,}/g, replace: () => REDACTED },
  {
    name: 'slack-webhook-url',
    pattern: /\b(https?:\/\/hooks\.slack\.com\/)(?:services|workflows|triggers)\/[A-Za-z0-9+/_-]+/g,
    replace: (_m, base: string) => `${base}${REDACTED}`,
  },
  { name: 'stripe-access-token', pattern: /\b(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,}/g, replace: () => REDACTED },
  { name: 'gcp-api-key', pattern: /\bAIza[0-9A-Za-z_-]{30,}/g, replace: () => REDACTED },
  { name: 'npm-access-token', pattern: /\bnpm_[A-Za-z0-9]{30,}/g, replace: () => REDACTED },
  { name: 'openai-api-key', pattern: /\bsk-(?:proj|svcacct|admin|ant(?:-[a-z]+\d*)?)-[A-Za-z0-9_-]{16,}|\bsk-[A-Za-z0-9]{16,}T3BlbkFJ[A-Za-z0-9]{16,}/g, replace: () => REDACTED },
  { name: 'sendgrid-api-token', pattern: /\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}/g, replace: () => REDACTED },
  {
    name: 'azure-storage-key',
    pattern: /\b(AccountKey|SharedAccessKey|SharedAccessSignature)=[^;\s"'<>]+/gi,
    replace: (_m, key: string) => `${key}=${REDACTED}`,
  },
  {
    // postgres://u:pw@h, mongodb+srv://u:pw@h, https://u:pw@h: the password goes, the rest stays readable.
    // Greedy up to the last `@` of the authority, so a password holding `@` goes whole.
    name: 'url-credentials',
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/?#@"'<>]*):([^\s/?#"'<>]+)@/gi,
    replace: (_m, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`,
  },
  {
    name: 'authorization-header',
    pattern: /\b((?:proxy-)?authorization)(["']?\s*[:=]\s*["']?)(?:(bearer|basic|token|digest|negotiate)\s+)?[^\s"',;]+/gi,
    replace: (_m, header: string, sep: string, scheme?: string) => `${header}${sep}${scheme ? `${scheme} ` : ''}${REDACTED}`,
  },
  {
    // A cookie header's whole value: session ids have no shape of their own.
    name: 'cookie-header',
    pattern: /\b((?:set-)?cookie)(["']?\s*:[ \t]*["']?)[^\r\n"']+/gi,
    replace: (_m, header: string, sep: string) => `${header}${sep}${REDACTED}`,
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
    // `--password hunter2`, `--token "x y"` (the value after a space, in one command line).
    name: 'secret-flag',
    pattern: new RegExp(`(?<=^|\\s)(--?(?:${SECRET_FLAG_WORDS}))([ \\t]+)(?!-)("[^"\\n]*"|'[^'\\n]*'|[^\\s"']+)`, 'gi'),
    replace: (_m, flag: string, space: string, value: string) => {
      const quote = value.startsWith('"') || value.startsWith("'") ? value[0]! : '';
      return `${flag}${space}${quote}${REDACTED}${quote}`;
    },
  },
  {
    // mysql's `-p'hunter2'` / `-p"hunter2"` (a quoted value glued to the flag; a bare `-pX` is too common).
    name: 'short-password-flag',
    pattern: /(?<=^|\s)-p(["'])[^\n]*?\1/g,
    replace: (_m, quote: string) => `-p${quote}${REDACTED}${quote}`,
  },
  {
    // password=…, token: …, "secret": "…", aws_secret_access_key = …, --password=…, api-key=…, passphrase: …
    name: 'secret-pair',
    pattern:
      /\b([\w.-]*(?:password|passwd|pwd|passphrase|token|secret|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret)[\w.-]*)(["']?\s*(?:=|:)\s*)("[^"\n]*"|'[^'\n]*'|(?!\[REDACTED\])[^\s"',;&}]+)/gi,
    replace: (_m, key: string, sep: string, value: string) => {
      const quote = value.startsWith('"') || value.startsWith("'") ? value[0]! : '';
      return `${key}${sep}${quote}${REDACTED}${quote}`;
    },
  },
];

/** A function that removes secrets from text. */
export type Redactor = (text: string) => string;

/**
 * Values declared secret for this process (params with `secret: true`, credentials of a Prometheus URL).
 * Process-wide on purpose: every redactor (the timeline sink, the plan, the top-level error printer in
 * src/cli/main.ts) must mask them, including redactors made before the values were known.
 */
const declared = new Set<string>();

/** Shorter values are masked only where a whole string equals them: masking every `ab` would shred the text. */
const MIN_LITERAL = 4;

/** Adds values that every redactor of this process masks from now on (empty strings are ignored). */
export function declareSecrets(values: Iterable<string>): void {
  for (const value of values) {
    if (value === '') continue;
    declared.add(value);
    // The same value as it shows up in a URL or a JSON string.
    for (const form of [encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]) if (form !== value) declared.add(form);
  }
}

/** Forgets the declared values (tests that run several CLIs in one process). */
export function clearDeclaredSecrets(): void {
  declared.clear();
}

function maskDeclared(text: string): string {
  if (declared.size === 0) return text;
  if (declared.has(text)) return REDACTED;
  let out = text;
  // Longest first, so a value that contains another is masked whole.
  for (const value of [...declared].sort((a, b) => b.length - a.length)) {
    if (value.length >= MIN_LITERAL && out.includes(value)) out = out.split(value).join(REDACTED);
  }
  return out;
}

/**
 * Builds a redactor from the declared secrets, the built-in rules, and extra regular expressions (from
 * `.runbookrc` `redact`); every match of an extra pattern is replaced whole. Throws on an invalid extra
 * pattern (a config error).
 */
export function createRedactor(extraPatterns: readonly string[] = []): Redactor {
  const extra = extraPatterns.map((source) => new RegExp(source, 'g'));
  return (text: string): string => {
    if (text === '') return text;
    let out = maskDeclared(text);
    out = redactKubernetesSecretData(out);
    for (const rule of BUILT_IN) out = out.replace(rule.pattern, rule.replace as (m: string, ...g: string[]) => string);
    for (const pattern of extra) out = out.replace(pattern, REDACTED);
    return out;
  };
}

/** The names of the built-in rules, in the order they apply (docs and tests list them). */
export const BUILT_IN_RULES: readonly string[] = BUILT_IN.map((rule) => rule.name);

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
const SECRET_KEY = /password|passwd|passphrase|token|secret|api[_-]?key|access[_-]?key|private[_-]?key|credential|cookie/i;

/**
 * Redacts every string inside a JSON-like value (objects, arrays), returning a new value. A string under a
 * secret-looking key is replaced whole, since a short secret has no shape the text rules could recognise.
 */
export function redactDeep<T>(value: T, redact: Redactor): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) {
    // An argv array: the word after `--password` / `--token` is a secret whatever it looks like.
    return value.map((item, index) =>
      typeof item === 'string' && index > 0 && typeof value[index - 1] === 'string' && SECRET_FLAG.test(value[index - 1] as string) && item !== ''
        ? REDACTED
        : redactDeep(item, redact),
    ) as T;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = typeof item === 'string' && item !== '' && SECRET_KEY.test(key) ? REDACTED : redactDeep(item, redact);
    }
    return out as T;
  }
  return value;
}
