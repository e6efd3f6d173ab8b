// MachineService LoadAvg, Memory and SystemStat: what `talosctl dashboard` shows per node (load, memory,
// CPU, boot time). The figures are plausible and move slowly with time, each node on its own curve
// (seeded by its name), so the Status pane's node summary has something live to show.
import type { MachineService } from '../../talos/proto/gen/machine/machine_pb.js';
import { hashSeed } from '../rng.js';
import type { SimMachine } from '../machine-state.js';
import type { SimHandlers } from './types.js';

const GiB = 1024 ** 3;
const CPUS = 4;
/** Linux reports CPU time in USER_HZ ticks; Talos passes /proc/stat's figures on in seconds. */

function phase(machine: SimMachine): number {
  return (hashSeed(machine.name) % 1000) / 159.15; // 0 … 2π
}

/** A load that swings around a base per role, period about five minutes. */
function load(machine: SimMachine, now: number, lagMinutes: number): number {
  const base = machine.role === 'controlplane' ? 0.6 : 0.3;
  const swing = 0.25 * (1 + Math.sin(now / 48_000 - lagMinutes / 5 + phase(machine)));
  return Math.round((base + swing) * 100) / 100;
}

function uptimeSeconds(machine: SimMachine, now: number): number {
  return Math.max(0, (now - machine.bootTime.getTime()) / 1000);
}

export const statsHandlers: SimHandlers<typeof MachineService> = {
  async loadAvg(_req, { machine }) {
    const now = Date.now();
    return { messages: [{ load1: load(machine, now, 0), load5: load(machine, now, 5), load15: load(machine, now, 15) }] };
  },

  async memory(_req, { machine }) {
    const total = (machine.role === 'controlplane' ? 8 : 16) * GiB;
    // Used memory grows after boot and settles: the dashboard's "memory" bar.
    const settled = 1 - Math.exp(-uptimeSeconds(machine, Date.now()) / 120);
    const used = Math.round(total * (0.18 + 0.22 * settled) + 0.03 * total * Math.sin(phase(machine)));
    const free = total - used;
    return { messages: [{ meminfo: { memtotal: BigInt(total), memfree: BigInt(Math.round(free * 0.6)), memavailable: BigInt(free), buffers: BigInt(64 * 1024 ** 2), cached: BigInt(Math.round(free * 0.3)) } }] };
  },

  async systemStat(_req, { machine }) {
    const up = uptimeSeconds(machine, Date.now());
    // Cumulative CPU seconds since boot over all CPUs, so they only grow: the busy share swings as
    // b0 + a·sin(ωt + φ), and the busy seconds are its integral (two samples give the share between them).
    const b0 = machine.role === 'controlplane' ? 0.22 : 0.12;
    const a = 0.1;
    const w = (2 * Math.PI) / 300;
    const p = phase(machine);
    const busySeconds = CPUS * (b0 * up - (a / w) * (Math.cos(w * up + p) - Math.cos(p)));
    const total = up * CPUS;
    const cpuTotal = { user: busySeconds * 0.7, system: busySeconds * 0.3, idle: total - busySeconds, nice: 0, iowait: 0, irq: 0, softIrq: 0, steal: 0, guest: 0, guestNice: 0 };
    const perCpu = Array.from({ length: CPUS }, () => ({ ...cpuTotal, user: cpuTotal.user / CPUS, system: cpuTotal.system / CPUS, idle: cpuTotal.idle / CPUS }));
    return { messages: [{ bootTime: BigInt(Math.floor(machine.bootTime.getTime() / 1000)), cpuTotal, cpu: perCpu }] };
  },
};
