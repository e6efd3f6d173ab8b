// Merging a cluster's admin kubeconfig into an existing one (~/.kube/config), the way `talosctl
// kubeconfig` does (siderolabs/go-kubeconfig Merger.Merge, called with ActivateContext):
// - clusters, then users (auth infos), then contexts of the new config are added by name; every entry
//   of the existing file that is not named by the new one is kept;
// - a name that exists with DIFFERENT content is a conflict: with force it is overwritten, otherwise
//   the new entry is renamed `name-1`, `name-2`, … (talosctl's non-interactive answer);
// - a user's name follows its cluster's rename (`admin@prod` -> `admin@prod-1`), a context's name
//   follows its user's, and the context points at the renamed cluster and user;
// - an existing context of the same (final) name is replaced, and current-context is set to it.
// Pure: YAML text in, YAML text out, plus what happened, for the pane and the provisioning flow.
import { parse, stringify } from 'yaml';

export interface KubeconfigMergeOptions {
  /** Overwrite conflicting entries (talosctl --force) instead of renaming the new ones. */
  force?: boolean;
  /** Name the merged context this (talosctl --force-context-name). */
  contextName?: string;
}

export interface KubeconfigRename {
  kind: 'cluster' | 'user';
  from: string;
  to: string;
}

export interface KubeconfigMergeResult {
  /** The merged kubeconfig. */
  yaml: string;
  /** The context now current (the new cluster's). */
  context: string;
  renamed: KubeconfigRename[];
  /** Entries of the existing file replaced by different content (force). */
  overwritten: string[];
}

/** A kubeconfig that cannot be merged (not YAML, not a kubeconfig): one sentence naming which. */
export class KubeconfigError extends Error {
  override name = 'KubeconfigError';
}

type Named = { name: string } & Record<string, unknown>;
interface Kubeconfig {
  clusters: Named[];
  users: Named[];
  contexts: Named[];
  rest: Record<string, unknown>;
  current: string | undefined;
}

function load(text: string, what: string): Kubeconfig {
  let doc: unknown;
  try {
    doc = text.trim() === '' ? {} : parse(text);
  } catch (err) {
    throw new KubeconfigError(`${what} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) doc = {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new KubeconfigError(`${what} is not a kubeconfig (expected a mapping with clusters, users and contexts)`);
  const d = doc as Record<string, unknown>;
  const list = (key: string): Named[] => {
    const v = d[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((e) => typeof e !== 'object' || e === null || typeof (e as { name?: unknown }).name !== 'string')) {
      throw new KubeconfigError(`${what}: "${key}" must be a list of entries with a name`);
    }
    return v as Named[];
  };
  const { clusters: _c, users: _u, contexts: _x, 'current-context': current, ...rest } = d;
  return { clusters: list('clusters'), users: list('users'), contexts: list('contexts'), rest, current: typeof current === 'string' ? current : undefined };
}

/** Key-order-insensitive equality of two parsed YAML values. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function freeName(name: string, taken: (n: string) => boolean): string {
  let i = 0;
  let candidate = name;
  while (taken(candidate)) candidate = `${name}-${++i}`;
  return candidate;
}

const replaceAll = (s: string, renames: ReadonlyMap<string, string>) => {
  let out = s;
  for (const [from, to] of renames) if (from !== to) out = out.split(from).join(to);
  return out;
};

/** Merge `incoming` (the node's admin kubeconfig) into `existing` (null: no file yet). */
export function mergeKubeconfig(existing: string | null, incoming: string, opts: KubeconfigMergeOptions = {}): KubeconfigMergeResult {
  const into = load(existing ?? '', 'the existing kubeconfig');
  const add = load(incoming, "the node's kubeconfig");
  if (add.contexts.length === 0) throw new KubeconfigError("the node's kubeconfig has no context");
  const renamed: KubeconfigRename[] = [];
  const overwritten: string[] = [];

  /** Decide each new entry's name in one section (cluster or user); returns old -> merged names. */
  const place = (kind: 'cluster' | 'user', entries: Named[], current: Named[], nameOf: (n: string) => string) => {
    const map = new Map<string, string>();
    for (const e of entries) {
      let name = nameOf(e.name);
      const old = current.find((c) => c.name === name);
      if (old && !same({ ...old, name: '' }, { ...e, name: '' })) {
        if (opts.force) overwritten.push(`${kind} ${name}`);
        else {
          const to = freeName(name, (n) => current.some((c) => c.name === n));
          renamed.push({ kind, from: name, to });
          name = to;
        }
      }
      map.set(e.name, name);
    }
    return map;
  };
  const clusterNames = place('cluster', add.clusters, into.clusters, (n) => n);
  const userNames = place('user', add.users, into.users, (n) => replaceAll(n, clusterNames));

  const upsert = (list: Named[], entry: Named) => {
    const i = list.findIndex((x) => x.name === entry.name);
    if (i >= 0) list[i] = entry;
    else list.push(entry);
  };
  for (const c of add.clusters) upsert(into.clusters, { ...c, name: clusterNames.get(c.name)! });
  for (const u of add.users) upsert(into.users, { ...u, name: userNames.get(u.name)! });
  let context = '';
  for (const x of add.contexts) {
    const name = opts.contextName || replaceAll(x.name, userNames);
    const body = (typeof x.context === 'object' && x.context !== null ? x.context : {}) as Record<string, unknown>;
    const cluster = typeof body.cluster === 'string' ? (clusterNames.get(body.cluster) ?? body.cluster) : body.cluster;
    const user = typeof body.user === 'string' ? (userNames.get(body.user) ?? body.user) : body.user;
    upsert(into.contexts, { ...x, name, context: { ...body, cluster, user } });
    context = name;
  }
  const out = {
    apiVersion: 'v1',
    kind: 'Config',
    ...into.rest,
    clusters: into.clusters,
    contexts: into.contexts,
    'current-context': context,
    users: into.users,
  };
  return { yaml: stringify(out), context, renamed, overwritten };
}
