// Talos system services of one simulated node: state, health and event history as `talosctl services`
// shows them. Only what Talos v1.13 allows over the API can be changed over the API (see `apiControl`).

export type ServiceState = 'Initialized' | 'Waiting' | 'Preparing' | 'Running' | 'Stopping' | 'Finished' | 'Failed' | 'Skipped';

export interface ServiceEventRecord {
  msg: string;
  state: ServiceState;
  ts: Date;
}

export interface ServiceRecord {
  id: string;
  state: ServiceState;
  events: ServiceEventRecord[];
  health: { unknown: boolean; healthy: boolean; lastMessage: string; lastChange: Date };
  /** Talos v1.13 lets the API start/restart kubelet and start/stop/restart extension services only. */
  apiControl: { start: boolean; stop: boolean; restart: boolean };
}

interface ServiceSpec {
  id: string;
  /** How Talos reports the service running: as a goroutine, a host process or a containerd task. */
  runner: 'goroutine' | 'process' | 'container';
  command?: string;
  waitsFor?: string;
  healthChecked: boolean;
  apiControl?: ServiceRecord['apiControl'];
  only?: 'controlplane' | 'configured';
}

const SPECS: ServiceSpec[] = [
  { id: 'apid', runner: 'container', waitsFor: 'Waiting for service "containerd" to be "up", api certificates', healthChecked: true },
  { id: 'auditd', runner: 'goroutine', healthChecked: false },
  {
    id: 'containerd',
    runner: 'process',
    command: '["/bin/containerd" "--address" "/system/run/containerd/containerd.sock" "--state" "/system/run/containerd" "--root" "/system/var/lib/containerd"]',
    healthChecked: true,
  },
  {
    id: 'cri',
    runner: 'process',
    command: '["/bin/containerd" "--config" "/etc/cri/containerd.toml"]',
    waitsFor: 'Waiting for network',
    healthChecked: true,
    only: 'configured',
  },
  {
    id: 'dashboard',
    runner: 'process',
    command: '["/sbin/dashboard"]',
    waitsFor: 'Waiting for service "apid" to be "up"',
    healthChecked: false,
    only: 'configured',
  },
  {
    id: 'etcd',
    runner: 'container',
    waitsFor: 'Waiting for service "cri" to be "up", time sync, network, etcd spec',
    healthChecked: true,
    only: 'controlplane',
  },
  {
    id: 'ext-qemu-guest-agent',
    runner: 'container',
    waitsFor: 'Waiting for service "containerd" to be "up", file "/dev/virtio-ports/org.qemu.guest_agent.0" to exist',
    healthChecked: false,
    apiControl: { start: true, stop: true, restart: true },
    only: 'configured',
  },
  {
    id: 'kubelet',
    runner: 'container',
    waitsFor: 'Waiting for service "cri" to be "up", time sync, network',
    healthChecked: true,
    apiControl: { start: true, stop: false, restart: true },
    only: 'configured',
  },
  { id: 'machined', runner: 'goroutine', healthChecked: true },
  { id: 'syslogd', runner: 'goroutine', healthChecked: false },
  {
    id: 'trustd',
    runner: 'container',
    waitsFor: 'Waiting for service "containerd" to be "up", time sync, network',
    healthChecked: true,
    only: 'controlplane',
  },
  { id: 'udevd', runner: 'process', command: '["/sbin/udevd" "--resolve-names=never"]', healthChecked: true },
];

export interface ServiceContext {
  mode: 'maintenance' | 'configured';
  role: 'controlplane' | 'worker';
  /** etcd waits in "Preparing" until the cluster is bootstrapped. */
  etcdBootstrapped: boolean;
  bootTime: Date;
  /** Deterministic PIDs. */
  pid: (id: string) => number;
}

function startedMessage(spec: ServiceSpec, pid: number): string {
  switch (spec.runner) {
    case 'goroutine':
      return 'Service started as goroutine';
    case 'process':
      return `Process Process(${spec.command ?? `["/sbin/${spec.id}"]`}) started with PID ${pid}`;
    case 'container':
      return `Started task ${spec.id} (PID ${pid}) for container ${spec.id}`;
  }
}

function at(base: Date, offsetMs: number): Date {
  return new Date(base.getTime() + offsetMs);
}

/** Append the usual start-up sequence of events, ending in Running (and a health check when there is one). */
function pushStartSequence(rec: ServiceRecord, spec: ServiceSpec, start: Date, pid: number): void {
  let t = 0;
  if (spec.waitsFor) rec.events.push({ msg: spec.waitsFor, state: 'Waiting', ts: at(start, (t += 5)) });
  rec.events.push({ msg: 'Running pre state', state: 'Preparing', ts: at(start, (t += 40)) });
  rec.events.push({ msg: 'Creating service runner', state: 'Preparing', ts: at(start, (t += 30)) });
  rec.events.push({ msg: startedMessage(spec, pid), state: 'Running', ts: at(start, (t += 60)) });
  rec.state = 'Running';
  if (spec.healthChecked) {
    const ts = at(start, (t += 900));
    rec.events.push({ msg: 'Health check successful', state: 'Running', ts });
    rec.health = { unknown: false, healthy: true, lastMessage: '', lastChange: ts };
  } else {
    rec.health = { unknown: true, healthy: false, lastMessage: '', lastChange: at(start, t) };
  }
}

/** The services of a freshly booted node, as Talos would list them a few seconds after boot. */
export function bootServices(ctx: ServiceContext): Map<string, ServiceRecord> {
  const out = new Map<string, ServiceRecord>();
  let offset = 0;
  for (const spec of SPECS) {
    if (spec.only && ctx.mode === 'maintenance') continue;
    if (spec.only === 'controlplane' && ctx.role !== 'controlplane') continue;
    const rec: ServiceRecord = {
      id: spec.id,
      state: 'Initialized',
      events: [],
      health: { unknown: true, healthy: false, lastMessage: '', lastChange: ctx.bootTime },
      apiControl: spec.apiControl ?? { start: false, stop: false, restart: false },
    };
    const start = at(ctx.bootTime, (offset += 150));
    if (spec.id === 'etcd' && !ctx.etcdBootstrapped) {
      rec.events.push({ msg: spec.waitsFor!, state: 'Waiting', ts: at(start, 5) });
      rec.events.push({ msg: 'Running pre state', state: 'Preparing', ts: at(start, 60) });
      rec.state = 'Preparing';
    } else {
      pushStartSequence(rec, spec, start, ctx.pid(spec.id));
    }
    out.set(spec.id, rec);
  }
  // A node that has just come back from a reboot must not report events from the future.
  const now = Date.now();
  for (const rec of out.values()) {
    for (const ev of rec.events) if (ev.ts.getTime() > now) ev.ts = new Date(now);
    if (rec.health.lastChange.getTime() > now) rec.health.lastChange = new Date(now);
  }
  return out;
}

function specFor(id: string): ServiceSpec {
  return SPECS.find((s) => s.id === id) ?? { id, runner: 'container', healthChecked: false };
}

/** Does Talos run this service as a containerd task (namespace "system")? Unknown ids count as extensions. */
export function runsAsContainer(id: string): boolean {
  return specFor(id).runner === 'container';
}

export function stopService(rec: ServiceRecord, now = new Date()): void {
  rec.events.push({ msg: 'Stopping service', state: 'Stopping', ts: now });
  rec.events.push({ msg: 'Service finished successfully', state: 'Finished', ts: new Date(now.getTime() + 1) });
  rec.state = 'Finished';
  const health = rec.health.unknown ? rec.health : { ...rec.health, healthy: false, lastMessage: 'service stopped', lastChange: now };
  rec.health = health;
}

export function startService(rec: ServiceRecord, pid: number, now = new Date()): void {
  const spec = specFor(rec.id);
  // Events are pushed with small increasing offsets so that the history stays ordered.
  pushStartSequence(rec, { ...spec, waitsFor: undefined }, now, pid);
  if (spec.healthChecked) {
    // Pretend the first health check passed a moment after the start: keep its timestamp not in the future.
    const last = rec.events[rec.events.length - 1];
    last.ts = new Date(Math.min(last.ts.getTime(), Date.now()));
    rec.health.lastChange = last.ts;
  }
}

export function setServiceHealth(rec: ServiceRecord, healthy: boolean, message: string, now = new Date()): void {
  if (!rec.health.unknown && rec.health.healthy === healthy && rec.health.lastMessage === message) return;
  rec.health = { unknown: false, healthy, lastMessage: message, lastChange: now };
  rec.events.push({ msg: healthy ? 'Health check successful' : `Health check failed: ${message}`, state: rec.state, ts: now });
}

/** etcd leaves "Preparing" once the cluster is bootstrapped (or this member joined it). */
export function etcdStarted(rec: ServiceRecord, pid: number, now = new Date()): void {
  if (rec.state === 'Running') return;
  rec.events.push({ msg: 'Creating service runner', state: 'Preparing', ts: now });
  rec.events.push({ msg: startedMessage(specFor('etcd'), pid), state: 'Running', ts: new Date(now.getTime() + 1) });
  rec.events.push({ msg: 'Health check successful', state: 'Running', ts: new Date(now.getTime() + 2) });
  rec.state = 'Running';
  rec.health = { unknown: false, healthy: true, lastMessage: '', lastChange: now };
}

/** A service whose pre stage failed (etcd refusing a recovery): Failed, with Talos's capitalised error. */
export function serviceFailed(rec: ServiceRecord, error: string, now = new Date()): string {
  const msg = `Failed to run pre stage: ${error}`;
  rec.events.push({ msg: 'Running pre state', state: 'Preparing', ts: now });
  rec.events.push({ msg, state: 'Failed', ts: new Date(now.getTime() + 1) });
  rec.state = 'Failed';
  return msg;
}
