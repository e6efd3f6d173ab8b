// `talos-tui logs -n IP[,IP] SERVICE [--tail N] [-f] [-k]`: a Talos service's log (namespace system), or
// with -k/--kubernetes a Kubernetes container's (namespace k8s.io, driver CRI), like talosctl logs.
// Several nodes: lines are prefixed "node: ". -f follows through drops and reboots (gap notes on
// stderr) until Ctrl+C, which exits 0.
import { runHeadlessLogs, untilInterrupted } from '../headless-logs.js';
import { insecureClient, type NodeTarget, type TalosClient, type TalosSession } from '../../talos/index.js';
import { commaList, connectionOptions, intFlag, parseCommandLine, UsageError } from '../args.js';
import { requireNodes, sessionFromFlags } from '../connection.js';
import { printK8sContainers } from '../k8s-containers.js';
import type { Command, CommandIO } from './types.js';

const INT32_MAX = 2 ** 31 - 1;

export const logStreamOptions = {
  ...connectionOptions,
  tail: { type: 'string' },
  follow: { type: 'boolean', short: 'f' },
} as const;

interface StreamFlags {
  talosconfig?: string;
  context?: string;
  endpoints?: string[];
  nodes?: string[];
  insecure?: boolean;
  'cert-fingerprint'?: string[];
  tail?: string;
  follow?: boolean;
}

export interface Connection {
  nodes: string[];
  targetFor(node: string): NodeTarget;
  close(): void;
}

/**
 * Nodes and how to reach them: with -i each node directly over the insecure (maintenance) API, else
 * through the talosconfig's endpoints; without -n, the context's nodes.
 */
export function connect(command: string, flags: StreamFlags, env: NodeJS.ProcessEnv): Connection {
  if (flags.insecure) {
    const nodes = requireNodes(command, flags);
    const clients = new Map<string, TalosClient>();
    const fingerprints = commaList(flags['cert-fingerprint']);
    return {
      nodes,
      targetFor: (node) => insecureClient(node, { fingerprints }, clients),
      close: () => clients.forEach((c) => c.close()),
    };
  }
  const session: TalosSession = sessionFromFlags(flags, env);
  const nodes = commaList(flags.nodes).length > 0 ? commaList(flags.nodes) : [...session.context.nodes];
  if (nodes.length === 0) {
    session.close();
    requireNodes(command, flags); // throws the usage sentence
  }
  return { nodes, targetFor: (node) => session.target(node), close: () => session.close() };
}

export function tailFlag(value: string | undefined): number {
  return intFlag('tail', value, -1, 0, INT32_MAX);
}

export async function runStream(command: string, flags: StreamFlags, selector: Parameters<typeof runHeadlessLogs>[0]['selector'], io: CommandIO): Promise<number> {
  const tail = tailFlag(flags.tail);
  const conn = connect(command, flags, io.env);
  try {
    return await untilInterrupted((signal) =>
      runHeadlessLogs({
        command,
        nodes: conn.nodes,
        targetFor: conn.targetFor,
        selector,
        tail,
        follow: flags.follow ?? false,
        insecure: flags.insecure,
        stdout: io.stdout,
        stderr: io.stderr,
        signal,
      }),
    );
  } finally {
    conn.close();
  }
}

export const command: Command = {
  name: 'logs',
  summary: 'print (or follow with -f) a service log, or a Kubernetes container log with -k',
  usage: 'talos-tui logs -n IP[,IP] SERVICE [--tail N] [-f] [-k] [-i] [--talosconfig FILE] [--context NAME] [-e IP]',
  async run(argv, io) {
    const { values, positionals } = parseCommandLine('logs', argv, { ...logStreamOptions, kubernetes: { type: 'boolean', short: 'k' } });
    if (positionals.length === 0 && values.kubernetes) {
      // -k without an id: list the Kubernetes containers to pick from (talosctl containers -k).
      const conn = connect('logs', values, io.env);
      try {
        return await printK8sContainers('logs', conn, io);
      } finally {
        conn.close();
      }
    }
    if (positionals.length === 0) throw new UsageError('logs: name the service (e.g. talos-tui logs -n IP kubelet), or a container id with -k');
    if (positionals.length > 1) throw new UsageError(`logs: one service at a time, got ${positionals.length}: ${positionals.join(' ')}`);
    const id = positionals[0]!;
    return runStream('logs', values, values.kubernetes ? { kind: 'container', id } : { kind: 'service', id }, io);
  },
};
