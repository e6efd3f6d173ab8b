// What the Apply pane renders and where it follows the node: the base and patch files from an
// inventory entry (paths relative to the inventory file, as Discovery's talosctl line resolves them),
// the rendered config (base verbatim without patches, as `talos-tui apply` sends it), and the address
// the node will answer at after its reboot (the first static address of machine.network.interfaces).
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ConfigPatchError, parseConfig, renderPatched } from '../core/config-patch/index.js';
import type { InventoryNode, InventoryOrigin } from '../core/inventory.js';
import { shortPath } from './short-path.js';
import { readUserFile } from '../io/user-file.js';
import { generateFromSecrets, loadProfile } from './provision-inputs.js';

export interface ApplyInputs {
  base: string | null;
  patches: string[];
  /** No base file: the profile names a secrets bundle, and the role's base is generated from it (as provisioning does). */
  generated?: { profile: string; role: 'controlplane' | 'worker' };
}

/** Base and patches of an inventory entry (its inventory already parsed), as absolute paths: relative ones start at the inventory file. */
export function inputsFromInventory(entry: Pick<InventoryNode, 'role' | 'patches'>, inventory: InventoryOrigin | null, cwd = process.cwd()): ApplyInputs {
  const file = inventory ? path.resolve(cwd, inventory.source) : null;
  const dir = file ? path.dirname(file) : cwd;
  const patches = entry.patches.map((p) => path.resolve(dir, p));
  if (file && inventory!.secrets && !inventory!.configDir) return { base: null, generated: { profile: file, role: entry.role }, patches };
  return { base: path.resolve(dir, inventory?.configDir ?? '.', `${entry.role}.yaml`), patches };
}

function readText(file: string, what: string): string {
  return readUserFile(file, what, { shown: shortPath(file) });
}

/** The role's base generated from the profile's secrets bundle, read again on every render (the files may have changed). */
function generatedBase(g: NonNullable<ApplyInputs['generated']>): { name: string; text: string } {
  const base = generateFromSecrets(loadProfile(g.profile));
  return { name: `${g.role}.yaml generated from ${shortPath(g.profile)}`, text: g.role === 'controlplane' ? base.controlplane : base.worker };
}

export type RenderResult = { ok: true; config: string } | { ok: false; error: string };

/** Read and render; the error is one sentence naming the file or patch at fault. */
export function renderInputs(inputs: ApplyInputs): RenderResult {
  if (!inputs.base && !inputs.generated) return { ok: false, error: 'no base config yet: press f to name one (controlplane.yaml or worker.yaml)' };
  try {
    const { name, text: baseText } = inputs.base ? { name: shortPath(inputs.base), text: readText(inputs.base, 'base config') } : generatedBase(inputs.generated!);
    if (baseText.trim() === '') return { ok: false, error: `base config ${name} is empty` };
    if (inputs.patches.length === 0) {
      parseConfig(baseText, name); // sent verbatim, but never unchecked
      return { ok: true, config: baseText };
    }
    const patches = inputs.patches.map((p) => ({ name: shortPath(p), text: readText(p, 'patch file') }));
    return { ok: true, config: renderPatched({ name, text: baseText }, patches) };
  } catch (err) {
    if (err instanceof ConfigPatchError || err instanceof Error) return { ok: false, error: err.message.replace(/\s*\n\s*/g, ' ') };
    return { ok: false, error: String(err) };
  }
}

/** The first static address (without prefix) in machine.network.interfaces[].addresses, or null. */
export function staticAddressOf(config: string): string | null {
  try {
    for (const doc of parseAllDocuments(config)) {
      if (!('toJS' in doc)) continue;
      const js = doc.toJS() as { machine?: { network?: { interfaces?: { addresses?: unknown[] }[] } } } | null;
      for (const iface of js?.machine?.network?.interfaces ?? []) {
        for (const a of iface?.addresses ?? []) {
          if (typeof a === 'string' && a.trim() !== '') return a.trim().replace(/\/\d+$/, '');
        }
      }
    }
  } catch {
    return null;
  }
  return null;
}

/** The machine type the config names (machine.type), or null. */
export function machineTypeOf(config: string): string | null {
  try {
    for (const doc of parseAllDocuments(config)) {
      if (!('toJS' in doc)) continue;
      const t = (doc.toJS() as { machine?: { type?: unknown } } | null)?.machine?.type;
      if (typeof t === 'string') return t;
    }
  } catch {
    return null;
  }
  return null;
}

/** "10.0.0.5:50000" -> "10.0.0.5"; IPv6 in brackets loses them. */
export function hostPart(node: string): string {
  const m = /^\[(.+)\]:\d+$/.exec(node) ?? /^([^:]+):\d+$/.exec(node);
  return m ? m[1]! : node;
}
