// The Apply pane's key-action table (one table: it feeds the shell's key dispatch, the hint bar and
// the ? help). Every `when` and `run` reads the controller's state as of the key press. Dangerous
// ones (apply, bootstrap) ask for the node's name in the pane before anything is sent.
import type { Action } from '../../ui/pane-types.js';
import { shortPath } from '../../ops/short-path.js';
import type { ApplyController } from './controller.js';
import { canSend, isFollowing, isIdle, isWorkerNode } from './state.js';

export type ApplyField = 'node' | 'base' | 'patch';

export interface ApplyActionContext {
  controller: ApplyController;
  /** A session to reach the node over mTLS (bootstrap, kubeconfig, health need one). */
  hasSession: boolean;
  openField(field: ApplyField, initial: string): void;
  confirmApply(): void;
  confirmBootstrap(): void;
  askKubeconfig(force: boolean): void;
}

export function applyActions(ctx: ApplyActionContext): Action[] {
  const c = ctx.controller;
  const s = () => c.current;
  const mtls = () => ctx.hasSession && s().node !== null && !s().insecure;
  const sendable = () => canSend(s());
  return [
    // The keys that send come first: the hint bar is cut at 80 columns, and apply must stay visible.
    {
      key: 'enter',
      label: 'apply',
      dangerous: true,
      help: 'apply the rendered config to the node (type its name to confirm); a maintenance node installs and reboots',
      when: sendable,
      run: () => ctx.confirmApply(),
    },
    { key: 'd', label: 'dry-run', help: 'ask the node what applying would do (Talos validates and shows the diff); nothing changes', when: sendable, run: () => void c.send(true) },
    { key: 'n', label: 'node', help: 'type the node to configure (IP or IP:port)', run: () => ctx.openField('node', s().node ?? '') },
    { key: 'f', label: 'base', help: 'type the base machine config file (controlplane.yaml or worker.yaml)', run: () => ctx.openField('base', s().inputs.base ? shortPath(s().inputs.base!) : '') },
    { key: 'p', label: 'patch', help: 'add a patch file (strategic merge or JSON 6902), applied in order', run: () => ctx.openField('patch', '') },
    { key: 'x', label: 'no patches', hidden: true, help: 'drop every patch', when: () => s().inputs.patches.length > 0, run: () => c.dropPatches() },
    { key: 'm', label: `mode ${s().mode}`, help: 'cycle the apply mode: auto, no-reboot, staged, try', run: () => c.cycleMode() },
    { key: 'i', label: s().insecure ? 'maint.' : 'mTLS', hidden: true, help: 'switch between maintenance (insecure, straight to the node) and configured (mTLS over the session)', when: () => isIdle(s()), run: () => c.toggleInsecure() },
    { key: 'r', label: 're-render', hidden: true, help: 'read the files again and show the rendered config', run: () => c.showConfig() },
    { key: 'c', label: 'config', hidden: true, help: 'show the rendered config again', when: () => s().output !== null, run: () => c.showConfig() },
    { key: 'A', label: 'apply', hidden: true, dangerous: true, help: 'same as Enter', when: sendable, run: () => ctx.confirmApply() },
    {
      key: 'b',
      label: 'bootstrap',
      dangerous: true,
      help: 'bootstrap etcd on this control-plane node (refused when etcd already has members; not offered for a node just configured as a worker)',
      when: () => isIdle(s()) && mtls() && !isWorkerNode(s()),
      run: () => ctx.confirmBootstrap(),
    },
    {
      key: 'k',
      label: 'kubeconfig',
      help: 'merge the admin kubeconfig into ~/.kube/config as talosctl does (context admin@<cluster> made current, other contexts kept, a clashing name renamed); a new file name writes it alone (0600)',
      when: () => isIdle(s()) && mtls(),
      run: () => ctx.askKubeconfig(false),
    },
    { key: 'K', label: 'kubeconfig --force', hidden: true, help: 'merge the admin kubeconfig, replacing clusters and users of the same name (talosctl kubeconfig --force)', when: () => isIdle(s()) && mtls(), run: () => ctx.askKubeconfig(true) },
    { key: 'h', label: 'health', help: 'stream the cluster health check from this node', when: () => isIdle(s()) && mtls(), run: () => void c.health() },
    { key: 'escape', label: 'stop', help: 'stop following the reboot or the health check (the node carries on)', when: () => s().running && (isFollowing(s()) || s().busy !== null), run: () => c.stop() },
  ];
}
