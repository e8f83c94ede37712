/** Where rule documentation lives, for SARIF and JSON output. */

/**
 * Absolute base URL of the published docs/ folder, from `RUNBOOK_DOCS_URL` (e.g. your fork's
 * `https://…/blob/main/docs/`). The project has no canonical public URL yet, so without it SARIF carries
 * no `helpUri` (it is optional) and `help.text` names the doc file in the repository instead.
 */
export function docsBaseUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const base = env.RUNBOOK_DOCS_URL;
  if (!base || !/^https?:\/\//.test(base)) return undefined;
  return base.endsWith('/') ? base : `${base}/`;
}

/** The repository path of a lint rule's documentation page. */
export function ruleDocsPath(ruleId: string): string {
  return `docs/rules/${ruleId}.md`;
}

/** The absolute documentation URL of a lint rule, when a docs base URL is configured. */
export function ruleDocsUrl(ruleId: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const base = docsBaseUrl(env);
  return base ? `${base}rules/${ruleId}.md` : undefined;
}

/** The absolute URL of the format docs section of a parser rule id, when a docs base URL is configured. */
export function formatDocsUrl(ruleId: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const base = docsBaseUrl(env);
  return base ? `${base}format.md#${ruleId}` : undefined;
}
