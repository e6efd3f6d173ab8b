// The `talosctl apply-config --insecure` line an admin would type for a discovered node (runbook
// steps 6-7). Pure (the copy goes through src/ui/clipboard.ts).
//
// Paths: the inventory's configDir and patches are relative to the inventory file's directory,
// and are printed relative to the current directory (absolute when outside it), so the line runs
// as is from where talos-tui was started.
import path from 'node:path';
import type { Inventory, InventoryNode } from '../../core/inventory.js';
import { displayPath } from '../../core/display-path.js';

export interface ApplyCommandInput {
  ip: string;
  port: number;
  /** The inventory entry the node matched, if any. */
  entry?: InventoryNode | null;
  inventory?: Pick<Inventory, 'configDir' | 'source'> | null;
  /** Directory the inventory's relative paths start from (default: the inventory file's). */
  inventoryDir?: string;
  cwd?: string;
  /** Maintenance node (default): --insecure. A configured node is applied to with the talosconfig. */
  insecure?: boolean;
  /** The node's certificate fingerprint as discovery saw it: talosctl then refuses any other server. */
  certFingerprint?: string;
}

/** Quotes a shell word only when it needs it (POSIX single quotes). */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9@%+=:,./_-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

const shown = (file: string, base: string, cwd: string): string => displayPath(path.resolve(base, file), cwd);

export function talosctlApplyCommand(input: ApplyCommandInput): string {
  const cwd = input.cwd ?? process.cwd();
  const base = input.inventoryDir ?? (input.inventory ? path.dirname(path.resolve(cwd, input.inventory.source)) : cwd);
  const insecure = input.insecure ?? true;
  const words = ['talosctl', 'apply-config', ...(insecure ? ['--insecure'] : []), '--nodes', input.port === 50000 ? input.ip : `${input.ip}:${input.port}`];
  const entry = input.entry;
  if (entry) {
    const configDir = input.inventory?.configDir ?? '.';
    words.push('--file', shellWord(shown(path.join(configDir, `${entry.role}.yaml`), base, cwd)));
    for (const patch of entry.patches) words.push('--config-patch', shellWord(`@${shown(patch, base, cwd)}`));
  } else {
    // Unmatched: the admin must choose; a placeholder that fails loudly if pasted unedited.
    words.push('--file', '<controlplane.yaml|worker.yaml>');
  }
  if (insecure && input.certFingerprint) words.push('--cert-fingerprint', shellWord(input.certFingerprint));
  return words.join(' ');
}

