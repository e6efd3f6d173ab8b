// One simulated machine: what survives reboots (hardware, config, META, etcd identity) and what a boot
// resets (services, logs, kernel ring, COSI resources). Handlers read and change it; every change ends
// with `refresh()` so that COSI resources and watches follow.
import type { EtcdCluster, EtcdPeer } from './etcd.js';
import { buildHardware, primaryLink, type Hardware, type LinkLayout } from './hardware.js';
import { containerLog, formatKmsg, kernelLog, serviceLog, type LogBuffer } from './logs.js';
import type { ParsedConfig } from './machine-config.js';
import { renderResources, ResourceStore } from './resources.js';
import { createRng, hashSeed } from './rng.js';
import { bootServices, etcdStarted, type ServiceRecord } from './services.js';

export const TALOS_VERSION = 'v1.13.9';

export type NodeMode = 'maintenance' | 'configured';
export type NodeRole = 'controlplane' | 'worker';

/** What a machine needs from the cluster around it. */
export interface ClusterContext {
  /** The etcd of the simulator's own cluster. */
  etcd: EtcdCluster;
  /**
   * The etcd a machine belongs to: its config's cluster's (a cluster provisioned inside the
   * simulator has its own, empty until Bootstrap), else the simulator's own.
   */
  etcdOf(machine: SimMachine): EtcdCluster;
  seed: number;
  clusterName: string;
  /** Lines per second for each log; Infinity = flood. */
  logRate: number;
  machines(): SimMachine[];
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export class SimMachine implements EtcdPeer {
  readonly hardware: Hardware;
  readonly memberId: bigint;
  /** Discovery node id (Members.cluster.talos.dev). */
  readonly nodeId: string;

  mode: NodeMode;
  role: NodeRole;
  hostname: string;
  /** What Version reports (tests set v1.14.x to get v1.14's apply modes). */
  talosVersion = TALOS_VERSION;
  ip: string;
  port: number;
  config?: ParsedConfig;
  /** A STAGED config waits here for the next reboot. */
  stagedConfig?: ParsedConfig;
  readonly meta = new Map<number, Uint8Array>();
  /** /var/lib/etcd.snapshot: the last EtcdRecover upload, kept across reboots until a recovery uses it. */
  recoverySnapshot?: Buffer;
  /** EtcdRecover calls this node received (tests check that a refused recovery sent nothing). */
  etcdRecoverCalls = 0;

  // ---- per boot
  up = false;
  bootTime = new Date();
  bootCount = 0;
  stage = 'booting';
  /** Set by an apply that reboots: Talos refuses further applies until then. */
  rebootPending = false;
  services = new Map<string, ServiceRecord>();
  store = new ResourceStore();
  private logs = new Map<string, LogBuffer>();
  private kmsg?: LogBuffer;
  /** Per-node log pace set by tests/benchmarks; survives reboots. */
  private logRate?: number;

  constructor(
    readonly name: string,
    readonly ordinal: number,
    readonly cluster: ClusterContext,
    init: { mode: NodeMode; role: NodeRole; hostname?: string; ip: string; port: number; layout: LinkLayout; config?: ParsedConfig },
  ) {
    const rng = createRng(hashSeed(cluster.seed, 'machine', name));
    this.mode = init.mode;
    this.role = init.role;
    this.ip = init.ip;
    this.port = init.port;
    this.config = init.config;
    this.hardware = buildHardware({ nodeByte: ((cluster.seed * 37) & 0xff) + ordinal, layout: init.layout, maintenance: init.mode === 'maintenance', rng });
    this.memberId = rng.uint64();
    this.nodeId = Array.from({ length: 43 }, () => BASE62[rng.int(62)]).join('');
    const alnum = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const random3 = () => Array.from({ length: 3 }, () => alnum[rng.int(alnum.length)]).join('');
    // Talos names an unconfigured machine "talos-xxx-yyy".
    this.hostname = init.hostname ?? `talos-${random3()}-${random3()}`;
  }

  /** Kubernetes containers whose logs are served in namespace k8s.io (ids as `talosctl containers -k` shows them). */
  get k8sContainers(): string[] {
    if (this.mode !== 'configured') return [];
    const rng = createRng(hashSeed(this.cluster.seed, this.name, 'k8s'));
    const suffix = () => Array.from({ length: 5 }, () => 'bcdfghjklmnpqrstvwxz2456789'[rng.int(27)]).join('');
    const ids = [`kube-system/kube-proxy-${suffix()}:kube-proxy:${rng.hex(6)}`, `kube-system/kube-flannel-${suffix()}:kube-flannel:${rng.hex(6)}`];
    if (this.role === 'controlplane') {
      for (const c of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) ids.push(`kube-system/${c}-${this.hostname}:${c}:${rng.hex(6)}`);
      ids.push(`kube-system/coredns-${rng.hex(5).slice(0, 9)}-${suffix()}:coredns:${rng.hex(6)}`);
    }
    return ids;
  }

  /** The etcd cluster of the cluster this machine is configured for. */
  get etcd(): EtcdCluster {
    return this.cluster.etcdOf(this);
  }

  /** Machines configured for the same cluster (same etcd), this one included. */
  clusterPeers(): SimMachine[] {
    return this.cluster.machines().filter((m) => m.mode === 'configured' && m.etcd === this.etcd);
  }

  get address(): string {
    return `${this.ip}:${this.port}`;
  }

  get macs(): string[] {
    return this.hardware.macs;
  }

  etcdRunning(): boolean {
    return this.up && this.services.get('etcd')?.state === 'Running';
  }

  pid(serviceId: string): number {
    return 1000 + (hashSeed(this.cluster.seed, this.name, serviceId, this.bootCount) % 4000);
  }

  /** A fresh boot: services start, logs and kernel ring begin anew, resources are republished. */
  boot(opts: { bootTime: Date; settled: boolean }): void {
    this.bootCount++;
    this.bootTime = opts.bootTime;
    this.rebootPending = false;
    this.logs = new Map();
    this.kmsg = undefined;
    this.store = new ResourceStore();
    if (this.mode === 'configured' && this.role === 'controlplane' && this.etcd.bootstrapped) this.etcd.join(this);
    const isMember = this.etcd.member(this.memberId) !== undefined;
    this.services = bootServices({
      mode: this.mode,
      role: this.role,
      etcdBootstrapped: isMember,
      bootTime: opts.bootTime,
      pid: (id) => this.pid(id),
    });
    this.stage = this.mode === 'maintenance' ? 'maintenance' : opts.settled ? 'running' : 'booting';
    this.up = true;
    this.refresh();
  }

  /** The node finished booting (configured nodes go from "booting" to "running"). */
  settle(): void {
    if (this.mode === 'configured' && this.stage === 'booting') {
      this.stage = 'running';
      this.machinedLog('[talos] boot sequence: done');
      this.refresh();
    }
  }

  /** etcd on this node starts serving (bootstrap, or join after the cluster was bootstrapped). */
  startEtcd(): void {
    const rec = this.services.get('etcd');
    if (!rec || rec.state === 'Running') return;
    etcdStarted(rec, this.pid('etcd'));
    this.serviceEventLogged('etcd', 'Running', 'Health check successful');
    this.refresh();
  }

  private readiness(): { ready: boolean; unmet: { name: string; reason: string }[] } {
    if (this.mode === 'maintenance') return { ready: false, unmet: [] };
    const unhealthy = [...this.services.values()].filter((s) => s.state !== 'Running' || (!s.health.unknown && !s.health.healthy));
    const unmet = unhealthy.length ? [{ name: 'services', reason: `unexpected service status: ${unhealthy.map((s) => s.id).join(', ')}` }] : [];
    if (this.stage !== 'running') unmet.unshift({ name: 'stage', reason: `stage ${this.stage}` });
    return { ready: unmet.length === 0, unmet };
  }

  /** Re-render COSI resources from the current state (watches see only what changed). */
  refresh(): void {
    if (!this.up) return;
    const { ready, unmet } = this.readiness();
    const members = this.clusterPeers().map((m) => ({ nodeId: m.nodeId, hostname: m.hostname, ip: m.ip, machineType: m.role }));
    this.store.sync(
      renderResources({
        mode: this.mode,
        machineType: this.mode === 'maintenance' ? 'unknown' : this.role,
        hostname: this.hostname,
        ip: this.ip,
        links: this.hardware.links,
        primaryLinkName: primaryLink(this.hardware.links).name,
        disks: this.hardware.disks,
        services: this.services.values(),
        meta: this.meta,
        stage: this.stage,
        ready,
        unmetConditions: unmet,
        members: this.mode === 'configured' ? members : [],
        talosVersion: this.talosVersion,
      }),
    );
  }

  // ---- logs

  private logOptions(id: string) {
    return {
      seed: hashSeed(this.cluster.seed, this.name, id, this.bootCount),
      rate: this.logRate ?? this.cluster.logRate,
      ctx: { hostname: this.hostname, ip: this.ip },
      bootTime: this.bootTime,
    };
  }

  /** The log of a Talos service, or undefined when no such log is registered. */
  serviceLog(id: string): LogBuffer | undefined {
    if (!this.services.has(id)) return undefined;
    let buf = this.logs.get(`system/${id}`);
    if (!buf) {
      buf = serviceLog(id, this.logOptions(id));
      this.logs.set(`system/${id}`, buf);
    }
    return buf;
  }

  containerLog(id: string): LogBuffer | undefined {
    if (this.mode !== 'configured' || !this.k8sContainers.includes(id)) return undefined;
    let buf = this.logs.get(`k8s/${id}`);
    if (!buf) {
      buf = containerLog(id, this.logOptions(id));
      this.logs.set(`k8s/${id}`, buf);
    }
    return buf;
  }

  dmesg(): LogBuffer {
    this.kmsg ??= kernelLog(this.logOptions('dmesg'));
    return this.kmsg;
  }

  /** Change every open log's pace (Infinity = flood). */
  setLogRate(rate: number): void {
    this.logRate = rate;
    for (const buf of this.logs.values()) buf.rate = rate;
    if (this.kmsg) this.kmsg.rate = rate / 4;
  }

  /** machined writes "[talos] ..." lines both to its own log and to the kernel ring (as Talos does). */
  machinedLog(text: string): void {
    const now = new Date();
    this.serviceLog('machined')?.append(`${goLogStamp(now)} ${text}`);
    this.dmesg().append(formatKmsg('user', 'warning', now, text));
  }

  serviceEventLogged(id: string, state: string, msg: string): void {
    this.machinedLog(`[talos] service[${id}](${state}): ${msg}`);
  }
}

function goLogStamp(ts: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${ts.getUTCFullYear()}/${p(ts.getUTCMonth() + 1)}/${p(ts.getUTCDate())} ${p(ts.getUTCHours())}:${p(ts.getUTCMinutes())}:${p(ts.getUTCSeconds())}.${p(ts.getUTCMilliseconds(), 3)}000`;
}
