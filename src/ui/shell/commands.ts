// The `:` command line: parsing is pure so it is tested without a terminal.
import type { PaneId } from '../pane-types.js';

export type ShellCommand =
  | { kind: 'pane'; pane: PaneId }
  | { kind: 'ctx'; name: string }
  | { kind: 'node'; nodes: string[] }
  | { kind: 'help' }
  | { kind: 'messages' }
  | { kind: 'quit' }
  | { kind: 'error'; message: string };

const paneCommands: Record<string, PaneId> = {
  discover: 'discovery',
  discovery: 'discovery',
  apply: 'apply',
  meta: 'meta',
  status: 'status',
  services: 'status',
  etcd: 'status',
  logs: 'logs',
  provision: 'provision',
};

/** The commands as the ? help lists them; the first word of each is what Tab completes. */
export const commandHelp: ReadonlyArray<{ usage: string; help: string }> = [
  { usage: 'discover', help: 'open Discovery (also: apply, meta, status, logs, provision)' },
  { usage: 'node IP[,IP]', help: 'aim calls at these nodes (shown in the header)' },
  { usage: 'ctx NAME', help: 'switch to another talosconfig context (new session)' },
  { usage: 'messages', help: 'the last messages in full (the status row wraps or replaces them)' },
  { usage: 'help', help: 'this help' },
  { usage: 'q', help: 'quit (asks first while work is running)' },
];

/** Command words Tab completes: the commands and every pane name. */
export const commandWords = ['discover', 'discovery', 'apply', 'meta', 'status', 'services', 'etcd', 'logs', 'provision', 'node', 'ctx', 'messages', 'help', 'quit'] as const;

/** What Tab can complete besides command words. */
export interface CompletionSources {
  /** Context names of the talosconfig (`:ctx`). */
  contexts: readonly string[];
  /** Node addresses known to the console: selected, the context's, discovered (`:node`). */
  nodes: readonly string[];
}

export interface Completion {
  /** The line after Tab. */
  line: string;
  /** Every candidate when more than one matches (shown to the user), else empty. */
  candidates: string[];
}

function commonPrefix(words: readonly string[]): string {
  let p = words[0] ?? '';
  for (const w of words) while (!w.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/**
 * Tab on the `:` line: the command word, then a context name after `ctx`, a node address after
 * `node` (the last of a comma list). One match completes it (with a space after a command word); several
 * complete their common prefix and are listed. Pure.
 */
export function completeCommand(line: string, sources: CompletionSources): Completion {
  const m = /^(\s*)(\S*)(\s+)?(.*)$/.exec(line)!;
  const [, lead = '', word = '', space, rest = ''] = m;
  const pick = (prefix: string, pool: readonly string[], suffix: string, rebuild: (w: string) => string): Completion => {
    const matches = [...new Set(pool.filter((w) => w.startsWith(prefix)))];
    if (matches.length === 0) return { line, candidates: [] };
    if (matches.length === 1) return { line: rebuild(matches[0]! + suffix), candidates: [] };
    return { line: rebuild(commonPrefix(matches)), candidates: matches };
  };
  if (space === undefined) return pick(word, commandWords, ' ', (w) => lead + w);
  const cmd = word.toLowerCase();
  if (cmd === 'ctx' || cmd === 'context') return pick(rest, sources.contexts, '', (w) => `${lead}${word}${space}${w}`);
  if (cmd === 'node' || cmd === 'nodes') {
    const cut = Math.max(rest.lastIndexOf(','), rest.lastIndexOf(' ')) + 1;
    const head = rest.slice(0, cut);
    const typed = new Set(head.split(/[\s,]+/));
    return pick(rest.slice(cut), sources.nodes.filter((n) => !typed.has(n)), '', (w) => `${lead}${word}${space}${head}${w}`);
  }
  return { line, candidates: [] };
}

/** The line with its last word (and the blanks after it) removed: Ctrl+W as in a shell. */
export function eraseWord(line: string): string {
  return line.replace(/\S*\s*$/, '');
}

// An IPv4 address, an IPv6 address, or a DNS name: what talosctl accepts for -n.
const nodePattern = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*|[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)$/i;

function validNode(node: string): boolean {
  if (!nodePattern.test(node)) return false;
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(node)) return node.split('.').every((octet) => Number(octet) <= 255);
  return true;
}

export function parseShellCommand(line: string): ShellCommand {
  const [word = '', ...rest] = line.trim().replace(/^:/, '').split(/\s+/).filter((w) => w.length > 0);
  const arg = rest.join(' ');
  const lower = word.toLowerCase();
  if (lower === '') return { kind: 'error', message: 'empty command: try :discover, :status, :logs, :node IP or :ctx NAME' };
  const pane = paneCommands[lower];
  if (pane !== undefined) {
    if (arg !== '') return { kind: 'error', message: `:${lower} takes no argument (got "${arg}")` };
    return { kind: 'pane', pane };
  }
  switch (lower) {
    case 'ctx':
    case 'context':
      if (rest.length !== 1) return { kind: 'error', message: ':ctx needs one context name, e.g. :ctx prod' };
      return { kind: 'ctx', name: rest[0]! };
    case 'node':
    case 'nodes': {
      const nodes = arg.split(/[\s,]+/).filter((n) => n.length > 0);
      if (nodes.length === 0) return { kind: 'error', message: ':node needs an address, e.g. :node 10.0.0.11 or :node 10.0.0.11,10.0.0.12' };
      const bad = nodes.find((n) => !validNode(n));
      if (bad !== undefined) return { kind: 'error', message: `:node: "${bad}" is not an IP address or host name` };
      return { kind: 'node', nodes: [...new Set(nodes)] };
    }
    case 'help':
    case '?':
      return { kind: 'help' };
    case 'messages':
    case 'msgs':
      return { kind: 'messages' };
    case 'q':
    case 'quit':
    case 'exit':
      return { kind: 'quit' };
    default:
      return { kind: 'error', message: `unknown command ":${word}": try :discover :apply :meta :status :logs :provision :ctx NAME :node IP :messages` };
  }
}
