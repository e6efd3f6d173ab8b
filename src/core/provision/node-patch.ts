// What the profile says about one node that its patches may not: its hostname, its static address
// (on the NIC with its MAC, as the runbook's per-node patch does) and the install disk / image. This
// patch goes last, and only fills what the rendered config leaves unset, except the install disk and
// image, which the profile names on purpose.
import { parseAllDocuments, stringify } from 'yaml';
import type { ClusterSpec, InventoryNode } from '../inventory.js';

interface V1Facts {
  hostname: string | null;
  staticAddress: string | null;
}

function facts(config: string): V1Facts {
  const out: V1Facts = { hostname: null, staticAddress: null };
  for (const doc of parseAllDocuments(config)) {
    if (!('toJS' in doc)) continue;
    const js = doc.toJS() as Record<string, unknown> | null;
    if (!js || typeof js !== 'object') continue;
    if (js.kind === 'HostnameConfig' && typeof js.hostname === 'string') out.hostname ??= js.hostname;
    const network = (js.machine as { network?: { hostname?: unknown; interfaces?: { addresses?: unknown[] }[] } } | undefined)?.network;
    if (typeof network?.hostname === 'string' && network.hostname !== '') out.hostname ??= network.hostname;
    for (const iface of network?.interfaces ?? []) {
      const a = iface?.addresses?.find((x): x is string => typeof x === 'string' && x !== '');
      if (a) out.staticAddress ??= a.replace(/\/\d+$/, '');
    }
    if ((js.kind === 'LinkConfig' || js.kind === 'BondConfig') && Array.isArray(js.addresses)) {
      const a = (js.addresses[0] as { address?: unknown } | undefined)?.address;
      if (typeof a === 'string') out.staticAddress ??= a.replace(/\/\d+$/, '');
    }
  }
  return out;
}

/** The rendered config's first static address (no prefix), or null. */
export function renderedAddress(config: string): string | null {
  return facts(config).staticAddress;
}

/** The node patch (strategic merge YAML), or null when there is nothing to add. */
export function nodeIdentityPatch(rendered: string, node: InventoryNode, cluster: ClusterSpec | null): string | null {
  const have = facts(rendered);
  const machine: Record<string, unknown> = {};
  const network: Record<string, unknown> = {};
  if (!have.hostname) network.hostname = node.hostname;
  if (!have.staticAddress && node.address && node.mac) {
    network.interfaces = [{ deviceSelector: { hardwareAddr: node.mac }, addresses: [node.address], dhcp: false }];
  }
  if (Object.keys(network).length > 0) machine.network = network;
  const install: Record<string, unknown> = {};
  const disk = node.installDisk ?? cluster?.installDisk;
  if (disk) install.disk = disk;
  if (cluster?.installImage) install.image = cluster.installImage;
  if (Object.keys(install).length > 0) machine.install = install;
  return Object.keys(machine).length > 0 ? stringify({ machine }) : null;
}
