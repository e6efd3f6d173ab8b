// The `:` command line: parsing is pure so it is tested without a terminal.
import type { PaneId } from '../../features/pane-types.js';

export type ShellCommand =
  | { kind: 'pane'; pane: PaneId }
  | { kind: 'ctx'; name: string }
  | { kind: 'node'; nodes: string[] }
  | { kind: 'help' }
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
  { usage: 'help', help: 'this help' },
  { usage: 'q', help: 'quit' },
];

/** Command words Tab completes. */
export const commandWords = ['discover', 'apply', 'meta', 'status', 'logs', 'provision', 'node', 'ctx', 'help', 'quit'] as const;

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
    case 'q':
    case 'quit':
    case 'exit':
      return { kind: 'quit' };
    default:
      return { kind: 'error', message: `unknown command ":${word}": try :discover :apply :meta :status :logs :provision :ctx NAME :node IP` };
  }
}
