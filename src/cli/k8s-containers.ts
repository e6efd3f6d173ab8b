// `talos-tui logs -n IP -k` without a container id: list the node's Kubernetes containers (what
// `talosctl containers -k` shows, minus the pod sandboxes, which have no log) and tell how to pass one.
import { machine, type NodeTarget } from '../talos/index.js';
import { formatTable, namingNode } from './output.js';
import type { CommandIO } from './commands/types.js';

export interface ContainerListing {
  nodes: string[];
  targetFor(node: string): NodeTarget;
}

/** Prints NODE POD ID IMAGE PID STATUS; returns 1 when a node could not be asked, else 0. */
export async function printK8sContainers(command: string, conn: ContainerListing, io: Pick<CommandIO, 'stdout' | 'stderr'>): Promise<number> {
  const results = await Promise.all(
    conn.nodes.map(async (node) => {
      try {
        return { node, ok: true as const, list: await machine.containers(conn.targetFor(node), { namespace: 'k8s.io', driver: 'cri' }) };
      } catch (err) {
        return { node, ok: false as const, message: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
  const rows: string[][] = [];
  for (const r of results) {
    if (!r.ok) continue;
    for (const c of r.list) {
      if (machine.isPodSandbox(c)) continue;
      rows.push([r.node, c.podId, c.id, c.image, c.pid ? String(c.pid) : '', c.status]);
    }
  }
  if (results.some((r) => r.ok)) io.stdout.write(formatTable(['NODE', 'POD', 'ID', 'IMAGE', 'PID', 'STATUS'], rows));
  for (const r of results) if (!r.ok) io.stderr.write(`talos-tui ${command}: ${namingNode(r.node, r.message)}\n`);
  if (rows.length > 0) {
    const example = rows[0]!;
    io.stderr.write(`pass a container ID to read its log, e.g.: talos-tui ${command} -n ${example[0]} -k ${example[2]}\n`);
  } else if (results.some((r) => r.ok)) {
    io.stderr.write('no Kubernetes containers on ' + results.filter((r) => r.ok).map((r) => r.node).join(', ') + '\n');
  }
  return results.every((r) => r.ok) ? 0 : 1;
}
