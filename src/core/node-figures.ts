// The per-node figures of the Status pane's node summary, as `talosctl dashboard` shows them: CPU busy
// share from two SystemStat samples, memory used, uptime from the boot time, and their display. Pure.

/** Cumulative CPU seconds (SystemStat cpu_total), the fields that matter here. */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softIrq: number;
  steal: number;
}

const sum = (c: CpuTimes) => c.user + c.nice + c.system + c.idle + c.iowait + c.irq + c.softIrq + c.steal;

/** Busy share (0..1) between two samples, as the dashboard computes it; null without a usable interval. */
export function cpuBusy(before: CpuTimes | undefined, after: CpuTimes): number | null {
  if (!before) return null;
  const total = sum(after) - sum(before);
  if (!(total > 0)) return null;
  const idle = after.idle + after.iowait - (before.idle + before.iowait);
  return Math.min(1, Math.max(0, 1 - idle / total));
}

/** Memory in use as Linux's `free` counts it: total minus available. */
export function memoryUsed(total: number, available: number): number {
  return Math.max(0, total - available);
}

/** 1536 MiB -> "1.5G", 900 MiB -> "900M". */
export function bytesShort(n: number): string {
  const g = n / 1024 ** 3;
  if (g >= 10) return `${Math.round(g)}G`;
  if (g >= 1) return `${g.toFixed(1)}G`;
  return `${Math.round(n / 1024 ** 2)}M`;
}

/** Seconds -> "3d4h", "5h12m", "7m", "42s". */
export function uptimeShort(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d${h}h`;
  if (h > 0) return `${h}h${m}m`;
  if (m > 0) return `${m}m`;
  return `${s}s`;
}
