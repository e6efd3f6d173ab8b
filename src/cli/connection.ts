// Builds the Talos session for a headless command from the talosctl-style flags, so every command
// resolves talosconfig, context, endpoints and nodes the same way (and names the input at fault).
import { openSession, type TalosSession } from '../talos/index.js';
import { commaList, UsageError } from './args.js';

export interface ConnectionFlags {
  talosconfig?: string;
  context?: string;
  endpoints?: string[];
  nodes?: string[];
}

/** Nodes named with -n, comma lists allowed; a command that needs at least one says so here. */
export function requireNodes(command: string, flags: ConnectionFlags): string[] {
  const nodes = commaList(flags.nodes);
  if (nodes.length === 0) throw new UsageError(`${command}: name the node(s) with -n IP[,IP]`);
  return nodes;
}

/** Opens the shared session (TalosconfigError propagates: it already names the file and context). */
export function sessionFromFlags(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): TalosSession {
  return openSession({
    talosconfig: flags.talosconfig,
    context: flags.context,
    endpoints: commaList(flags.endpoints),
    nodes: commaList(flags.nodes),
    env,
  });
}
