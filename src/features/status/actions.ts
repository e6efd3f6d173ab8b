// The Status pane's key-action table (one table: it feeds the shell's key dispatch, the hint bar
// and the ? help). Which actions are enabled follows the view: service actions act on the service
// under the cursor of the node shown; etcd actions on the node under the cursor of the etcd table.
// Dangerous ones open ConfirmDangerous (type the node name) before anything is sent.
import type { Action, ShellApi } from '../../ui/pane-types.js';
import type { ConfirmRequest } from '../../ui/ConfirmDangerous.js';
import type { StatusController } from './controller.js';
import { defragment, disarmAlarms, forfeitLeadership, serviceAction, type Outcome, type ServiceVerb } from './operations.js';
import type { StatusSource } from './source.js';
import type { StatusLists } from './state.js';

/** What the actions act on. They read the controller's cursors and the source's snapshot as of the
 *  key press, so a key that arrives before this table is republished (or right after a move in the
 *  same input chunk) acts on what the move selected, never on an older frame. */
export interface StatusActionContext {
  source: StatusSource | null;
  shell: ShellApi;
  controller: StatusController;
  /** The lists as of now: the source's latest snapshot with the `/` filter in force applied. */
  lists(): StatusLists;
  confirm(request: ConfirmRequest): void;
  askSnapshotPath(node: string): void;
}

/** Once an operation ends: the pane's operation lines show its outcome in full (see ShellApi.announce). */
export function report(shell: ShellApi, pending: Promise<Outcome>): void {
  void pending.then((o) => shell.announce(o.text, o.tone));
}

export function statusActions(ctx: StatusActionContext): Action[] {
  const { source, shell, controller: c } = ctx;
  const snapshot = () => source?.store.getSnapshot() ?? null;
  const at = () => c.selection(ctx.lists());
  const onServices = () => c.current.view === 'services';
  const onEtcd = () => c.current.view === 'etcd';
  const serviceReady = () => {
    if (!onServices() || source === null) return false;
    const { node, service } = at();
    return node !== undefined && service !== undefined && service.failed === undefined;
  };
  const etcdReady = () => onEtcd() && source !== null && at().etcdNode !== undefined;
  const etcdRow = (node: string) => snapshot()?.etcd?.statusRows.find((r) => r.node === node);
  const move = (delta: number) => () => c.move(delta, ctx.lists());

  const serviceOp = (verb: ServiceVerb, dangerous: boolean, detail: string[]) => () => {
    const under = at();
    const node = under.node!;
    const id = under.service!.id;
    ctx.confirm({
      title: `${verb[0]!.toUpperCase()}${verb.slice(1)} service ${id} on ${node}?`,
      detail,
      expect: dangerous ? node : null,
      onConfirm: () => {
        shell.setStatus(`${verb} ${id} on ${node}…`);
        report(shell, serviceAction(source!, node, id, verb));
      },
    });
  };

  /** etcd steps: refused before asking when another one is running (one at a time). */
  const etcdOp = (what: string, build: (node: string) => ConfirmRequest) => () => {
    const node = at().etcdNode!;
    const busy = source!.busy;
    if (busy) {
      const text = `${what} of ${node} refused: ${busy.kind} of ${busy.node} is still running (one etcd operation at a time)`;
      source!.noteResult(text, 'warn');
      return;
    }
    ctx.confirm(build(node));
  };

  const defragDetail = (node: string): string[] => {
    const r = etcdRow(node);
    const lines = ['Blocks this member\'s reads and writes while its database is rebuilt.'];
    if (r?.memberId) lines.push(`Database ${r.dbSize}, in use ${r.inUseText}. One node at a time.`);
    const others = (snapshot()?.etcd?.statusRows ?? []).filter((x) => x.node !== node && x.flags.includes('defrag'));
    if (r?.isLeader && others.length > 0) lines.push(`${node} leads: defragment the followers first (${others.map((x) => x.node).join(', ')}).`);
    return lines;
  };

  return [
    { key: 'tab', label: 'view', help: 'next view: services, etcd status, etcd members, nodes (version, stage, uptime, load, memory, CPU per node)', run: () => c.cycleView(1) },
    { key: 'shift+tab', label: 'prev view', hidden: true, help: 'previous view', run: () => c.cycleView(-1) },
    { key: 'N', label: 'nodes', help: 'the node summary: Talos version, stage, ready, uptime, load, memory and CPU of every node', when: () => c.current.view !== 'nodes', run: () => c.setView('nodes') },
    { key: 'up', label: 'up', hidden: true, help: 'move the cursor up', run: move(-1) },
    { key: 'down', label: 'down', hidden: true, help: 'move the cursor down', run: move(1) },
    { key: 'k', label: 'up', hidden: true, help: 'move the cursor up', run: move(-1) },
    { key: 'j', label: 'down', hidden: true, help: 'move the cursor down', run: move(1) },
    { key: 'pageup', label: 'page up', hidden: true, help: 'move the cursor a page up', run: move(-10) },
    { key: 'pagedown', label: 'page down', hidden: true, help: 'move the cursor a page down', run: move(10) },
    {
      key: 'right',
      label: 'node',
      help: 'services view: show the next node (data is kept per node: switching is instant)',
      when: () => onServices() && (snapshot()?.nodes.length ?? 0) > 1,
      run: () => c.switchNode(1, ctx.lists()),
    },
    { key: 'left', label: 'prev node', hidden: true, help: 'services view: show the previous node', when: onServices, run: () => c.switchNode(-1, ctx.lists()) },
    { key: 'ctrl+r', label: 'refresh', hidden: true, help: 'poll every node now (it also refreshes by itself every few seconds)', when: () => source !== null, run: () => source!.refresh() },
    { key: 'enter', label: 'events', help: 'services view: show or hide the recent events of the service under the cursor', when: onServices, run: () => c.toggleEvents() },
    {
      key: 's',
      label: 'start',
      help: 'start the service under the cursor (asks y/N first)',
      when: serviceReady,
      run: serviceOp('start', false, ['Talos lets the API start kubelet and extension services.']),
    },
    {
      key: 'r',
      label: 'restart',
      dangerous: true,
      help: 'restart the service under the cursor (type the node name to confirm)',
      when: serviceReady,
      run: serviceOp('restart', true, ['The service stops and starts again; what depends on it is interrupted.']),
    },
    {
      key: 'x',
      label: 'stop',
      dangerous: true,
      help: 'stop the service under the cursor (type the node name to confirm)',
      when: serviceReady,
      run: serviceOp('stop', true, ['It stays stopped until started again or the node reboots.']),
    },
    {
      key: 'd',
      label: 'defrag',
      dangerous: true,
      help: 'etcd view: defragment the member on the node under the cursor, showing the db size before and after; one node at a time, leader last',
      when: etcdReady,
      run: etcdOp('defragment', (node) => ({
        title: `Defragment etcd on ${node}?`,
        detail: defragDetail(node),
        expect: node,
        onConfirm: () => report(shell, defragment(source!, node)),
      })),
    },
    {
      key: 'a',
      label: 'disarm',
      dangerous: true,
      help: 'etcd view: disarm the etcd alarms (NOSPACE, CORRUPT) of the whole cluster, asked through the node under the cursor',
      when: () => etcdReady() && (snapshot()?.etcd?.statusRows.some((r) => r.alarms.length > 0) ?? false),
      run: etcdOp('alarm disarm', (node) => ({
        title: `Disarm the etcd alarms (cluster-wide) through ${node}?`,
        detail: ['Only once the cause is gone (space freed by defragmenting, or a larger quota-backend-bytes):', 'otherwise etcd raises NOSPACE again.'],
        expect: node,
        onConfirm: () => report(shell, disarmAlarms(source!, node)),
      })),
    },
    {
      key: 'f',
      label: 'forfeit',
      dangerous: true,
      help: 'etcd view: make the member on the node under the cursor give up leadership (before a reboot or defragmenting the leader)',
      when: etcdReady,
      run: etcdOp('forfeit leadership', (node) => ({
        title: `Make ${node} give up etcd leadership?`,
        detail: [etcdRow(node)?.isLeader ? 'A new leader is elected; writes pause for a moment.' : `${node} does not lead now: nothing would change.`],
        expect: node,
        onConfirm: () => report(shell, forfeitLeadership(source!, node)),
      })),
    },
    {
      key: 'b',
      label: 'snapshot',
      help: 'etcd view: back up etcd from the node under the cursor to a file (asks for the path; 0600, sha256 shown)',
      when: etcdReady,
      run: () => {
        const node = at().etcdNode!;
        const busy = source!.busy;
        if (busy) {
          source!.noteResult(`snapshot of ${node} refused: ${busy.kind} of ${busy.node} is still running (one etcd operation at a time)`, 'warn');
          return;
        }
        ctx.askSnapshotPath(node);
      },
    },
  ];
}
