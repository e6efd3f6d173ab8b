// startSimCluster: builds the machines, the PKI and the shared etcd, puts every node on its loopback
// address, and runs the cluster-level choreography: reboots (apply-config, Reboot API), moves to a static
// address after the first configured boot, and other control-plane nodes joining etcd after bootstrap.
//
// Addresses: with listen = A.B.C.x, configured nodes take A.B.C.11, .12, ... .99 and maintenance nodes
// A.B.C.101, .102, ... .254, all on `port`; larger clusters go on in the next /24s the same way (the
// 90th configured node is A.B.(C+1).11, the 155th maintenance node A.B.(C+1).101), so a small
// cluster's addresses do not depend on its size. Where only 127.0.0.1 reaches loopback (macOS by default) every node
// lives on 127.0.0.1 with ports port, port+1, ... (configured first, then maintenance).
import net from 'node:net';
import { EtcdCluster } from './etcd.js';
import type { LinkLayout } from './hardware.js';
import type { ClusterActions, RebootPlan } from './handlers/types.js';
import { initialConfigText, parseMachineConfig, type ParsedConfig } from './machine-config.js';
import { SimMachine, type ClusterContext, type NodeRole } from './machine-state.js';
import { SimNodeImpl, type SimNode } from './node.js';
import { issueCertificate, simKeys, type Issued, type SimKey } from './pki.js';
import { createRng, hashSeed } from './rng.js';
import type { NodeDirectory, RoutableNode } from './routing.js';
import { endpointFor, talosconfigYaml } from './talosconfig.js';

export interface SimClusterOptions {
  /** Configured nodes (default 3): cp1..cp3 are control planes when there are 3 or more, else cp1 only; the rest are workers w1, w2, ... */
  configured?: number;
  /** Maintenance-mode nodes m1, m2, ... (default 2). */
  maintenance?: number;
  /** First address of the /24 the nodes live in (default 127.0.10.1): configured .11-.99, maintenance .101-.254, then the next /24s. */
  listen?: string;
  /** Talos API port (default 50000). */
  port?: number;
  /** How long a rebooting node stays away (default 3000 ms). */
  rebootMs?: number;
  /** Everything on 127.0.0.1 with one port per node; default: only when A.B.C.x cannot be bound. */
  onePortPerNode?: boolean;
  seed?: number;
  /** Pace of every log (lines per second per log, default 2); Infinity = flood. */
  logLinesPerSecond?: number;
  /** Whether etcd is already bootstrapped on cp1 (default true). */
  bootstrapped?: boolean;
  /** talosconfig context and cluster name (default "sim"). */
  contextName?: string;
  /**
   * SETTINGS_MAX_CONCURRENT_STREAMS each node's server advertises (default: none, like Talos's apid,
   * which leaves grpc-go's MaxConcurrentStreams unset). Tests set it to check the client never opens more.
   */
  maxConcurrentStreams?: number;
  /** Progress notes (node down/up/moved) for a foreground runner; errors of background reboots too. */
  onEvent?: (message: string) => void;
}

export interface SimCluster {
  readonly nodes: SimNode[];
  readonly contextName: string;
  /** talosconfig YAML for the configured nodes: endpoints = control planes, nodes = all configured. */
  readonly talosconfigText: string;
  /** The simulator's CA (talosconfig `ca`). */
  readonly caPem: string;
  readonly onePortPerNode: boolean;
  /** A node by address ("ip:port"), IP (when unique), name (cp1, m1) or hostname. */
  node(addressOrIpOrName: string): SimNode | undefined;
  /** A client certificate signed by the simulator's CA with the given roles as subject O (default os:admin). */
  clientCertificate(roles?: string[]): { certPem: string; keyPem: string };
  /** A talosconfig like talosconfigText, but for a client with other roles. */
  talosconfigFor(roles: string[]): string;
  stop(): Promise<void>;
}

const DEFAULTS = { configured: 3, maintenance: 2, listen: '127.0.10.1', port: 50000, rebootMs: 3000, seed: 0, logLinesPerSecond: 2 };
/** Time for the reply that triggered a reboot to leave before the port closes. */
const REBOOT_GRACE_MS = 60;

const CONFIGURED_LAYOUTS: LinkLayout[] = ['single', 'spare-down', 'single', 'two-up'];
const MAINTENANCE_LAYOUTS: LinkLayout[] = ['bond', 'spare-down', 'single', 'two-up'];

export function loopbackOctets(ip: string): number[] | undefined {
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const octets = [127, Number(m[1]), Number(m[2]), Number(m[3])];
  return octets.every((o) => o <= 255) ? octets : undefined;
}

/** Can this loopback address be bound here? (macOS only has 127.0.0.1 unless aliases are added.) */
function canBind(ip: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code !== 'EADDRNOTAVAIL'));
    server.listen({ host: ip, port: 0 }, () => server.close(() => resolve(true)));
  });
}

export interface NodePlan {
  name: string;
  mode: 'maintenance' | 'configured';
  role: NodeRole;
  ip: string;
  port: number;
  layout: LinkLayout;
}

/** Configured nodes per /24 (.11-.99) and maintenance nodes per /24 (.101-.254). */
export const CONFIGURED_PER_24 = 89;
export const MAINTENANCE_PER_24 = 154;

/** The loopback address of the index-th node of a kind: `perBlock` per /24 from `firstHost`, then the next /24s. */
function spreadAddress(octets: number[], index: number, firstHost: number, perBlock: number): string {
  const third = octets[2] + Math.floor(index / perBlock);
  const second = octets[1] + Math.floor(third / 256);
  if (second > 255) throw new Error(`too many nodes: the address plan from ${octets.join('.')} runs past 127.255.255.0/24`);
  return `127.${second}.${third % 256}.${firstHost + (index % perBlock)}`;
}

export function planNodes(o: Required<Pick<SimClusterOptions, 'configured' | 'maintenance' | 'listen' | 'port'>>, onePort: boolean): NodePlan[] {
  const octets = loopbackOctets(o.listen);
  if (!octets) throw new Error(`listen address "${o.listen}" is not a loopback IPv4 address (127.0.0.0/8)`);
  if (onePort && o.port + o.configured + o.maintenance - 1 > 65535) throw new Error(`too many nodes: one port per node from ${o.port} runs past 65535`);
  const controlPlanes = o.configured >= 3 ? 3 : Math.min(1, o.configured);
  const plans: NodePlan[] = [];
  let k = 0;
  const at = (index: number, firstHost: number, perBlock: number) =>
    onePort ? { ip: '127.0.0.1', port: o.port + k++ } : { ip: spreadAddress(octets, index, firstHost, perBlock), port: o.port };
  for (let i = 0; i < o.configured; i++) {
    const cp = i < controlPlanes;
    plans.push({ name: cp ? `cp${i + 1}` : `w${i - controlPlanes + 1}`, mode: 'configured', role: cp ? 'controlplane' : 'worker', layout: CONFIGURED_LAYOUTS[i % 4], ...at(i, 11, CONFIGURED_PER_24) });
  }
  for (let j = 0; j < o.maintenance; j++) {
    plans.push({ name: `m${j + 1}`, mode: 'maintenance', role: 'worker', layout: MAINTENANCE_LAYOUTS[j % 4], ...at(j, 101, MAINTENANCE_PER_24) });
  }
  return plans;
}

export async function startSimCluster(options: SimClusterOptions = {}): Promise<SimCluster> {
  const o = { ...DEFAULTS, ...options };
  const contextName = options.contextName ?? 'sim';
  const note = options.onEvent ?? (() => undefined);
  if (!loopbackOctets(o.listen)) throw new Error(`listen address "${o.listen}" is not a loopback IPv4 address (127.0.0.0/8)`);
  const firstIp = `${o.listen.split('.').slice(0, 3).join('.')}.${o.configured > 0 ? 11 : 101}`;
  const onePortPerNode = options.onePortPerNode ?? !(await canBind(firstIp));
  const plans = planNodes(o, onePortPerNode);

  // ---- PKI: [0] CA, [1] client, [2] configured leaves, [3+] one per maintenance node.
  const maintenancePlans = plans.filter((p) => p.mode === 'maintenance');
  const keys = simKeys(3 + maintenancePlans.length);
  const rng = createRng(hashSeed(o.seed, 'cluster'));
  const ca: Issued = issueCertificate(null, keys[0], { commonName: 'talos', organizations: ['talos', `sim-${rng.hex(4)}`], usage: 'ca', validityDays: 3650, serialHex: rng.hex(16) });
  const clientCache = new Map<string, { certPem: string; keyPem: string }>();
  const clientCertificate = (roles: string[] = ['os:admin']) => {
    const key = roles.join(',');
    let c = clientCache.get(key);
    if (!c) {
      const issued = issueCertificate(ca, keys[1], { commonName: roles.includes('os:admin') ? 'admin' : roles.join('+') || 'nobody', organizations: roles, usage: 'client', validityDays: 365, serialHex: rng.hex(16) });
      c = { certPem: issued.certPem, keyPem: keys[1].privateKeyPem };
      clientCache.set(key, c);
    }
    return c;
  };

  // ---- machines
  const etcd = new EtcdCluster(createRng(hashSeed(o.seed, 'etcd')));
  const nodes: SimNodeImpl[] = [];
  // A machine configured with a config carrying its own CA (a cluster provisioned inside the
  // simulator) belongs to that cluster's etcd, which stays empty until Bootstrap.
  const otherEtcds = new Map<string, EtcdCluster>();
  const etcdOf = (m: SimMachine): EtcdCluster => {
    const ca = m.mode === 'configured' ? m.config?.ca?.certPem : undefined;
    if (!ca) return etcd;
    let other = otherEtcds.get(ca);
    if (!other) otherEtcds.set(ca, (other = new EtcdCluster(createRng(hashSeed(o.seed, 'etcd', ca)))));
    return other;
  };
  const ctx: ClusterContext = { etcd, etcdOf, seed: o.seed, clusterName: contextName, logRate: o.logLinesPerSecond, machines: () => nodes.map((n) => n.machine) };
  const endpoint = `https://${plans.find((p) => p.role === 'controlplane')?.ip ?? firstIp}:6443`;

  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  const later = (ms: number, fn: () => void | Promise<void>) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (stopped) return;
      Promise.resolve(fn()).catch((err: unknown) => note(`error: ${err instanceof Error ? err.message : String(err)}`));
    }, ms);
    timers.add(t);
  };
  const refreshAll = () => {
    for (const n of nodes) n.machine.refresh();
  };

  const addressTaken = (ip: string, port: number, except: SimNodeImpl) => nodes.some((n) => n !== except && n.ip === ip && n.port === port);
  const rebooting = new Set<SimNodeImpl>();
  const settleMs = Math.max(30, Math.min(1500, o.rebootMs / 2));

  const becomeConfigured = (m: SimMachine, config: ParsedConfig) => {
    m.mode = 'configured';
    m.role = config.machineType === 'worker' ? 'worker' : 'controlplane';
    m.config = config;
    if (config.hostname) m.hostname = config.hostname;
  };

  const reboot = (node: SimNodeImpl, plan?: RebootPlan) => {
    if (rebooting.has(node) || stopped) return;
    rebooting.add(node);
    later(REBOOT_GRACE_MS, () => {
      node.close('error reading from server: EOF', true);
      node.machine.up = false;
      node.machine.etcd.elect();
      refreshAll();
      note(`${node.name} (${node.address}) is rebooting`);
      later(o.rebootMs, async () => {
        const m = node.machine;
        const config = plan?.config ?? (m.mode === 'configured' ? m.stagedConfig : undefined);
        if (config?.v1alpha1) becomeConfigured(m, config);
        if (config) m.stagedConfig = undefined;
        // A configured node comes up on the static address its config names, when that is loopback and free.
        const oldIp = m.ip;
        const wanted = m.mode === 'configured' ? m.config?.staticAddress : undefined;
        if (wanted && wanted !== m.ip && loopbackOctets(wanted) && !addressTaken(wanted, m.port, node)) m.ip = wanted;
        m.boot({ bootTime: new Date(), settled: false });
        try {
          await node.listen();
        } catch (err) {
          if (m.ip === oldIp) throw err;
          note(`${node.name} cannot listen on ${m.ip}:${m.port} (${(err as Error).message}); staying on ${oldIp}`);
          m.ip = oldIp;
          m.refresh();
          await node.listen();
        }
        rebooting.delete(node);
        refreshAll();
        note(`${node.name} is back ${m.mode} at ${node.address}${m.ip !== oldIp ? ` (was ${oldIp})` : ''}`);
        later(settleMs, () => m.settle());
      });
    });
  };

  const actions: ClusterActions = {
    reboot: (machine, plan) => {
      const node = nodes.find((n) => n.machine === machine);
      if (node) reboot(node, plan);
    },
    bootstrapped: (machine) => {
      for (const n of nodes) {
        const m = n.machine;
        if (m === machine || !m.up || m.mode !== 'configured' || m.role !== 'controlplane' || m.etcd !== machine.etcd) continue;
        m.etcd.join(m);
        m.startEtcd();
      }
      refreshAll();
    },
  };

  const directory: NodeDirectory = {
    actions,
    resolve(target: string, receiver: RoutableNode) {
      const exact = nodes.find((n) => n.address === target);
      if (exact) return exact;
      const hostPort = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(target);
      if (hostPort) return undefined;
      const sameIp = nodes.filter((n) => n.ip === target);
      // One port per node: a bare 127.0.0.1 means the receiver itself when it is one of them.
      if (sameIp.length > 0) return sameIp.find((n) => n === receiver) ?? sameIp.find((n) => n.port === o.port) ?? sameIp[0];
      return nodes.find((n) => n.name === target || n.hostname === target);
    },
  };

  let maintenanceIndex = 0;
  plans.forEach((plan, i) => {
    const config =
      plan.mode === 'configured'
        ? parseMachineConfig(Buffer.from(initialConfigText({ type: plan.role, hostname: plan.name, address: plan.ip, clusterName: contextName, endpoint })))
        : undefined;
    const machine = new SimMachine(plan.name, i + 1, ctx, {
      mode: plan.mode,
      role: plan.role,
      hostname: plan.mode === 'configured' ? plan.name : undefined,
      ip: plan.ip,
      port: plan.port,
      layout: plan.layout,
      config,
    });
    const key: SimKey = plan.mode === 'maintenance' ? keys[3 + maintenanceIndex++] : keys[2];
    nodes.push(new SimNodeImpl(machine, key, { ca, configuredKey: keys[2] }, directory, { reboot: (n) => reboot(n), changed: refreshAll, maxConcurrentStreams: options.maxConcurrentStreams }));
  });

  const firstCp = nodes.find((n) => n.role === 'controlplane' && n.mode === 'configured');
  if ((options.bootstrapped ?? true) && firstCp) etcd.bootstrap(firstCp.machine);
  const now = Date.now();
  for (const n of nodes) {
    // The cluster has been up for a while; maintenance machines were powered on a few minutes ago.
    const uptimeMs = n.mode === 'configured' ? 3 * 3600_000 + n.machine.ordinal * 41_000 : 4 * 60_000 + n.machine.ordinal * 13_000;
    n.machine.boot({ bootTime: new Date(now - uptimeMs), settled: true });
  }
  refreshAll();
  // Wait for every bind to settle before giving up, so that no half-started node keeps its port.
  const binds = await Promise.allSettled(nodes.map((n) => n.listen(false)));
  const failed = binds.find((b): b is PromiseRejectedResult => b.status === 'rejected');
  if (failed) {
    for (const n of nodes) n.close('simulator failed to start');
    throw failed.reason;
  }

  const talosconfigFor = (roles: string[]) => {
    const configured = nodes.filter((n) => n.mode === 'configured');
    const { certPem, keyPem } = clientCertificate(roles);
    return talosconfigYaml({
      context: contextName,
      endpoints: configured.filter((n) => n.role === 'controlplane').map((n) => endpointFor(n.ip, n.port)),
      nodes: configured.map((n) => endpointFor(n.ip, n.port)),
      caPem: ca.certPem,
      crtPem: certPem,
      keyPem,
    });
  };

  return {
    nodes,
    contextName,
    get talosconfigText() {
      return talosconfigFor(['os:admin']);
    },
    caPem: ca.certPem,
    onePortPerNode,
    node: (key) => directory.resolve(key, nodes[0]) as SimNodeImpl | undefined,
    clientCertificate,
    talosconfigFor,
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const n of nodes) {
        n.close('simulator stopped');
        n.machine.up = false;
      }
      await Promise.all(nodes.map((n) => n.portReleased()));
    },
  };
}
