// What the Status pane's actions do, once confirmed: service start/stop/restart and the etcd
// maintenance steps of the Talos "etcd Maintenance" and "Disaster Recovery" guides. Every etcd step
// takes the source's single operation slot, so two defragmentations (or a defragment during a
// snapshot) can never run at once: a second request is refused with a sentence saying why.
// Nothing here throws: each returns the sentence to show, with its tone.
import { alarmName, formatMemberId, humanBytes } from '../../core/etcd/health.js';
import { machine, saveEtcdSnapshot } from '../../talos/index.js';
import { etcdErrorText } from '../../ops/etcd.js';
import { errorText, type StatusSource } from './source.js';
import type { MessageTone } from '../../core/tone.js';

export interface Outcome {
  text: string;
  tone: MessageTone;
}

export type ServiceVerb = 'start' | 'stop' | 'restart';

const PAST: Record<ServiceVerb, string> = { start: 'started', stop: 'stopped', restart: 'restarted' };

export async function serviceAction(source: StatusSource, node: string, id: string, verb: ServiceVerb): Promise<Outcome> {
  const t = source.session.target(node);
  const call = { start: machine.serviceStart, stop: machine.serviceStop, restart: machine.serviceRestart }[verb];
  let outcome: Outcome;
  try {
    const resp = await call(t, id, { signal: source.signal });
    outcome = { text: `${node}: ${resp || `service ${id} ${PAST[verb]}`}`, tone: 'ok' };
  } catch (err) {
    outcome = { text: `${verb} ${id} on ${node} failed: ${errorText(err)}`, tone: 'error' };
  }
  source.noteResult(outcome.text, outcome.tone);
  void source.refreshServicesNode(node);
  return outcome;
}

function busyOutcome(source: StatusSource, what: string): Outcome {
  const op = source.busy!;
  return { text: `${what} refused: ${op.kind} of ${op.node} is still running (one etcd operation at a time)`, tone: 'warn' };
}

/** Run `fn` holding the operation slot; the outcome is recorded in the pane either way. */
async function exclusive(source: StatusSource, kind: string, node: string, startText: string, fn: (progress: (text: string) => void) => Promise<Outcome>): Promise<Outcome> {
  const op = source.beginOperation(kind, node, startText);
  if (!op) {
    const refused = busyOutcome(source, `${kind} of ${node}`);
    source.noteResult(refused.text, refused.tone);
    return refused;
  }
  let outcome: Outcome;
  try {
    outcome = await fn((text) => source.progressOperation(op, text));
  } catch (err) {
    outcome = { text: `${kind} of ${node} failed: ${etcdErrorText(node, err)}`, tone: 'error' };
  }
  source.endOperation(op, outcome.text, outcome.tone);
  void source.refreshEtcdNow();
  return outcome;
}

/** Defragment one member, with its db size before and after (EtcdStatus read around the call). */
export function defragment(source: StatusSource, node: string): Promise<Outcome> {
  return exclusive(source, 'defragment', node, `defragmenting ${node}…`, async (progress) => {
    const t = source.session.target(node);
    const before = await machine.etcdStatus(t, { signal: source.signal });
    progress(`defragmenting ${node} (db ${humanBytes(before.dbSize)}, in use ${humanBytes(before.dbSizeInUse)})…`);
    await machine.etcdDefragment(t, { signal: source.signal });
    const after = await machine.etcdStatus(t, { signal: source.signal });
    return {
      text: `defragmented ${node}: db ${humanBytes(before.dbSize)} -> ${humanBytes(after.dbSize)} (in use ${humanBytes(after.dbSizeInUse)})`,
      tone: 'ok',
    };
  });
}

/** AlarmDisarm clears the alarms of the whole cluster (every member's), asked through `node`. */
export function disarmAlarms(source: StatusSource, node: string): Promise<Outcome> {
  return exclusive(source, 'alarm disarm', node, `disarming etcd alarms via ${node}…`, async () => {
    const was = await machine.etcdAlarmDisarm(source.session.target(node), { signal: source.signal });
    const active = was.filter((a) => alarmName(a.alarm) !== 'NONE');
    if (active.length === 0) return { text: `no etcd alarm was active (asked ${node})`, tone: 'info' };
    const list = active.map((a) => `${alarmName(a.alarm)} on ${formatMemberId(a.memberId)}`).join(', ');
    return { text: `disarmed ${list}; if the database is still over its quota the alarm comes back: defragment or raise the quota`, tone: 'ok' };
  });
}

export function forfeitLeadership(source: StatusSource, node: string): Promise<Outcome> {
  return exclusive(source, 'forfeit leadership', node, `asking ${node} to give up etcd leadership…`, async () => {
    const member = await machine.etcdForfeitLeadership(source.session.target(node), { signal: source.signal });
    if (!member) return { text: `${node} was not the etcd leader: nothing changed`, tone: 'info' };
    return { text: `${node} gave up etcd leadership; the new leader is ${member}`, tone: 'ok' };
  });
}

/** `./etcd-<node>-<UTC timestamp>.snapshot`, with characters a file name should not hold replaced. */
export function defaultSnapshotPath(node: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `./etcd-${node.replace(/[^A-Za-z0-9._-]/g, '_')}-${stamp}.snapshot`;
}

/** Stream a snapshot to `file` (temp file, fsync, rename, 0600); shows size and SHA-256. */
export function snapshot(source: StatusSource, node: string, file: string): Promise<Outcome> {
  return exclusive(source, 'snapshot', node, `snapshot of ${node} to ${file}: starting…`, async (progress) => {
    const saved = await saveEtcdSnapshot(source.session.target(node), file, {
      signal: source.signal,
      onProgress: (bytes) => progress(`snapshot of ${node} to ${file}: ${humanBytes(bytes)} written…`),
    });
    return { text: `snapshot saved to ${saved.path} (${saved.bytes} bytes, sha256 ${saved.sha256})`, tone: 'ok' };
  });
}
