/**
 * Splits the text of a shell/console fence into commands and everything else (output, comments), keeping
 * every original line so nothing a reader wrote is lost.
 */

/** A command (prompt stripped, continuation lines kept) or a run of other lines. */
export type ConsolePiece =
  | { type: 'command'; text: string; raw: string[]; line: number }
  | { type: 'other'; raw: string[]; line: number };

/** Programs whose name at the start of a line (with no prompt in the fence) marks that line as a command. */
export const KNOWN_TOOLS = new Set([
  'kubectl', 'oc', 'etcdctl', 'curl', 'wget', 'jq', 'yq', 'journalctl', 'systemctl', 'helm', 'amtool', 'promtool',
  'docker', 'crictl', 'podman', 'cat', 'df', 'du', 'lsof', 'sysctl', 'grep', 'awk', 'sed', 'ls', 'ssh', 'chroot',
  'export', 'echo', 'watch', 'ps', 'free', 'ip', 'ping', 'dig', 'nslookup', 'openssl', 'mount', 'umount', 'dmesg',
  'kill', 'sudo', 'kubeadm', 'aws', 'gcloud', 'az', 'mdadm', 'chronyc', 'timedatectl', 'ntpq', 'ethtool',
  'iptables', 'conntrack', 'tail', 'head', 'find', 'rm', 'mkdir', 'cp', 'mv', 'exit', 'ss', 'netstat', 'top',
  'uptime', 'nc', 'telnet', 'tcpdump', 'stat', 'sort', 'uniq', 'wc', 'xargs', 'env', 'kustomize', 'istioctl',
  'linkerd', 'velero', 'argocd', 'flux', 'vault', 'consul', 'psql', 'mysql', 'redis-cli', 'nodetool', 'mongo',
]);

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const PROMPT = /^\s*([$#])\s+(\S.*)$/;
// `user@host:~$ cmd`, `root@db-01:/var/log# cmd`, `[root@host dir]# cmd`: a PS1 with the user and host in it.
const HOST_PROMPT = /^\s*(?:[\w.-]+@[\w.-]+(?::[^\s$#]*)?|\[[^\]\s]+@[^\]]+\])\s?([$#])\s+(\S.*)$/;
// `> kubectl get pods`: some teams write `>` as the prompt. Only before a known program, since `>` is also PS2.
const ANGLE_PROMPT = /^\s*>\s+(\S.*)$/;

function firstWord(text: string): string {
  return /^\s*(?:sudo\s+)?([^\s;|&()]+)/.exec(text)?.[1] ?? '';
}

/** True when a line (prompt already stripped) starts with something a reader would run. */
export function startsWithCommand(text: string): boolean {
  const word = firstWord(text);
  return KNOWN_TOOLS.has(word) || ASSIGNMENT.test(text.trim());
}

/**
 * Splits fence text into pieces. When any line has a prompt (`$ cmd`, `user@host:~$ cmd`, or `# cmd` / `> cmd`
 * for a known program), only
 * prompted lines are commands and the rest is output. Without prompts, lines starting with a known program or
 * a `VAR=value` assignment are commands and the rest is output or comments. A trailing `\` continues a command
 * (a PS2 `> ` prompt on the continuation is dropped); a heredoc runs to its terminator.
 */
export function splitConsole(text: string): ConsolePiece[] {
  const lines = text.split('\n');
  const prompted = (line: string): string | undefined => {
    const angle = ANGLE_PROMPT.exec(line);
    if (angle) return startsWithCommand(angle[1]!) ? angle[1]! : undefined;
    const host = HOST_PROMPT.exec(line);
    if (host) return host[2]!;
    const match = PROMPT.exec(line);
    if (!match) return undefined;
    if (match[1] === '#' && !startsWithCommand(match[2]!)) return undefined;
    return match[2]!;
  };
  const hasPrompts = lines.some((line) => prompted(line) !== undefined);
  const pieces: ConsolePiece[] = [];
  const other = (line: string, index: number): void => {
    const last = pieces.at(-1);
    if (last?.type === 'other') last.raw.push(line);
    else pieces.push({ type: 'other', raw: [line], line: index });
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const command = hasPrompts ? prompted(line) : startsWithCommand(line) ? line.trimStart() : undefined;
    if (command === undefined) {
      other(line, i);
      continue;
    }
    const start = i;
    const raw = [line];
    let body = command.replace(/[ \t]+$/, '');
    while (body.endsWith('\\') && i + 1 < lines.length) {
      i++;
      raw.push(lines[i]!);
      body += '\n' + (hasPrompts ? lines[i]!.replace(/^>\s?/, '') : lines[i]!).replace(/[ \t]+$/, '');
    }
    const heredoc = /<<-?\s*['"]?([A-Za-z_]\w*)['"]?/.exec(body)?.[1];
    if (heredoc) {
      while (i + 1 < lines.length) {
        i++;
        raw.push(lines[i]!);
        const next = hasPrompts ? lines[i]!.replace(/^>\s?/, '') : lines[i]!;
        body += '\n' + next;
        if (next.trim() === heredoc) break;
      }
    }
    pieces.push({ type: 'command', text: body, raw, line: start });
  }
  return pieces;
}
