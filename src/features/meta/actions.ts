// The META pane's key-action table (one table: it feeds the shell's key dispatch, the hint bar and
// the ? help). Every `when` and `run` reads the controller's state as of the key press. Dangerous
// ones (write, delete) ask for the node's name in the pane before anything is sent.
import { META_NETWORK_ID } from '../../core/meta/index.js';
import type { Action } from '../../ui/pane-types.js';
import { shortPath, type MetaController } from './controller.js';
import { DEFAULT_META_FILE, isRouteShown, isValid, nodeOf } from './state.js';

export type MetaField = 'file' | 'node';

export interface MetaActionContext {
  controller: MetaController;
  hasSession: boolean;
  openField(field: MetaField, initial: string): void;
  confirmWrite(): void;
  confirmDelete(): void;
  askRoutePath(): void;
}

export function metaActions(ctx: MetaActionContext): Action[] {
  const c = ctx.controller;
  const s = () => c.current;
  const idle = () => s().busy === null;
  const reachable = () => idle() && nodeOf(s()) !== null && (s().insecure || ctx.hasSession);
  return [
    { key: 'o', label: 'open', help: 'open a META document file (the pane re-validates it on every save)', run: () => ctx.openField('file', s().file ? shortPath(s().file!) : DEFAULT_META_FILE) },
    { key: 't', label: 'template', help: 'write a commented template to the file (never overwrites)', when: () => s().file !== null && s().doc?.kind === 'missing', run: () => void c.writeTemplate() },
    { key: 'n', label: 'node', help: 'type the node (IP) to read, compare and write', run: () => ctx.openField('node', nodeOf(s()) ?? '') },
    { key: 'i', label: s().insecure ? 'maint.' : 'mTLS', hidden: true, help: 'switch between maintenance (insecure, straight to the node) and configured (mTLS over the session)', when: idle, run: () => c.toggleInsecure() },
    { key: 'g', label: 'get', help: `read the node's current META ${META_NETWORK_ID}`, when: reachable, run: () => void c.get() },
    { key: 'D', label: 'diff', help: "line diff: the node's current document against the file's canonical render", when: () => reachable() && isValid(s()), run: () => void c.diff() },
    {
      key: 'w',
      label: 'write',
      dangerous: true,
      help: `write the file to the node's META ${META_NETWORK_ID} over mTLS (type the node name), a maintenance node gets the boot-time route`,
      when: () => reachable() && isValid(s()),
      run: () => ctx.confirmWrite(),
    },
    {
      key: 'e',
      label: 'edit',
      help: 'edit the file in $VISUAL / $EDITOR (the console steps aside until it exits; a missing file starts from the template), then check it again',
      when: () => s().file !== null && s().doc?.kind !== 'unreadable',
      run: () => void c.edit(),
    },
    { key: 'b', label: 'boot export', help: 'the boot-time route: INSTALLER_META_BASE64, the kernel argument (with its QR code) and the imager --meta', when: () => isValid(s()), run: () => c.showRoute(null) },
    { key: 's', label: 'save', help: 'boot-time route shown: save it to a file (0600)', when: () => isRouteShown(s()), run: () => ctx.askRoutePath() },
    { key: 'c', label: 'copy', help: 'boot-time route shown: copy the kernel argument to the clipboard (OSC 52)', when: () => isRouteShown(s()), run: () => c.copyKernelArg() },
    { key: 'x', label: 'delete', dangerous: true, help: `delete the node's META ${META_NETWORK_ID} (type the node name)`, when: () => idle() && nodeOf(s()) !== null && ctx.hasSession && !s().insecure, run: () => ctx.confirmDelete() },
    { key: 'escape', label: 'back', help: 'back to the problems and the canonical preview', when: () => s().output !== null, run: () => c.back() },
  ];
}
