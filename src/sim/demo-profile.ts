// What --demo gives a newcomer to provision: five maintenance machines (3 control planes + 2 workers)
// next to the running demo cluster, and a cluster profile for them with its configDir (configs that
// share a fresh machine CA, and their talosconfig) written to a private temporary directory. The
// profile carries the machines' MACs, so matching is by MAC as on real hardware.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../io/atomic-file.js';
import { simClusterConfigs } from './cluster-configs.js';
import type { SimCluster } from './cluster.js';

/** Maintenance machines --demo starts: the Apply pane's two, then the five the profile expects. */
export const DEMO_MAINTENANCE = 7;
const PROFILE_MACHINES = 5;

export interface DemoProfile {
  file: string;
  remove(): Promise<void>;
}

export async function writeDemoProfile(sim: SimCluster): Promise<DemoProfile | null> {
  const machines = sim.nodes.filter((n) => n.mode === 'maintenance').slice(-PROFILE_MACHINES);
  if (machines.length < PROFILE_MACHINES || sim.onePortPerNode) return null;
  const base = machines[0]!.ip.split('.').slice(0, 3).join('.');
  const endpoint = `https://${base}.61:6443`;
  const dir = await mkdtemp(path.join(tmpdir(), 'talos-tui-demo-'));
  const configs = simClusterConfigs({ clusterName: 'demo-new', endpoint });
  await writeFileAtomic(path.join(dir, 'controlplane.yaml'), configs.controlplane);
  await writeFileAtomic(path.join(dir, 'worker.yaml'), configs.worker);
  await writeFileAtomic(path.join(dir, 'talosconfig'), configs.talosconfig);
  const nodes = machines.map((m, i) => {
    const name = i < 3 ? `new-cp${i + 1}` : `new-w${i - 2}`;
    return `  - name: ${name}\n    role: ${i < 3 ? 'controlplane' : 'worker'}\n    mac: "${m.macs[0]}"\n    address: ${base}.${61 + i}/24`;
  });
  const profile = [
    '# A cluster profile for the five maintenance machines of talos-tui --demo.',
    '# Provision it with: talos-tui provision THIS_FILE (add --dry-run to see the plan only).',
    'cluster:',
    '  name: demo-new',
    `  endpoint: ${endpoint}`,
    '  talosVersion: v1.13',
    'configDir: .',
    `scan: [${base}.0/24]`,
    'nodes:',
    ...nodes,
    '',
  ].join('\n');
  const file = path.join(dir, 'cluster.yaml');
  await writeFileAtomic(file, profile);
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}
