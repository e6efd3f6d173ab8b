// Saving a cluster's admin kubeconfig, shared by the Apply pane and the provisioning flow: like
// `talosctl kubeconfig` (merge on by default), into ~/.kube/config (or the single $KUBECONFIG file):
// merged when the file exists (src/core/kubeconfig-merge.ts: a context named after the cluster,
// other contexts kept, conflicts renamed unless forced), written as it came when it does not. Every
// write goes through src/io/atomic-file.ts (0600, atomic). Returns what happened; never prints.
import { lstat, mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mergeKubeconfig, type KubeconfigRename } from '../core/kubeconfig-merge.js';
import { writeFileAtomic } from '../io/atomic-file.js';

/** Where `talosctl kubeconfig` merges by default: $KUBECONFIG when it names one file, else ~/.kube/config. */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string {
  const list = (env.KUBECONFIG ?? '').split(path.delimiter).filter((p) => p !== '');
  // talosctl refuses it too (go-kubeconfig SinglePath: "multiple kubeconfig files defined").
  if (list.length > 1) throw new Error(`$KUBECONFIG names ${list.length} files (${list.join(path.delimiter)}): the kubeconfig is merged into one, so name it`);
  return list[0] ?? path.join(home, '.kube', 'config');
}

export interface KubeconfigSaveOptions {
  /** Overwrite conflicting clusters/users of an existing file (talosctl --force) instead of renaming. */
  force?: boolean;
}

export interface KubeconfigSaved {
  path: string;
  /** 'merged' into an existing file, or 'written' as a new one. */
  how: 'merged' | 'written';
  /** The context now current in that file. */
  context: string;
  renamed: KubeconfigRename[];
  overwritten: string[];
}

/** Save `kubeconfig` (the node's admin kubeconfig text) to `file`, merging into it when it exists. */
export async function saveKubeconfig(kubeconfig: string, file: string, opts: KubeconfigSaveOptions = {}): Promise<KubeconfigSaved> {
  const dest = path.resolve(file);
  const existing = await lstat(dest).catch(() => null);
  if (!existing) {
    // As talosctl: the directory (~/.kube) is created when missing.
    await mkdir(path.dirname(dest), { recursive: true, mode: 0o700 });
    const merged = mergeKubeconfig(null, kubeconfig);
    await writeFileAtomic(dest, kubeconfig, { what: 'the kubeconfig' });
    return { path: dest, how: 'written', context: merged.context, renamed: [], overwritten: [] };
  }
  if (!existing.isFile()) throw new Error(`cannot merge the kubeconfig into ${file}: it is not a regular file`);
  const current = await readFile(dest, 'utf8');
  const merged = mergeKubeconfig(current, kubeconfig, { force: opts.force });
  await writeFileAtomic(dest, merged.yaml, { overwrite: true, what: 'the kubeconfig' });
  return { path: dest, how: 'merged', context: merged.context, renamed: merged.renamed, overwritten: merged.overwritten };
}

/** One sentence about a save, for a pane's note or a command's output. */
export function describeSaved(s: KubeconfigSaved, shown: string): string {
  const renames = s.renamed.map((r) => `${r.kind} ${r.from} -> ${r.to}`).join(', ');
  if (s.how === 'written') return `kubeconfig written to ${shown} (0600), context ${s.context}`;
  return `kubeconfig merged into ${shown}: context ${s.context} is current${renames ? ` (already there with other data, renamed: ${renames})` : ''}${s.overwritten.length ? ` (replaced: ${s.overwritten.join(', ')})` : ''}`;
}
