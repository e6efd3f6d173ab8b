// Reading a machine config sent to ApplyConfiguration the way Talos v1.13's config loader does, with its
// error messages, and pulling out what the simulator acts on (type, hostname, static address).
// Validation is deliberately lighter than Talos's (no install disk / CA requirements) so that small test
// configs apply; structural errors use Talos's wording.
import { unifiedDiff } from '../core/diff/unified.js';
import { isMap, isScalar, parseAllDocuments, type Document } from 'yaml';
import { Code, RpcError } from '../talos/status-codes.js';

export type MachineType = 'controlplane' | 'worker' | 'init';

export interface ParsedConfig {
  text: string;
  /** The legacy v1alpha1 document (version/machine/cluster) as plain data, when present. */
  v1alpha1?: Record<string, unknown>;
  machineType?: MachineType;
  hostname?: string;
  /** First static address (prefix stripped) from machine.network.interfaces or a LinkConfig document. */
  staticAddress?: string;
  clusterName?: string;
  /** machine.ca (PEM, decoded from the config's base64): the CA the node's apid serves with and trusts. */
  ca?: { certPem: string; keyPem: string };
  warnings: string[];
}

function invalid(message: string): RpcError {
  return new RpcError(Code.INVALID_ARGUMENT, message);
}

/** hashicorp/go-multierror's text, which Talos returns for validation failures. */
function multiError(errors: string[]): string {
  const n = errors.length;
  return `${n} error${n === 1 ? '' : 's'} occurred:\n\t${errors.map((e) => `* ${e}`).join('\n\t')}\n\n`;
}

function get(obj: unknown, ...path: string[]): unknown {
  let cur = obj;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function stripPrefix(address: unknown): string | undefined {
  return typeof address === 'string' && address.length > 0 ? address.split('/')[0] : undefined;
}

function lineOf(doc: Document.Parsed, text: string): number {
  const offset = doc.contents?.range?.[0] ?? 0;
  return text.slice(0, offset).split('\n').length;
}

// What trustd does for a worker (its config has no CA key: a control plane signs its certificate):
// the keys of the CAs seen in control-plane configs, by CA certificate.
const caKeys = new Map<string, string>();

function rememberCaKey(certPem: string, keyPem: string): void {
  caKeys.set(certPem, keyPem);
}

/** The key of a CA a control-plane config carried, or undefined. */
export function knownCaKey(certPem: string): string | undefined {
  return caKeys.get(certPem);
}

export function parseMachineConfig(data: Uint8Array): ParsedConfig {
  const text = Buffer.from(data).toString('utf8');
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  const parsed: ParsedConfig = { text, warnings: [] };
  const seen = new Set<string>();
  let documents = 0;

  for (const doc of list) {
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      const line = err.linePos?.[0]?.line;
      const reason = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      throw invalid(`decode error: yaml: ${line ? `line ${line}: ` : ''}${reason}`);
    }
    const contents = doc.contents;
    if (contents === null || (isScalar(contents) && contents.value === null)) continue; // empty / null documents are skipped
    const line = lineOf(doc, text);
    if (!isMap(contents)) throw invalid(`expected a YAML document at line ${line}`);
    const obj = doc.toJS() as Record<string, unknown>;
    const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
    const kind = typeof obj.kind === 'string' ? obj.kind : '';
    const name = typeof obj.name === 'string' ? obj.name : '';
    const id = `${apiVersion}/${kind || 'v1alpha1'}/${name}`;
    if (seen.has(id)) throw invalid(`duplicate document ${id} is not allowed (line ${line})`);
    seen.add(id);

    const legacy = ['machine', 'cluster', 'debug', 'persist'].some((k) => k in obj);
    if (legacy && !kind) {
      parsed.v1alpha1 = obj;
    } else if (!kind) {
      throw invalid(`error decoding document ${id} (line ${line}): missing kind`);
    } else if (!apiVersion) {
      throw invalid(`error decoding document ${id} (line ${line}): missing apiVersion`);
    } else {
      // Multi-document configs (Talos 1.12+): pick up the bits the simulator cares about.
      if (kind === 'HostnameConfig' && typeof obj.hostname === 'string') parsed.hostname ??= obj.hostname;
      if (kind === 'LinkConfig' || kind === 'BondConfig' || kind === 'VLANConfig') {
        const addresses = obj.addresses;
        if (Array.isArray(addresses)) parsed.staticAddress ??= stripPrefix(get(addresses[0], 'address'));
      }
    }
    documents++;
  }
  if (documents === 0) throw invalid('config not found');

  const v1 = parsed.v1alpha1;
  if (v1) {
    const machine = v1.machine;
    if (machine === undefined || machine === null) throw invalid(multiError(['machine instructions are required']));
    const type = get(machine, 'type');
    if (type !== 'controlplane' && type !== 'worker' && type !== 'init') {
      throw invalid(multiError([`unknown machine type ${JSON.stringify(typeof type === 'string' ? type : '')}`]));
    }
    parsed.machineType = type;
    const hostname = get(machine, 'network', 'hostname');
    if (typeof hostname === 'string' && hostname) parsed.hostname = hostname;
    const interfaces = get(machine, 'network', 'interfaces');
    if (Array.isArray(interfaces)) {
      for (const iface of interfaces) {
        const addresses = get(iface, 'addresses');
        const address = Array.isArray(addresses) ? stripPrefix(addresses[0]) : stripPrefix(get(iface, 'cidr'));
        if (address) {
          parsed.staticAddress = address;
          break;
        }
      }
    }
    const clusterName = get(v1, 'cluster', 'clusterName');
    if (typeof clusterName === 'string') parsed.clusterName = clusterName;
    const crt = get(machine, 'ca', 'crt');
    const key = get(machine, 'ca', 'key');
    // A worker's config carries the CA certificate without its key (trustd on a control plane signs).
    if (typeof crt === 'string' && crt !== '') {
      parsed.ca = { certPem: Buffer.from(crt, 'base64').toString('utf8'), keyPem: typeof key === 'string' ? Buffer.from(key, 'base64').toString('utf8') : '' };
      if (parsed.ca.keyPem !== '') rememberCaKey(parsed.ca.certPem, parsed.ca.keyPem);
    }
  }
  return parsed;
}

// Fields Talos v1.13 applies without a reboot (Runtime.CanApplyImmediate): everything else needs one.
const IMMEDIATE_MACHINE_KEYS = [
  'ca', 'acceptedCAs', 'time', 'certSANs', 'install', 'network', 'sysfs', 'sysctls', 'logging', 'controlplane',
  'kubelet', 'kernel', 'registries', 'pods', 'seccompProfiles', 'nodeAnnotations', 'nodeLabels', 'nodeTaints',
];
const IMMEDIATE_FEATURE_KEYS = ['kubernetesTalosAPIAccess', 'kubePrism', 'hostDNS', 'imageCache', 'nodeAddressSortAlgorithm'];

function rebootRelevant(v1: Record<string, unknown> | undefined): unknown {
  const copy = structuredClone(v1 ?? {}) as Record<string, unknown>;
  delete copy.debug;
  delete copy.cluster;
  const machine = copy.machine as Record<string, unknown> | undefined;
  if (machine && typeof machine === 'object') {
    for (const key of IMMEDIATE_MACHINE_KEYS) delete machine[key];
    const features = machine.features as Record<string, unknown> | undefined;
    if (features && typeof features === 'object') for (const key of IMMEDIATE_FEATURE_KEYS) delete features[key];
  }
  return copy;
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** Talos's error text when a change needs a reboot, or null when it can be applied immediately. */
export function immediateApplyError(current: ParsedConfig | undefined, next: ParsedConfig): string | null {
  if (!current?.v1alpha1) return 'no current config';
  if (!next.v1alpha1) return 'new config is not v1alpha1';
  if (canonical(rebootRelevant(current.v1alpha1)) === canonical(rebootRelevant(next.v1alpha1))) return null;
  return `this config change can't be applied in immediate mode\ndiff:\n${configDiff(current.text, next.text)}`;
}

/** Talos's config diff (pkg/machinery/textdiff): a unified diff with `--- a` / `+++ b` headers, or '' when equal. */
export function configDiff(oldText: string, newText: string): string {
  const lines = unifiedDiff(oldText, newText);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** A plausible machine config for the nodes the simulator starts already configured. */
export function initialConfigText(opts: { type: MachineType; hostname: string; address: string; clusterName: string; endpoint: string }): string {
  return [
    'version: v1alpha1',
    'machine:',
    `  type: ${opts.type}`,
    '  token: sim000.simulatedtoken000',
    '  install:',
    '    disk: /dev/sda',
    '    image: ghcr.io/siderolabs/installer:v1.13.9',
    '  network:',
    `    hostname: ${opts.hostname}`,
    '    interfaces:',
    '      - interface: eth0',
    '        addresses:',
    `          - ${opts.address}/24`,
    'cluster:',
    `  clusterName: ${opts.clusterName}`,
    '  controlPlane:',
    `    endpoint: ${opts.endpoint}`,
    '',
  ].join('\n');
}
