// One simulated node's network presence: a gRPC server on its loopback address with the TLS Talos uses in
// its current mode, started and stopped as the machine boots, reboots, or is told to go away.
// - maintenance: a leaf signed by a throwaway CA that is never sent (only the leaf goes on the wire), no
//   client certificate requested;
// - configured: a leaf signed by the simulator's CA, and mutual TLS against that CA.
import net from 'node:net';
import { serveGrpc, type RunningServer } from '../talos/server.js';
import { Code, RpcError } from '../talos/status-codes.js';
import { MachineService } from '../talos/proto/gen/machine/machine_pb.js';
import { State } from '../talos/proto/gen/cosi/state_pb.js';
import { StorageService } from '../talos/proto/gen/storage/storage_pb.js';
import { ClusterService } from '../talos/proto/gen/cluster/cluster_pb.js';
import { clusterHandlers } from './handlers/cluster.js';
import { containerHandlers } from './handlers/containers.js';
import { cosiHandlers } from './handlers/cosi.js';
import { etcdHandlers } from './handlers/etcd.js';
import { logHandlers } from './handlers/logs.js';
import { machineHandlers } from './handlers/machine.js';
import { statsHandlers } from './handlers/stats.js';
import { storageHandlers } from './handlers/storage.js';
import type { SimMachine } from './machine-state.js';
import { knownCaKey } from './machine-config.js';
import { issueCertificate, issuerFromPem, spkiFingerprint, type Issued, type SimKey } from './pki.js';
import { createRng, hashSeed } from './rng.js';
import { routedServices, type ActiveStream, type NodeDirectory, type RoutableNode } from './routing.js';
import type { EtcdAlarmName } from './etcd.js';
import { setServiceHealth, type ServiceState } from './services.js';

/** What a node needs from the cluster's PKI. */
export interface NodePki {
  /** The simulator's CA: signs configured nodes' leaves and verifies client certificates. */
  ca: Issued;
  /** Shared key of configured nodes' leaves (one key for all keeps start-up fast). */
  configuredKey: SimKey;
}

/** The public face of a simulated node (see SimCluster in index.ts). */
export interface SimNode {
  readonly name: string;
  readonly hostname: string;
  readonly ip: string;
  readonly port: number;
  /** "ip:port" */
  readonly address: string;
  readonly mode: 'maintenance' | 'configured';
  readonly role: 'controlplane' | 'worker';
  readonly macs: string[];
  /** base64 SHA-256 of the current server leaf's SubjectPublicKeyInfo (talosctl --cert-fingerprint). */
  readonly leafFingerprint: string;
  /** True while the node's port accepts connections. */
  readonly up: boolean;
  /** The node goes down: its port closes, its streams end. */
  stop(): Promise<void>;
  /** The node boots again (fresh services and logs) on its current address. */
  start(): Promise<void>;
  /** Reboot as the Reboot API does: down now, back after the cluster's reboot delay. */
  reboot(): void;
  /** Resolves the next time the node is up (at once when it already is). */
  whenUp(): Promise<void>;
  /** End every open server stream of this node with UNAVAILABLE (reconnect tests). */
  dropStreams(): void;
  /** Raise (or with 'NONE' clear) an etcd alarm for this node's member. */
  setEtcdAlarm(alarm: EtcdAlarmName | 'NONE'): void;
  setServiceHealth(id: string, healthy: boolean, message?: string): void;
  setServiceState(id: string, state: ServiceState): void;
  /** Lines per second of every log of this node; Infinity floods (as fast as the reader reads). */
  setLogRate(linesPerSecond: number): void;
  /** Append a line to a service log (and to followers). */
  appendLog(serviceId: string, line: string): void;
  /** Kubernetes container ids whose logs are served in namespace k8s.io. */
  readonly k8sContainers: string[];
  /** The machine behind the node (state for white-box tests). */
  readonly machine: SimMachine;
}

const BIND_RETRY_MS = 1500;
/** How long a rebooting node lets replies in flight finish before it cuts its connections. */
const DRAIN_MS = 1000;

/**
 * Is ip:port free? Asked with a plain socket before grpc-js binds, because grpc-js reports a failed
 * bind on stderr (which would scribble over the console in --demo). Resolves with the error code.
 */
function probePort(ip: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'EUNKNOWN'));
    probe.listen({ host: ip, port, exclusive: true }, () => probe.close(() => resolve(null)));
  });
}

export class SimNodeImpl implements SimNode, RoutableNode {
  readonly streams = new Set<ActiveStream>();
  private server?: RunningServer;
  private leaf?: Issued;
  private waiters: (() => void)[] = [];

  constructor(
    readonly machine: SimMachine,
    /** This node's own key: signs its maintenance leaf and its throwaway maintenance CA. */
    private readonly maintenanceKey: SimKey,
    private readonly pki: NodePki,
    private readonly directory: NodeDirectory,
    private readonly hooks: { reboot(node: SimNodeImpl): void; changed(): void; maxConcurrentStreams?: number },
  ) {}

  get name() { return this.machine.name; }
  get hostname() { return this.machine.hostname; }
  get ip() { return this.machine.ip; }
  get port() { return this.machine.port; }
  get address() { return this.machine.address; }
  get mode() { return this.machine.mode; }
  get role() { return this.machine.role; }
  get macs() { return this.machine.macs; }
  get up() { return this.server !== undefined; }
  get k8sContainers() { return this.machine.k8sContainers; }
  get leafFingerprint() {
    this.leaf ??= this.issueLeaf();
    return spkiFingerprint(this.leaf.certPem);
  }

  private serial(kind: string): string {
    return createRng(hashSeed(this.machine.cluster.seed, this.machine.name, kind, this.machine.bootCount, this.machine.ip)).hex(16);
  }

  private issueLeaf(): Issued {
    const m = this.machine;
    const sans = { ips: [m.ip], dnsNames: [m.hostname] };
    if (m.mode === 'maintenance') {
      // Talos makes a fresh self-signed CA at each maintenance boot and sends only the leaf it signs.
      const throwawayCa = issueCertificate(null, this.maintenanceKey, { commonName: `talos-maintenance-${m.name}`, organizations: ['talos'], usage: 'ca', validityDays: 365, serialHex: this.serial('mca') });
      return issueCertificate(throwawayCa, this.maintenanceKey, { commonName: m.hostname, usage: 'server', validityDays: 365, serialHex: this.serial('mleaf'), ...sans });
    }
    return issueCertificate(this.configuredCa(), this.pki.configuredKey, { commonName: m.hostname, usage: 'server', validityDays: 365, serialHex: this.serial('leaf'), ...sans });
  }

  private ownCa?: { pem: string; issuer: Issued };

  /**
   * The CA a configured node serves with and trusts: its config's machine.ca, as Talos's apid does
   * (so a talosconfig generated with that config works), else the simulator's CA.
   */
  private configuredCa(): Issued {
    const ca = this.machine.config?.ca;
    const keyPem = ca ? ca.keyPem || knownCaKey(ca.certPem) : undefined;
    if (!ca || !keyPem) return this.pki.ca;
    if (this.ownCa?.pem !== ca.certPem) this.ownCa = { pem: ca.certPem, issuer: issuerFromPem(ca.certPem, keyPem) };
    return this.ownCa.issuer;
  }

  /**
   * Open the port on the machine's address with the TLS of its mode. `retryInUse`: after a stop or a
   * reboot the old listener may hold the port for a moment; at first start "in use" is a real conflict.
   */
  async listen(retryInUse = true): Promise<void> {
    if (this.server) return;
    this.leaf = this.issueLeaf();
    const services = routedServices(this, this.directory, [
      { service: MachineService, handlers: { ...machineHandlers, ...logHandlers, ...containerHandlers, ...etcdHandlers, ...statsHandlers } },
      { service: State, handlers: cosiHandlers },
      { service: StorageService, handlers: storageHandlers },
      { service: ClusterService, handlers: clusterHandlers },
    ]);
    const tls =
      this.machine.mode === 'maintenance'
        ? { keyPem: this.maintenanceKey.privateKeyPem, certChainPem: this.leaf.certPem }
        : { keyPem: this.pki.configuredKey.privateKeyPem, certChainPem: this.leaf.certPem, clientCaPem: this.configuredCa().certPem };
    const { ip, port } = this.machine;
    const deadline = Date.now() + BIND_RETRY_MS;
    for (;;) {
      const problem = await probePort(ip, port);
      if (problem === null) break;
      // A port closed a moment ago can still be held by the old listener: retry briefly.
      if (problem !== 'EADDRINUSE' || !retryInUse || Date.now() > deadline) {
        throw new Error(`listen ${problem}: ${problem === 'EADDRINUSE' ? 'address already in use' : 'cannot bind'} ${ip}:${port}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    this.server = await serveGrpc({ host: ip, port, tls, services, maxConcurrentStreams: this.hooks.maxConcurrentStreams });
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /**
   * Close the port and end every stream this node serves or answers. `drain`: unary replies already
   * on their way still reach the client (a reboot after an apply), as Talos stops its API gracefully;
   * without it the connection is cut as a crash or power loss would.
   */
  close(reason: string, drain = false): void {
    const server = this.server;
    this.server = undefined;
    this.dropAll(new RpcError(Code.UNAVAILABLE, reason));
    if (drain) server?.drainClose(DRAIN_MS);
    else server?.forceClose();
  }

  /** Resolves once the node's port can be bound again (or after ~1 s), so a restart on it cannot collide. */
  async portReleased(): Promise<void> {
    const deadline = Date.now() + 1000;
    while ((await probePort(this.machine.ip, this.machine.port)) === 'EADDRINUSE' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private dropAll(err: RpcError): void {
    for (const s of [...this.streams]) s.drop(err);
    this.streams.clear();
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.close('error reading from server: EOF');
    this.machine.up = false;
    this.machine.etcd.elect();
    this.hooks.changed();
  }

  async start(): Promise<void> {
    if (this.server) return;
    this.machine.boot({ bootTime: new Date(), settled: true });
    await this.listen();
    this.hooks.changed();
  }

  reboot(): void {
    this.hooks.reboot(this);
  }

  whenUp(): Promise<void> {
    if (this.server) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  dropStreams(): void {
    this.dropAll(new RpcError(Code.UNAVAILABLE, 'stream dropped by the simulator'));
  }

  setEtcdAlarm(alarm: EtcdAlarmName | 'NONE'): void {
    const etcd = this.machine.etcd;
    if (alarm === 'NONE') etcd.alarms = etcd.alarms.filter((a) => a.memberId !== this.machine.memberId);
    else etcd.raise(this.machine.memberId, alarm);
  }

  setServiceHealth(id: string, healthy: boolean, message = healthy ? '' : 'health check failed'): void {
    const rec = this.machine.services.get(id);
    if (!rec) throw new Error(`no service ${id} on ${this.name}`);
    setServiceHealth(rec, healthy, message);
    this.machine.serviceEventLogged(id, rec.state, healthy ? 'Health check successful' : `Health check failed: ${message}`);
    this.machine.refresh();
  }

  setServiceState(id: string, state: ServiceState): void {
    const rec = this.machine.services.get(id);
    if (!rec) throw new Error(`no service ${id} on ${this.name}`);
    rec.state = state;
    rec.events.push({ msg: `State changed to ${state} (simulator)`, state, ts: new Date() });
    if (id === 'etcd') this.machine.etcd.elect();
    this.machine.refresh();
  }

  setLogRate(linesPerSecond: number): void {
    this.machine.setLogRate(linesPerSecond);
  }

  appendLog(serviceId: string, line: string): void {
    const buf = this.machine.serviceLog(serviceId);
    if (!buf) throw new Error(`no service ${serviceId} on ${this.name}`);
    buf.append(line);
  }
}
