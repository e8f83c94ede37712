/**
 * Where a fence sits in the runbook's outline: under a Mitigation/Remediation/Fix/Resolution/Recovery heading,
 * a command is the change the author means to make, so it becomes a `mitigate` step (gated, and counted as the
 * mitigation in the run's outcome) unless it plainly only reads.
 */
import type { Code, Heading, Nodes, Root } from 'mdast';
import { visit } from 'unist-util-visit';

// Heading words that open a section of changes. "Fix" alone or "How to fix", not "prefix".
const MITIGATION_HEADING = /\b(?:mitigat\w*|remediat\w*|fix|fixes|fixing|resolution|resolv\w*|recover\w*|roll ?back|workarounds?|solutions?|repair\w*)\b/i;

function text(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(text).join('');
  return '';
}

/** Each fence under a mitigation heading (at any level above it), with that heading's text. */
export function mitigationSections(tree: Root): Map<Code, string> {
  const out = new Map<Code, string>();
  // Heading texts by depth (1–6) of the headings the walk is currently under.
  const open: Array<string | undefined> = [];
  visit(tree, (node) => {
    if (node.type === 'heading') {
      const heading = node as Heading;
      open.length = heading.depth - 1;
      open[heading.depth - 1] = text(heading).trim();
    } else if (node.type === 'code') {
      const match = [...open].reverse().find((h) => h !== undefined && MITIGATION_HEADING.test(h));
      if (match !== undefined) out.set(node as Code, match);
    }
  });
  return out;
}

/** Programs that only read whatever their arguments (in a mitigation section they stay plain steps). */
const READ_TOOLS = new Set([
  'cat', 'grep', 'egrep', 'zgrep', 'ls', 'df', 'du', 'ps', 'free', 'uptime', 'dig', 'nslookup', 'ping', 'head', 'tail', 'wc', 'stat',
  'lsof', 'ss', 'netstat', 'jq', 'yq', 'echo', 'dmesg', 'journalctl', 'top', 'whoami', 'hostname', 'date', 'id', 'less', 'more',
]);

/** `systemctl status x`, `curl https://…` (no method, data or upload flag): reads. */
function readsBySubcommand(argv: readonly string[]): boolean {
  const [program, sub] = argv;
  if (program === 'systemctl') return sub === 'status' || sub === 'show' || sub === 'is-active' || sub === 'is-failed' || sub === 'list-units';
  if (program === 'curl') return !argv.some((w) => /^(?:-X|--request|-d|--data\S*|-F|--form|-T|--upload-file|-o|--output|-O)/.test(w));
  return false;
}

/** True when a command line's first program certainly only reads (`grep`, `systemctl status`, a plain `curl`). */
export function readOnlyTool(argv: readonly string[]): boolean {
  const words = argv[0] === 'sudo' ? argv.slice(1) : argv;
  return READ_TOOLS.has(words[0] ?? '') || readsBySubcommand(words);
}

/**
 * True when every command of a shell line (split at `|`, `;`, `&&`, `||`) only reads: a read-only kubectl/oc, or a
 * read-only tool. `classifyKubectl` decides for kubectl segments (passed in, so this module stays table-free).
 */
export function shellLineReads(line: string, split: (segment: string) => string[], kubectlReads: (argv: string[]) => boolean): boolean {
  // A command substitution reads when its own commands do; then it stands for one word.
  let flat = line;
  for (const inner of line.matchAll(/`([^`]*)`|\$\(([^()]*)\)/g)) {
    if (!shellLineReads(inner[1] ?? inner[2]!, split, kubectlReads)) return false;
    flat = flat.replace(inner[0], 'X');
  }
  if (/\$\(|`|>/.test(flat.replace(/2>&1|>\s*\/dev\/null/g, ''))) return false;
  return flat.split(/\|\||&&|[|;]/).every((segment) => {
    const argv = split(segment.trim());
    if (argv.length === 0) return true;
    return argv[0] === 'kubectl' || argv[0] === 'oc' ? kubectlReads(argv) : readOnlyTool(argv);
  });
}
