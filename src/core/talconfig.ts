// A talhelper talconfig.yaml read as a cluster profile, so talhelper users point the console at the
// file they already have. Only what provisioning needs is taken: clusterName, endpoint, talosVersion,
// kubernetesVersion, top-level / controlPlane / worker / per-node patches, and per node hostname,
// ipAddress, controlPlane, installDisk and the MACs of networkInterfaces[].deviceSelector.hardwareAddr.
// The result is the raw profile shape, which inventory.ts then validates like any profile, so errors
// read the same. Every other talhelper key is listed in one warning (not silently dropped).
//
// talhelper's patches are "@./file.yaml" references or inline YAML; only file references are taken:
// an inline patch is refused with a sentence saying how to move it to a file. talhelper's ${VAR}
// substitution (talenv.yaml, sops) is not done: a value still holding "${" is refused.

type Raw = Record<string, unknown>;

const USED_TOP = ['clusterName', 'endpoint', 'talosVersion', 'kubernetesVersion', 'nodes', 'patches', 'controlPlane', 'worker'];
const USED_NODE = ['hostname', 'ipAddress', 'controlPlane', 'installDisk', 'networkInterfaces', 'patches'];

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A talconfig.yaml has clusterName at the top (a profile has `cluster:`). */
export function isTalconfig(root: unknown): root is Raw {
  return isObject(root) && 'clusterName' in root && !('cluster' in root);
}

function patchFiles(where: string, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error(`${where}: patches must be a list`);
  return value.map((item, i) => {
    if (typeof item === 'string' && item.startsWith('@')) return item.slice(1).trim();
    throw new Error(`${where}: patches[${i}] is an inline patch; talos-tui reads patch files only: move it to a file and list it as "@./file.yaml"`);
  });
}

function noSubstitution(where: string, value: unknown): void {
  if (typeof value === 'string' && value.includes('${')) {
    throw new Error(`${where}: ${JSON.stringify(value)} uses talhelper variable substitution, which talos-tui does not do: write the value itself`);
  }
}

function nodeMacs(where: string, interfaces: unknown): string[] {
  if (!Array.isArray(interfaces)) return [];
  const macs: string[] = [];
  interfaces.forEach((iface, i) => {
    const mac = isObject(iface) && isObject(iface.deviceSelector) ? iface.deviceSelector.hardwareAddr : undefined;
    if (mac === undefined) return;
    if (typeof mac !== 'string' || mac.includes('*')) {
      throw new Error(`${where}: networkInterfaces[${i}].deviceSelector.hardwareAddr ${JSON.stringify(mac)} is a pattern; matching needs the whole MAC`);
    }
    macs.push(mac);
  });
  return macs;
}

/** The first interface address whose IP is ipAddress (to keep its prefix), else ipAddress/32. */
function nodeAddress(ip: unknown, interfaces: unknown): string | undefined {
  if (typeof ip !== 'string' || ip === '') return undefined;
  for (const iface of Array.isArray(interfaces) ? interfaces : []) {
    const addresses = isObject(iface) && Array.isArray(iface.addresses) ? iface.addresses : [];
    const same = addresses.find((a): a is string => typeof a === 'string' && a.split('/')[0] === ip && a.includes('/'));
    if (same) return same;
  }
  return `${ip}/32`;
}

export function talconfigToProfile(root: Raw): { profile: Raw; warnings: string[] } {
  const ignored = new Set(Object.keys(root).filter((k) => !USED_TOP.includes(k)));
  for (const key of ['clusterName', 'endpoint', 'talosVersion', 'kubernetesVersion']) noSubstitution(key, root[key]);
  const nodes = Array.isArray(root.nodes) ? root.nodes : root.nodes;
  const profileNodes = Array.isArray(nodes)
    ? nodes.map((raw, index) => {
        if (!isObject(raw)) return raw;
        const where = `nodes[${index}]${typeof raw.hostname === 'string' ? ` (${raw.hostname})` : ''}`;
        for (const key of Object.keys(raw)) if (!USED_NODE.includes(key)) ignored.add(`nodes[].${key}`);
        noSubstitution(`${where}: ipAddress`, raw.ipAddress);
        const macs = nodeMacs(where, raw.networkInterfaces);
        const address = nodeAddress(raw.ipAddress, raw.networkInterfaces);
        return {
          name: raw.hostname,
          hostname: raw.hostname,
          role: raw.controlPlane === true ? 'controlplane' : 'worker',
          ...(macs.length > 0 ? { macs } : {}),
          ...(address ? { address } : {}),
          ...(raw.installDisk !== undefined ? { installDisk: raw.installDisk } : {}),
          patches: patchFiles(where, raw.patches),
        };
      })
    : nodes;
  const scoped = (key: 'controlPlane' | 'worker') => (isObject(root[key]) ? patchFiles(key, (root[key] as Raw).patches) : []);
  const profile: Raw = {
    cluster: {
      name: root.clusterName,
      endpoint: root.endpoint,
      ...(root.talosVersion !== undefined ? { talosVersion: root.talosVersion } : {}),
      ...(root.kubernetesVersion !== undefined ? { kubernetesVersion: root.kubernetesVersion } : {}),
    },
    // talhelper keeps its secrets in talsecret.sops.yaml; an unencrypted talsecret.yaml is the bundle.
    secrets: 'talsecret.yaml',
    patches: { all: patchFiles('patches', root.patches), controlplane: scoped('controlPlane'), worker: scoped('worker') },
    nodes: profileNodes,
  };
  const warnings = ignored.size > 0 ? [`talconfig.yaml keys talos-tui does not use: ${[...ignored].sort().join(', ')}`] : [];
  return { profile, warnings };
}
