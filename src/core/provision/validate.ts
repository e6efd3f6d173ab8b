// Is a profile fit to provision from? Checks on the profile alone, before anything is read from disk
// or sent: each problem is one sentence naming the entry and field at fault. Warnings do not stop a
// run (an even number of control planes works, but etcd tolerates no more failures than with one less).
import { isHostname, type Inventory } from '../inventory.js';

export interface ProfileCheck {
  errors: string[];
  warnings: string[];
}

export function validateProfile(profile: Inventory): ProfileCheck {
  const src = profile.source;
  const errors: string[] = [];
  const warnings = [...profile.warnings];
  if (!profile.cluster) errors.push(`${src}: cluster.name and cluster.endpoint are needed to provision`);
  if (!profile.secrets && !profile.configDir) {
    errors.push(`${src}: name the configs: "secrets:" (a secrets bundle for native generation) or "configDir:" (ready controlplane.yaml, worker.yaml and talosconfig)`);
  }
  if (profile.secrets && profile.configDir) errors.push(`${src}: give "secrets:" or "configDir:", not both (which configs did you mean?)`);
  const controlPlanes = profile.nodes.filter((n) => n.role === 'controlplane');
  if (controlPlanes.length === 0) errors.push(`${src}: no node has role controlplane: a cluster needs at least one control plane`);
  else if (controlPlanes.length % 2 === 0) {
    warnings.push(
      `${src}: ${controlPlanes.length} control planes: etcd quorum with an even number tolerates no more failures than ${controlPlanes.length - 1}; use an odd number`,
    );
  }
  const hostnames = new Map<string, number>();
  const addresses = new Map<string, number>();
  profile.nodes.forEach((node, i) => {
    const where = `${src}: nodes[${i}] (${node.name})`;
    if (!isHostname(node.hostname)) errors.push(`${where}: hostname ${node.hostname} is not a valid hostname (set "hostname:")`);
    const sameHost = hostnames.get(node.hostname);
    if (sameHost !== undefined) errors.push(`${where}: hostname ${node.hostname} is already used by nodes[${sameHost}] (${profile.nodes[sameHost]!.name})`);
    else hostnames.set(node.hostname, i);
    if (node.ip) {
      const sameIp = addresses.get(node.ip);
      if (sameIp !== undefined) errors.push(`${where}: address ${node.ip} is already used by nodes[${sameIp}] (${profile.nodes[sameIp]!.name})`);
      else addresses.set(node.ip, i);
    }
  });
  return { errors, warnings };
}

/** Patch files of a node in the order they apply: all, the role's, the node's own. */
export function patchOrder(profile: Inventory, name: string): string[] {
  const node = profile.nodes.find((n) => n.name === name);
  if (!node) return [];
  return [...profile.patches.all, ...profile.patches[node.role], ...node.patches];
}
