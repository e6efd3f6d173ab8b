// The Status pane's key-action table (one table: it feeds the shell's key dispatch, the hint bar
// and the ? help). Which actions are enabled follows the view: service actions act on the service
// under the cursor of the node shown; etcd actions on the node under the cursor of the etcd table.
// Dangerous ones open ConfirmDangerous (type the node name) before anything is sent.
import type { EtcdStatusRow } from '../../core/etcd/health.js';
import type { ServiceRow } from '../../core/services.js';
import type { Action, ShellApi } from '../../ui/pane-types.js';
import type { ConfirmRequest } from '../../ui/ConfirmDangerous.js';
import { defragment, disarmAlarms, forfeitLeadership, serviceAction, type Outcome, type ServiceVerb } from './operations.js';
import type { StatusSnapshot, StatusSource } from './source.js';

export type StatusView = 'services' | 'etcd' | 'members' | 'nodes';
export const VIEWS: readonly StatusView[] = ['services', 'etcd', 'members', 'nodes'];

/** What the actions act on. The pane passes getters over its latest render, so a key that arrives
 *  before this table is republished still acts on what the screen shows. */
export interface StatusActionContext {
  source: StatusSource | null;
  shell: ShellApi;
  snapshot: StatusSnapshot | null;
  view: StatusView;
  setView(view: StatusView): void;
  /** The node shown in the services view. */
  node: string | undefined;
  service: ServiceRow | undefined;
  /** The etcd status row under the cursor (etcd view). */
  etcdNode: string | undefined;
  etcdRow: EtcdStatusRow | undefined;
  move(delta: number): void;
  switchNode(delta: number): void;
  toggleEvents(): void;
  confirm(request: ConfirmRequest): void;
  askSnapshotPath(node: string): void;
}

/** Once an operation ends: the pane's operation lines show its outcome in full (see ShellApi.announce). */
export function report(shell: ShellApi, pending: Promise<Outcome>): void {
  void pending.then((o) => shell.announce(o.text, o.tone));
}

export function statusActions(ctx: StatusActionContext): Action[] {
  const { source, shell } = ctx;
  const onServices = () => ctx.view === 'services';
  const onEtcd = () => ctx.view === 'etcd';
  const serviceReady = () => onServices() && source !== null && ctx.node !== undefined && ctx.service !== undefined && ctx.service.failed === undefined;
  const etcdReady = () => onEtcd() && source !== null && ctx.etcdNode !== undefined;
  const next = (d: number) => VIEWS[(VIEWS.indexOf(ctx.view) + d + VIEWS.length) % VIEWS.length]!;

  const serviceOp = (verb: ServiceVerb, dangerous: boolean, detail: string[]) => () => {
    const node = ctx.node!;
    const id = ctx.service!.id;
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
    const node = ctx.etcdNode!;
    const busy = source!.busy;
    if (busy) {
      const text = `${what} of ${node} refused: ${busy.kind} of ${busy.node} is still running (one etcd operation at a time)`;
      source!.noteResult(text, 'warn');
      return;
    }
    ctx.confirm(build(node));
  };

  const defragDetail = (node: string): string[] => {
    const r = ctx.etcdRow;
    const lines = ['Blocks this member\'s reads and writes while its database is rebuilt.'];
    if (r?.memberId) lines.push(`Database ${r.dbSize}, in use ${r.inUseText}. One node at a time.`);
    const others = (ctx.snapshot?.etcd?.statusRows ?? []).filter((x) => x.node !== node && x.flags.includes('defrag'));
    if (r?.isLeader && others.length > 0) lines.push(`${node} leads: defragment the followers first (${others.map((x) => x.node).join(', ')}).`);
    return lines;
  };

  return [
    { key: 'tab', label: 'view', help: 'next view: services, etcd status, etcd members, nodes (version, stage, uptime, load, memory, CPU per node)', run: () => ctx.setView(next(1)) },
    { key: 'shift+tab', label: 'prev view', hidden: true, help: 'previous view', run: () => ctx.setView(next(-1)) },
    { key: 'N', label: 'nodes', help: 'the node summary: Talos version, stage, ready, uptime, load, memory and CPU of every node', when: () => ctx.view !== 'nodes', run: () => ctx.setView('nodes') },
    { key: 'up', label: 'up', hidden: true, help: 'move the cursor up', run: () => ctx.move(-1) },
    { key: 'down', label: 'down', hidden: true, help: 'move the cursor down', run: () => ctx.move(1) },
    { key: 'k', label: 'up', hidden: true, help: 'move the cursor up', run: () => ctx.move(-1) },
    { key: 'j', label: 'down', hidden: true, help: 'move the cursor down', run: () => ctx.move(1) },
    { key: 'pageup', label: 'page up', hidden: true, help: 'move the cursor a page up', run: () => ctx.move(-10) },
    { key: 'pagedown', label: 'page down', hidden: true, help: 'move the cursor a page down', run: () => ctx.move(10) },
    {
      key: 'right',
      label: 'node',
      help: 'services view: show the next node (data is kept per node: switching is instant)',
      when: () => onServices() && (ctx.snapshot?.nodes.length ?? 0) > 1,
      run: () => ctx.switchNode(1),
    },
    { key: 'left', label: 'prev node', hidden: true, help: 'services view: show the previous node', when: () => onServices(), run: () => ctx.switchNode(-1) },
    { key: 'ctrl+r', label: 'refresh', hidden: true, help: 'poll every node now (it also refreshes by itself every few seconds)', when: () => source !== null, run: () => source!.refresh() },
    { key: 'enter', label: 'events', help: 'services view: show or hide the recent events of the service under the cursor', when: onServices, run: () => ctx.toggleEvents() },
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
      when: () => etcdReady() && (ctx.snapshot?.etcd?.statusRows.some((r) => r.alarms.length > 0) ?? false),
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
        detail: [ctx.etcdRow?.isLeader ? 'A new leader is elected; writes pause for a moment.' : `${node} does not lead now: nothing would change.`],
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
        const node = ctx.etcdNode!;
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
