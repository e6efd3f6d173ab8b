// The Discovery pane's key-action table (hint bar and ? help come from it). Keys:
// s scan (edit targets, Enter runs), r rescan keeping rows, Esc cancel / close details,
// i load inventory, a Apply for the selected node, c copy its talosctl line, Enter details, arrows.
import type { Action } from '../../ui/pane-types.js';
import type { DiscoveryRow } from './source.js';

export interface ActionContext {
  running: boolean;
  hasTargets: boolean;
  detail: boolean;
  rowCount: number;
  selected: DiscoveryRow | null;
}

export interface ActionHandlers {
  editTargets(): void;
  rescan(): void;
  cancel(): void;
  closeDetail(): void;
  openDetail(): void;
  editInventory(): void;
  apply(): void;
  copy(): void;
  move(delta: number): void;
}

const talos = (row: DiscoveryRow | null) => row?.node?.kind === 'maintenance' || row?.node?.kind === 'configured';

export function discoveryActions(ctx: ActionContext, h: ActionHandlers): Action[] {
  return [
    { key: 's', label: 'scan', help: 'scan: type CIDRs, IPs or ranges (comma or space separated; add --force for more than a /16), Enter starts a fresh scan', run: h.editTargets },
    { key: 'r', label: 'rescan', help: 'scan the same targets again; rows stay where they are, a node that moved to its static address keeps its row (same MAC)', when: () => ctx.hasTargets && !ctx.running, run: h.rescan },
    { key: 'escape', label: 'cancel', help: 'cancel the running scan (what was found stays)', when: () => ctx.running && !ctx.detail, run: h.cancel },
    { key: 'escape', label: 'close', help: 'close the node details', when: () => ctx.detail, run: h.closeDetail },
    { key: 'a', label: 'apply', help: 'open Apply for the selected node, with its inventory entry', when: () => talos(ctx.selected), run: h.apply },
    { key: 'c', label: 'copy', help: 'copy the selected node\'s `talosctl apply-config --insecure` line (status bar + clipboard via OSC 52)', when: () => talos(ctx.selected), run: h.copy },
    { key: 'i', label: 'inventory', help: 'load an inventory file (YAML: expected machines with MACs) to match nodes against', run: h.editInventory },
    { key: 'enter', label: 'details', help: 'show / hide every link and disk of the selected node', hidden: true, when: () => ctx.rowCount > 0, run: () => (ctx.detail ? h.closeDetail() : h.openDetail()) },
    { key: 'up', label: 'up', help: 'select the previous row', hidden: true, when: () => ctx.rowCount > 0, run: () => h.move(-1) },
    { key: 'down', label: 'down', help: 'select the next row', hidden: true, when: () => ctx.rowCount > 0, run: () => h.move(1) },
    { key: 'k', label: 'up', help: 'select the previous row', hidden: true, when: () => ctx.rowCount > 0, run: () => h.move(-1) },
    { key: 'j', label: 'down', help: 'select the next row', hidden: true, when: () => ctx.rowCount > 0, run: () => h.move(1) },
  ];
}
