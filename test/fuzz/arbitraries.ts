/**
 * Markdown-ish arbitraries for the property tests: inputs built from the fragments runbooks are made of
 * (fences, containers, attribute blocks, placeholders, front matter, quotes, backslashes, odd Unicode), so
 * the generator reaches the parser's branches instead of only producing random noise.
 */
import fc from 'fast-check';

/** Pieces of runbook syntax, including broken and half-written ones. */
export const MARKDOWN_FRAGMENTS: readonly string[] = [
  '---\n', '---', 'title: x\n', 'params:\n  ns:\n    default: a\n    pattern: "[a-z]+"\n', 'prometheus: http://x\n',
  'params: [1,2]\n', 'title: [\n', ': :\n',
  '# ', '## ', '\n', '\n\n', '\r\n', '\r', ' ', '    ', '\t',
  '```', '````', '~~~', '```promql', '```kubectl', '```check', '```sh', '```mitigate', '```rollback', '```unknown',
  ' {#', '{#', '{#id', '{#a-b_c', '{#1bad', '}', '{', ' {#id}', ' {#id title="t"}', ' {expect="< 0.01"}', ' {of=x expect=empty}',
  ' {timeout=2s}', ' {within=2m every=5s}', ' {capture="pod=$.items[0].metadata.name"}', ' {run=kubectl}', ' {rollback}',
  '.cls', ' flag', 'key=value', 'key="v a l"', "key='v'", 'key="unterminated', '=', '==',
  ':::', ':::mitigate', ':::mitigate{#m}', ':::check', ':::promql{#p}', '::::', ':x', ':x[label]', '::leaf{a=b}',
  '{{', '}}', '{{ns}}', '{{ steps.a.b }}', '{{steps.x}}', '\\{{ns}}', '{{.metadata.name}}', '{{range .items}}',
  'kubectl get pods -n {{ns}}', 'kubectl rollout restart deployment/x', 'kubectl logs -f x | grep y', '$(id)', '`id`',
  ' && ', ' || ', ';', '|', '>', '2>', '&', '(', ')', '#', '# comment', '\\\n', '\\',
  '"', "'", '\\"', "\\'", 'sum(rate(x[5m]))', 'up == 0', '< 0.01', '>= 3', 'NaN', '+Inf',
  '- item\n', '* item\n', '1. one\n', '> quote\n', '<!-- c -->', '<div>', '[link](http://x)', '*em*', '_u_',
  'é', '✓', '\u2010\u2010kubeconfig', '；', '\u200b', '\u202e', '\ufeff', '\u0000', '\uffff', '😀', '\ud800', '\udc00',
];

const fragment = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...MARKDOWN_FRAGMENTS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
);

/** A document stitched from fragments (sometimes wrapped in a plausible skeleton). */
export const markdownish: fc.Arbitrary<string> = fc.oneof(
  fc.array(fragment, { maxLength: 40 }).map((parts) => parts.join('')),
  fc
    .tuple(fc.array(fragment, { maxLength: 8 }), fc.array(fragment, { maxLength: 8 }), fc.array(fragment, { maxLength: 12 }))
    .map(([front, head, body]) => `---\n${front.join('')}\n---\n\n# T\n\n\`\`\`${head.join('')}\n${body.join('')}\n\`\`\`\n`),
  fc
    .tuple(fc.array(fragment, { maxLength: 6 }), fc.array(fragment, { maxLength: 12 }))
    .map(([attrs, body]) => `# T\n\n:::mitigate{#m ${attrs.join('')}}\n\`\`\`kubectl\n${body.join('')}\n\`\`\`\n:::\n`),
);

/** Short strings from the same fragments, for single-line grammars (attributes, expect, command lines). */
export const lineish: fc.Arbitrary<string> = fc.array(fragment, { maxLength: 12 }).map((parts) => parts.join(''));
