// What can be followed on the chosen nodes: the kernel ring, every service (ServiceList), every log
// the node keeps (LogsContainers: Talos answers with its registered log ids, i.e. services and
// extension services), and the Kubernetes containers of each node (Containers, namespace k8s.io,
// as `talosctl containers -k`; pod sandboxes have no log and are left out). A typed id still works.
import { machine, type NodeTarget } from '../../talos/index.js';
import type { LogSelector } from '../../core/logs/selector.js';

export interface CatalogEntry {
  selector: LogSelector;
  /** Shown in the picker: "dmesg", "kubelet". */
  name: string;
  /** "kernel ring", "Running on 3/3", "log only". */
  note: string;
}

export interface Catalog {
  entries: CatalogEntry[];
  /** Nodes that did not answer, with the reason (the picker still offers dmesg and typed ids). */
  errors: { node: string; message: string }[];
}

/** Asks every node (in parallel) for its services and logs; never throws. */
export async function loadCatalog(nodes: readonly string[], targetFor: (node: string) => NodeTarget, signal?: AbortSignal): Promise<Catalog> {
  const services = new Map<string, { states: string[] }>();
  const logsOnly = new Set<string>();
  const containers: { node: string; id: string; pod: string; name: string; status: string }[] = [];
  const errors: Catalog['errors'] = [];
  await Promise.all(
    nodes.map(async (node) => {
      let target: NodeTarget;
      try {
        target = targetFor(node);
      } catch (err) {
        errors.push({ node, message: err instanceof Error ? err.message : String(err) });
        return;
      }
      const [list, ids, k8s] = await Promise.allSettled([
        machine.serviceList(target, { signal, deadlineMs: 8000 }),
        machine.logsContainers(target, { signal, deadlineMs: 8000 }),
        machine.containers(target, { namespace: 'k8s.io' }, { signal, deadlineMs: 8000 }),
      ]);
      // A node without Kubernetes yet (maintenance, or CRI not started) simply lists none.
      if (k8s.status === 'fulfilled') {
        for (const c of k8s.value) if (!machine.isPodSandbox(c)) containers.push({ node, id: c.id, pod: c.podId, name: c.name, status: c.status });
      }
      if (list.status === 'fulfilled') {
        for (const s of list.value) {
          const entry = services.get(s.id) ?? { states: [] };
          entry.states.push(s.state);
          services.set(s.id, entry);
        }
      } else {
        errors.push({ node, message: (list.reason as Error).message });
      }
      if (ids.status === 'fulfilled') for (const id of ids.value) logsOnly.add(id);
    }),
  );
  const entries: CatalogEntry[] = [{ selector: { kind: 'dmesg' }, name: 'dmesg', note: 'kernel ring' }];
  for (const id of [...services.keys()].sort()) {
    const states = services.get(id)!.states;
    const running = states.filter((s) => s === 'Running').length;
    const note = nodes.length > 1 ? `Running on ${running}/${nodes.length}` : (states[0] ?? '');
    entries.push({ selector: { kind: 'service', id }, name: id, note });
  }
  for (const id of [...logsOnly].sort()) {
    if (services.has(id)) continue;
    entries.push({ selector: { kind: 'service', id }, name: id, note: 'log only' });
  }
  containers.sort((a, b) => a.pod.localeCompare(b.pod) || a.name.localeCompare(b.name) || a.node.localeCompare(b.node));
  for (const c of containers) {
    const where = nodes.length > 1 ? ` on ${c.node}` : '';
    entries.push({ selector: { kind: 'container', id: c.id, node: c.node }, name: `${c.name || c.id} · ${c.pod.replace(/^[^/]*\//, '')}`, note: `k8s ${c.status.replace(/^CONTAINER_/, '').toLowerCase()}${where}` });
  }
  return { entries, errors };
}
