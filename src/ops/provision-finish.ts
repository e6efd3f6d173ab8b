// The end of a provisioning run (runbook steps 11-12): the cluster's kubeconfig saved the way the
// Apply pane saves it (src/ops/kubeconfig.ts: merged into ~/.kube/config or the one $KUBECONFIG file,
// as talosctl kubeconfig) and its talosconfig context written or merged
// ($TALOSCONFIG, else ~/.talos/config) with endpoints = the control planes and nodes = all nodes.
import { mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Plan } from '../core/provision/plan.js';
import { mergeTalosconfig } from '../core/provision/talosconfig-merge.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import { machine, type ResolvedContext, type TalosSession } from '../talos/index.js';
import { shortPath } from './short-path.js';
import { defaultKubeconfigPath, describeSaved, saveKubeconfig } from './kubeconfig.js';

export interface FinishOptions {
  session: TalosSession;
  controlPlane: string;
  plan: Plan;
  talosconfig: ResolvedContext;
  env: NodeJS.ProcessEnv;
  force: boolean;
  kubeconfigPath?: string;
  talosconfigPath?: string;
}

/**
 * Where the kubeconfig will be merged: --kubeconfig, else as talosctl kubeconfig does ($KUBECONFIG
 * when it names one file, else ~/.kube/config). Called before anything is sent, because a $KUBECONFIG
 * with several files is refused (talosctl: "multiple kubeconfig files defined").
 */
export function kubeconfigDestination(env: NodeJS.ProcessEnv, kubeconfigPath?: string): string {
  return kubeconfigPath ?? defaultKubeconfigPath(env, env.HOME ?? os.homedir());
}

export function defaultTalosconfigPath(env: NodeJS.ProcessEnv): string {
  return env.TALOSCONFIG || path.join(env.HOME ?? os.homedir(), '.talos', 'config');
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function writeMerged(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, text, { overwrite: true, what: shortPath(file) });
}

/** The talosconfig YAML of a resolved context (its credentials back in talosconfig form). */
function talosconfigText(ctx: ResolvedContext): string {
  const b64 = (pem: string) => Buffer.from(pem).toString('base64');
  return stringify({ context: ctx.contextName, contexts: { [ctx.contextName]: { endpoints: [], nodes: [], ca: b64(ctx.caPem), crt: b64(ctx.certPem), key: b64(ctx.keyPem) } } });
}

/** Returns one line per file written. */
export async function finishCluster(o: FinishOptions): Promise<string[]> {
  const notes: string[] = [];
  const active = o.plan.rows.filter((r) => r.target && r.action !== 'none');
  const kubeconfig = await machine.kubeconfig(o.session.target(o.controlPlane));
  const kubePath = kubeconfigDestination(o.env, o.kubeconfigPath);
  notes.push(describeSaved(await saveKubeconfig(kubeconfig, kubePath, { force: o.force }), shortPath(kubePath)));
  const talosPath = o.talosconfigPath ?? defaultTalosconfigPath(o.env);
  const talos = mergeTalosconfig(await readIfExists(talosPath), talosconfigText(o.talosconfig), {
    clusterName: o.plan.clusterName,
    endpoints: active.filter((r) => r.role === 'controlplane').map((r) => r.target!),
    nodes: active.map((r) => r.target!),
    force: o.force,
  });
  await writeMerged(talosPath, talos.text);
  notes.push(`talosconfig: ${talos.change} in ${shortPath(talosPath)} (endpoints: the control planes; nodes: all)`);
  return notes;
}
