// Colours of the log view: one colour per node (stable across runs, so an operator learns that
// "cp2 is magenta"), and severity colours for kernel/service levels. Red and yellow are kept for
// severities, so the node palette avoids them.
import type { TextProps } from 'ink';
import type { Severity } from '../core/logs/dmesg.js';
import type { LogRow } from '../core/logs/log-model.js';

export const NODE_PALETTE = [
  'cyan',
  'magenta',
  'blue',
  'green',
  'cyanBright',
  'magentaBright',
  'blueBright',
  'greenBright',
] as const;

/** FNV-1a: a stable, well-spread hash of the node name. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function nodeColor(node: string): (typeof NODE_PALETTE)[number] {
  return NODE_PALETTE[hash(node) % NODE_PALETTE.length]!;
}

/** err/crit/alert/emerg red, warning yellow, debug dim, the rest plain. */
export function severityProps(severity: Severity | undefined): TextProps {
  switch (severity) {
    case 'emerg':
    case 'alert':
    case 'crit':
      return { color: 'red', bold: true };
    case 'err':
      return { color: 'red' };
    case 'warning':
      return { color: 'yellow' };
    case 'debug':
      return { dimColor: true };
    case 'info':
    case 'notice':
    case undefined:
    default:
      return {};
  }
}

/** Style of a row's text (not its prefix). With colour off: none at all (no escapes). */
export function rowTextProps(row: LogRow, color: boolean): TextProps {
  if (!color) return {};
  if (row.kind === 'gap-marker') return { inverse: true, dimColor: true };
  if (row.kind === 'info') return { dimColor: true, italic: true };
  return severityProps(row.severity);
}
