// Log and kernel-message sources of a simulated node, in the formats Talos really streams:
// - service logs are raw text as each program writes it (machined's lines get a Go timestamp prefix from
//   Talos's log writer), sent in chunks that do not respect line boundaries;
// - dmesg is one message per Data chunk, "<facility>: <priority %7s>: [<RFC3339Nano>]: <text>", no newline
//   (machined's Dmesg handler formats it so);
// - Kubernetes container logs are CRI log-file lines ("<RFC3339Nano> stderr F <text>").
// Content is a pure function of (seed, log id, sequence number), so runs with the same seed read alike.
import { createRng, hashSeed } from './rng.js';

const MAX_LINES = 20_000;

/** Go's time.RFC3339Nano: fractional seconds with trailing zeros trimmed, UTC "Z". */
export function rfc3339Nano(ts: Date, extraMicros = 0): string {
  const iso = ts.toISOString(); // 2025-11-20T10:00:00.123Z
  const frac = (String(ts.getUTCMilliseconds()).padStart(3, '0') + String(extraMicros).padStart(3, '0')).replace(/0+$/, '');
  return iso.slice(0, 19) + (frac ? '.' + frac : '') + 'Z';
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** Go log package style "2006/01/02 15:04:05" (+ ".000000" when micro is set). */
function goLogTime(ts: Date, micros?: number): string {
  const base = `${ts.getUTCFullYear()}/${pad(ts.getUTCMonth() + 1)}/${pad(ts.getUTCDate())} ${pad(ts.getUTCHours())}:${pad(ts.getUTCMinutes())}:${pad(ts.getUTCSeconds())}`;
  return micros === undefined ? base : `${base}.${pad(ts.getUTCMilliseconds(), 3)}${pad(micros, 3)}`;
}

/** klog header time "I1120 10:00:00.123456". */
function klogTime(level: string, ts: Date, micros: number): string {
  return `${level}${pad(ts.getUTCMonth() + 1)}${pad(ts.getUTCDate())} ${pad(ts.getUTCHours())}:${pad(ts.getUTCMinutes())}:${pad(ts.getUTCSeconds())}.${pad(ts.getUTCMilliseconds(), 3)}${pad(micros, 3)}`;
}

export interface LineContext {
  hostname: string;
  ip: string;
}

type Generator = (seq: number, ts: Date, ctx: LineContext, r: ReturnType<typeof createRng>) => string;

const MACHINED_MESSAGES = [
  (r: ReturnType<typeof createRng>) => `[talos] task updateBootloader (1/1): done, ${r.int(900) + 20}.${r.int(999)}ms`,
  () => '[talos] controller runtime: reconciling',
  (r: ReturnType<typeof createRng>) => `[talos] service[kubelet](Running): Health check successful (after ${r.int(4) + 1}s)`,
  (r: ReturnType<typeof createRng>) => `[talos] node watch error {"component": "controller-runtime", "controller": "k8s.NodeStatusController", "error": "failed to watch nodes: context canceled", "retry_in": "${r.int(9) + 1}s"}`,
  () => '[talos] kubernetes endpoint watch ok {"component": "controller-runtime", "controller": "k8s.EndpointController"}',
  (r: ReturnType<typeof createRng>) => `[talos] time synchronized {"component": "controller-runtime", "controller": "time.SyncController", "offset": "${r.int(900)}.${r.int(999)}µs"}`,
  () => '[talos] etcd member list refreshed {"component": "controller-runtime", "controller": "etcd.MemberController"}',
];

const KUBELET_MESSAGES = [
  '"SyncLoop (PLEG): event for pod" pod="kube-system/kube-proxy-7x2lq" event={"ID":"3f1c","Type":"ContainerStarted"}',
  '"Volume detached for volume" volumeName="kubernetes.io/projected/kube-api-access"',
  '"Successfully probed plugin" pluginName="kubernetes.io/csi"',
  '"Updated node status" node="{host}" status="Ready"',
  '"RemoveContainer" containerID="containerd://5f2e0c"',
  '"Image garbage collection succeeded"',
];

const ETCD_MESSAGES = [
  ['info', 'mvcc/kvstore_compaction.go:71', 'finished scheduled compaction'],
  ['info', 'etcdserver/server.go:1396', 'triggering snapshot'],
  ['info', 'etcdserver/server.go:2415', 'saved snapshot'],
  ['warn', 'etcdserver/util.go:170', 'apply request took too long'],
  ['info', 'traceutil/trace.go:172', 'trace[1043] range'],
  ['info', 'v3rpc/health.go:61', 'grpc service status changed'],
];

const CONTAINERD_MESSAGES = [
  'received exit event container_id:"4c8d" id:"4c8d" pid:2201 exit_status:0',
  'shim disconnected',
  'loading plugin "io.containerd.grpc.v1.cri"...',
  'ImageCreate event name:"registry.k8s.io/pause:3.10"',
  'cleaning up dead shim',
  'StartContainer for "8b1f" returns successfully',
];

const GENERIC_MESSAGES = [
  'connection accepted',
  'certificate refreshed',
  'handled request',
  'client connected',
  'watch restarted',
  'periodic sync complete',
];

function pickMessage<T>(items: readonly T[], seq: number, r: ReturnType<typeof createRng>): T {
  return items[(seq + r.int(items.length)) % items.length];
}

const GENERATORS: Record<string, Generator> = {
  machined: (seq, ts, _ctx, r) => `${goLogTime(ts, r.int(1000))} ${pickMessage(MACHINED_MESSAGES, seq, r)(r)}`,
  kubelet: (seq, ts, ctx, r) =>
    `${klogTime(r.int(10) === 0 ? 'W' : 'I', ts, r.int(1000))}    ${1800 + r.int(400)} kubelet.go:${2000 + r.int(500)}] ${pickMessage(KUBELET_MESSAGES, seq, r).replace('{host}', ctx.hostname)}`,
  etcd: (seq, ts, ctx, r) => {
    const [level, caller, msg] = pickMessage(ETCD_MESSAGES, seq, r);
    return JSON.stringify({ level, ts: rfc3339Nano(ts, r.int(1000)), caller, msg, 'peer-url': `https://${ctx.ip}:2380`, revision: 40_000 + seq });
  },
  containerd: (seq, ts, _ctx, r) => `time="${rfc3339Nano(ts, r.int(1000))}" level=info msg="${pickMessage(CONTAINERD_MESSAGES, seq, r).replace(/"/g, '\\"')}"`,
  udevd: (seq, _ts, _ctx, r) => `udevd[${700 + r.int(200)}]: ${pickMessage(['starting version 3.2.14', 'specified group \'kvm\' unknown', 'sda: Worker finished', 'eth0: Interface name change detected'], seq, r)}`,
};
GENERATORS.cri = GENERATORS.containerd;

function genericGenerator(id: string): Generator {
  return (seq, ts, _ctx, r) => `${goLogTime(ts)} ${id}: ${pickMessage(GENERIC_MESSAGES, seq, r)} (#${seq})`;
}

const KERNEL_MESSAGES: [string, string, string][] = [
  ['kern', 'info', 'virtio_net virtio1 eth0: renamed from ens3'],
  ['kern', 'notice', 'random: crng init done'],
  ['kern', 'info', 'EXT4-fs (sda6): mounted filesystem with ordered data mode'],
  ['kern', 'warning', 'TCP: request_sock_TCP: Possible SYN flooding on port 6443. Sending cookies.'],
  ['kern', 'info', 'IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready'],
  ['kern', 'info', 'xfs filesystem being remounted at /var supports timestamps until 2038'],
  ['kern', 'err', 'blk_update_request: I/O error, dev sr0, sector 0 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0'],
  ['user', 'warning', '[talos] service[kubelet](Running): Health check successful'],
  ['kern', 'info', 'cni0: port 1(veth3a1c) entered forwarding state'],
];

// The first messages of every boot, in order.
const BOOT_KMSG: [string, string, string][] = [
  ['kern', 'notice', 'Linux version 6.12.57-talos (@buildkitsandbox) (gcc (GCC) 14.2.0, GNU ld (GNU Binutils) 2.44) #1 SMP'],
  ['kern', 'info', 'Command line: talos.platform=metal console=ttyS0 console=tty0 init_on_alloc=1 slab_nomerge pti=on'],
  ['kern', 'info', 'BIOS-provided physical RAM map:'],
  ['kern', 'info', 'DMI: QEMU Standard PC (Q35 + ICH9, 2009), BIOS rel-1.16.3-0-ga6ed6b701f0a-prebuilt.qemu.org 04/01/2014'],
  ['kern', 'info', 'virtio_net virtio1 eth0: renamed from ens18'],
  ['user', 'warning', '[talos] [initramfs] booting Talos v1.13.9'],
  ['user', 'warning', '[talos] [initramfs] mounting the rootfs'],
];

/** One dmesg message in machined's format. */
export function formatKmsg(facility: string, priority: string, ts: Date, text: string, micros = 0): string {
  return `${facility}: ${priority.padStart(7)}: [${rfc3339Nano(ts, micros)}]: ${text}`;
}

/** A bounded, append-only log that also produces new lines over time at a given rate. */
export class LogBuffer {
  private lines: string[] = [];
  private readonly listeners = new Set<(line: string) => void>();
  private seq = 0;
  private producedUntil: number;

  constructor(
    private readonly produce: (seq: number, ts: Date) => string,
    /** Lines per second; Infinity = flood (lines are made on demand by followers). */
    public rate: number,
    historyLines: number,
    since: Date,
    /** Spread the history over the whole time since `since` (the kernel ring starts at boot). */
    pinToSince = false,
  ) {
    const now = Date.now();
    // History is as dense as the live pace when the pace is known (the last lines/rate seconds).
    const start = Number.isFinite(rate) && rate > 0 && !pinToSince ? Math.max(since.getTime(), now - (historyLines / rate) * 1000) : since.getTime();
    since = new Date(start);
    const span = Math.max(1, now - start);
    for (let i = 0; i < historyLines; i++) this.push(this.produce(this.seq++, new Date(since.getTime() + Math.floor((span * i) / historyLines))));
    this.producedUntil = now;
  }

  private push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > MAX_LINES * 1.25) this.lines = this.lines.slice(-MAX_LINES);
    for (const fn of this.listeners) fn(line);
  }

  /** Produce the lines that "happened" since the last call, at `rate` per second. */
  catchUp(now = Date.now()): void {
    if (!Number.isFinite(this.rate) || this.rate <= 0) {
      this.producedUntil = now;
      return;
    }
    const due = Math.floor(((now - this.producedUntil) / 1000) * this.rate);
    if (due <= 0) return;
    const step = 1000 / this.rate;
    for (let i = 0; i < Math.min(due, 5000); i++) this.push(this.produce(this.seq++, new Date(this.producedUntil + step * (i + 1))));
    this.producedUntil += due * step;
  }

  /** Flood mode: make `n` lines right now. */
  burst(n: number): void {
    const now = new Date();
    for (let i = 0; i < n; i++) this.push(this.produce(this.seq++, now));
  }

  append(line: string): void {
    this.catchUp();
    this.push(line);
  }

  /** Last `n` lines; n < 0 means everything kept. */
  tail(n: number): string[] {
    this.catchUp();
    if (n < 0) return [...this.lines];
    return n === 0 ? [] : this.lines.slice(-n);
  }

  subscribe(fn: (line: string) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

export interface LogSourceOptions {
  seed: number;
  rate: number;
  ctx: LineContext;
  bootTime: Date;
}

/** A Talos service log (namespace "system"). */
export function serviceLog(id: string, o: LogSourceOptions): LogBuffer {
  const gen = GENERATORS[id] ?? genericGenerator(id);
  return new LogBuffer((seq, ts) => gen(seq, ts, o.ctx, createRng(hashSeed(o.seed, id, seq))), o.rate, id === 'machined' ? 400 : 150, o.bootTime);
}

/** A Kubernetes container log (namespace "k8s.io", CRI format). */
export function containerLog(id: string, o: LogSourceOptions): LogBuffer {
  const component = id.split(':')[1] ?? 'container';
  return new LogBuffer(
    (seq, ts) => {
      const r = createRng(hashSeed(o.seed, id, seq));
      const stream = r.int(4) === 0 ? 'stdout' : 'stderr';
      return `${rfc3339Nano(ts, r.int(1000))} ${stream} F ${klogTime('I', ts, r.int(1000))}       1 ${component}.go:${100 + r.int(800)}] ${pickMessage(GENERIC_MESSAGES, seq, r)}`;
    },
    o.rate,
    120,
    o.bootTime,
  );
}

/** The kernel ring buffer (one formatted message per line). */
export function kernelLog(o: LogSourceOptions): LogBuffer {
  return new LogBuffer(
    (seq, ts) => {
      const r = createRng(hashSeed(o.seed, 'dmesg', seq));
      const [facility, priority, text] = seq < BOOT_KMSG.length ? BOOT_KMSG[seq] : pickMessage(KERNEL_MESSAGES, seq, r);
      return formatKmsg(facility, priority, ts, text, r.int(1000));
    },
    o.rate / 4,
    600,
    o.bootTime,
    true,
  );
}
