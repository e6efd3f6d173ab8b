// Merging a cluster's kubeconfig into the admin's, the way `talosctl kubeconfig` does (through
// siderolabs/go-kubeconfig): every cluster, user and context of the new file is added; one whose name
// is taken by a different entry is replaced with --force, otherwise renamed NAME-1, NAME-2, ... (the
// non-interactive choice), and the context references follow the renames; an identical entry is left
// alone; the new context becomes current. Other entries are kept as they are.
// (Interim, provisioning's own: the shared kubeconfig merge of the console work replaces it.)
import { parse, stringify } from 'yaml';

type Named = { name: string; [key: string]: unknown };
type Kubeconfig = { clusters?: Named[]; users?: Named[]; contexts?: Named[]; 'current-context'?: string; [key: string]: unknown };

export interface KubeconfigMerge {
  text: string;
  context: string;
  /** "user admin@c -> admin@c-1": what was renamed, or replaced with force. */
  changes: string[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function asConfig(text: string | null, what: string): Kubeconfig {
  if (text === null || text.trim() === '') return { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [] };
  const parsed: unknown = parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${what} is not a kubeconfig (expected a mapping)`);
  return parsed as Kubeconfig;
}

export function mergeKubeconfig(existing: string | null, incoming: string, opts: { force: boolean }): KubeconfigMerge {
  const base = asConfig(existing, 'the existing kubeconfig');
  const add = asConfig(incoming, 'the cluster\'s kubeconfig');
  const changes: string[] = [];
  const renames: Record<'clusters' | 'users' | 'contexts', Map<string, string>> = { clusters: new Map(), users: new Map(), contexts: new Map() };
  const label = { clusters: 'cluster', users: 'user', contexts: 'context' } as const;
  for (const kind of ['clusters', 'users', 'contexts'] as const) {
    const list = (base[kind] ??= []);
    for (const original of add[kind] ?? []) {
      const entry = structuredClone(original);
      if (kind === 'contexts') {
        const ctx = entry.context as { cluster?: string; user?: string } | undefined;
        if (ctx?.cluster) ctx.cluster = renames.clusters.get(ctx.cluster) ?? ctx.cluster;
        if (ctx?.user) ctx.user = renames.users.get(ctx.user) ?? ctx.user;
      }
      const at = list.findIndex((e) => e.name === entry.name);
      if (at < 0) list.push(entry);
      else if (same(list[at], entry)) continue;
      else if (opts.force) {
        list[at] = entry;
        changes.push(`${label[kind]} ${entry.name} replaced (--force)`);
      } else {
        let n = 1;
        while (list.some((e) => e.name === `${entry.name}-${n}`)) n++;
        const renamed = `${entry.name}-${n}`;
        renames[kind].set(entry.name, renamed);
        changes.push(`${label[kind]} ${entry.name} exists: added as ${renamed} (--force replaces)`);
        list.push({ ...entry, name: renamed });
      }
    }
  }
  const first = add.contexts?.[0]?.name ?? add['current-context'] ?? '';
  const context = renames.contexts.get(first) ?? first;
  if (context) base['current-context'] = context;
  return { text: stringify(base), context, changes };
}
