// What the Apply pane shows, as text: the two heading lines, the status note and the body (the
// rendered config, or Talos's reply, the reboot followed, the health check). Pure, so it is tested
// without a terminal; index.tsx hands it to the shared DocumentView.
import type { MessageTone } from '../../core/tone.js';
import type { Note } from '../../ui/DocumentView.js';
import { hostPart, machineTypeOf, staticAddressOf } from '../../ops/apply-inputs.js';
import { shortPath } from '../../ops/short-path.js';
import { secs } from '../../ops/follow-reboot.js';
import { isFollowing, type ApplyState } from './state.js';

export interface ApplyBody {
  title: string;
  lines: string[];
  tone?: MessageTone;
  /** Talos's dry-run reply: a unified diff, drawn by the shared DiffView. */
  diff: boolean;
}

export function applyBody(s: ApplyState): ApplyBody {
  if (s.output) return { ...s.output, diff: s.output.title.startsWith('dry run') };
  if (!s.rendered.ok) return { title: 'cannot render', lines: [s.rendered.error], tone: 'error', diff: false };
  const n = s.inputs.patches.length;
  return { title: `rendered config${n ? ` (${n} patch${n > 1 ? 'es' : ''})` : ''}`, lines: s.shownConfig.replace(/\n$/, '').split('\n'), diff: false };
}

/** "Node 10.0.0.5 (w1, worker) · maintenance, insecure, pinned", or how to get a node. */
export function nodeLine(s: ApplyState, hasSession: boolean, sessionProblem: string | null): string {
  const conn = s.insecure ? `maintenance, insecure${s.fingerprint ? ', pinned' : ''}` : hasSession ? 'configured, mTLS' : `no session: ${sessionProblem ?? 'loading…'}`;
  return s.node ? `Node ${s.node}${s.entry ? ` (${s.entry.name}, ${s.entry.role})` : ''} · ${conn}` : 'Node: none. Press n to type one, or send one from Discovery (1).';
}

/** Mode first: long paths are what gets cut at 80 columns, not the mode the apply will use. */
export function inputLine(s: ApplyState): string {
  const i = s.inputs;
  const base = i.base ? shortPath(i.base) : i.generated ? `generated (${shortPath(i.generated.profile)})` : '-';
  return `Mode ${s.mode} · base ${base} · patches ${i.patches.length ? i.patches.map((p) => shortPath(p)).join(', ') : 'none'}`;
}

/** What runs now (busy, the reboot followed with its elapsed time), else the last outcome. */
export function applyStatus(s: ApplyState, now: number): Note | null {
  if (s.busy) return { text: s.busy, tone: 'info' };
  if (isFollowing(s) && s.follow) {
    return { text: `${s.follow.phase === 'going' ? 'waiting for the node to go away' : 'rebooting'} (${secs(now - s.follow.started)}; Esc stops): ${s.follow.detail}`, tone: 'warn' };
  }
  return s.note;
}

/** What quitting would lose, for the shell's "quit anyway?" (null: nothing). */
export function applyWork(s: ApplyState): string | null {
  return s.busy ?? (isFollowing(s) ? `following the reboot of ${s.node ?? 'the node'}` : null);
}

/** The question Enter asks before applying (the node's name is typed to confirm), or null with nothing to send. */
export function applyQuestion(s: ApplyState): { title: string; detail: string[]; expect: string } | null {
  if (!s.node || !s.rendered.ok) return null;
  const type = machineTypeOf(s.rendered.config);
  const to = staticAddressOf(s.rendered.config);
  return {
    title: `Apply the rendered config to ${s.node}${s.insecure ? ' (maintenance)' : ''}?`,
    detail: [
      `mode ${s.mode}${type ? `, a ${type} config` : ''}${to ? `, static address ${to}` : ''}`,
      s.insecure && s.mode !== 'staged' ? 'The node installs and reboots into it.' : 'Talos decides whether it reboots (d shows the diff first).',
    ],
    expect: s.node,
  };
}

/** The title of k's path question (K: entries of the same name are replaced). */
export function kubeconfigQuestion(s: ApplyState, force: boolean): string | null {
  if (!s.node) return null;
  const host = hostPart(s.node);
  return force
    ? `Merge the admin kubeconfig of ${host} into (entries of the same name are REPLACED)`
    : `Merge the admin kubeconfig of ${host} into (a new file name writes it alone)`;
}
