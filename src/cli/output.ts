// Plain-text output for headless commands: aligned columns without colour (scripts parse it), and
// JSON with bigint ids written as decimal strings (JSON.stringify cannot write bigint).
import { hostOf } from '../talos/address.js';

export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/**
 * "node: message" for a per-node failure on stderr, or the message alone when it names the node
 * already (Talos errors do: "nothing listens on 10.0.0.1:50000"), so no line reads "10.0.0.1: 10.0.0.1 …".
 */
export function namingNode(node: string, message: string): string {
  const host = hostOf(node);
  const esc = host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // Whole address only: 10.0.0.1 is not named by "10.0.0.12".
  return new RegExp(`(?<![\\w.-])${esc}(?![\\w-]|\\.\\w)`).test(message) ? message : `${node}: ${message}`;
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n';
}
