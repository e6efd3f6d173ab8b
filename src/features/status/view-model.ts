// The Status pane's tables as pure data (columns + rows with tones), built from a StatusSnapshot.
// Kept apart from the Ink components so the 80-column layout and the flags can be tested directly.
import type { EtcdFinding, EtcdHealth, EtcdMemberRow, EtcdStatusRow } from '../../core/etcd/health.js';
import { relativeTime, type ServiceRow } from '../../core/services.js';
import type { Tone } from '../../ui/shell/header-model.js';
import { fit, wrapWords } from '../../ui/text.js';
import type { NodeSummary } from './source.js';
import type { Column, TableRow } from '../../ui/table-layout.js';

export const SERVICE_COLUMNS: Column[] = [
  { header: 'SERVICE', width: 16 },
  { header: 'STATE', width: 9 },
  { header: 'HEALTH', width: 9 },
  { header: 'CHANGED', width: 8 },
  { header: 'LAST EVENT / HEALTH MESSAGE', width: 10, grow: 1 },
];

const stateTone = (r: ServiceRow): Tone => (r.stateTone === 'ok' ? 'ok' : r.stateTone === 'bad' ? 'error' : r.stateTone === 'pending' ? 'warn' : 'dim');
const healthTone = (r: ServiceRow): Tone => (r.health === 'healthy' ? 'ok' : r.health === 'unhealthy' ? 'error' : 'dim');

export function serviceTableRows(rows: readonly ServiceRow[]): TableRow[] {
  return rows.map((r) => {
    if (r.failed !== undefined) {
      return { key: r.key, cells: [{ text: 'node failed', tone: 'error' }, '', '', '', { text: r.failed, tone: 'error' }] };
    }
    // An unhealthy service's health message says more than its last event.
    const message = r.health === 'unhealthy' && r.healthMessage ? r.healthMessage : r.lastEvent;
    return {
      key: r.key,
      cells: [r.id, { text: r.state, tone: stateTone(r) }, { text: r.health, tone: healthTone(r) }, { text: r.healthChanged.replace(/ ago$/, ''), tone: 'dim' }, message],
    };
  });
}

export const ETCD_STATUS_COLUMNS: Column[] = [
  { header: 'NODE', width: 15 },
  { header: 'HOST', width: 10, hideBelow: 100 },
  { header: 'MEMBER', width: 16, hideBelow: 126 },
  { header: 'DB SIZE', width: 9 },
  { header: 'IN USE', width: 19 },
  { header: 'LEADER', width: 6 },
  { header: 'TERM', width: 5, hideBelow: 90 },
  { header: 'RAFT IDX', width: 9 },
  { header: 'APPLIED', width: 9, hideBelow: 110 },
  { header: 'FLAGS', width: 8, grow: 1 },
];

const FLAG_TEXT: Record<EtcdStatusRow['flags'][number], string> = {
  nospace: 'NOSPACE',
  corrupt: 'CORRUPT',
  defrag: 'defrag',
  'no-leader': 'NO-LEADER',
  errors: 'errors',
  failed: 'STALE',
  learner: 'learner',
};

export function statusFlagsText(r: EtcdStatusRow): string {
  // etcd repeats every active alarm in each member's errors ("alarm:NOSPACE"): already flagged.
  const onlyAlarms = r.errors.every((e) => /^alarm:/i.test(e));
  return r.flags
    .filter((f) => !(f === 'errors' && onlyAlarms))
    .map((f) => FLAG_TEXT[f])
    .join(' ');
}

function rowTone(r: EtcdStatusRow): Tone {
  if (r.flags.some((f) => f === 'nospace' || f === 'corrupt' || f === 'no-leader' || f === 'failed')) return 'error';
  if (r.flags.includes('errors') && !r.errors.every((e) => /^alarm:/i.test(e))) return 'error';
  if (r.flags.includes('defrag')) return 'warn';
  return 'ok';
}

/** One row per etcd node: its status, or (no answer ever) the error; nodes not asked yet say so. */
export function etcdStatusTableRows(health: EtcdHealth | null, etcdNodes: readonly string[]): TableRow[] {
  const byNode = new Map((health?.statusRows ?? []).map((r) => [r.node, r] as const));
  return etcdNodes.map((node) => {
    const r = byNode.get(node);
    if (!r) return { key: node, cells: [node, '', '', '', { text: 'waiting for the first answer…', tone: 'dim' }] };
    if (!r.memberId) {
      return { key: node, cells: [node, '', '', { text: 'failed', tone: 'error' }, '', '', '', '', '', { text: r.error ?? '', tone: 'error' }] };
    }
    const ratioTone: Tone = r.inUseRatio !== null && r.inUseRatio < 0.5 ? 'warn' : 'plain';
    return {
      key: node,
      cells: [
        node,
        r.hostname,
        r.memberId,
        r.dbSize,
        { text: r.inUseText, tone: ratioTone },
        { text: r.isLeader ? 'leader' : r.leader === 'none' ? 'none' : '-', tone: r.isLeader ? 'accent' : r.leader === 'none' ? 'error' : 'plain' },
        r.raftTerm,
        r.raftIndex,
        r.raftAppliedIndex,
        { text: statusFlagsText(r) || 'ok', tone: rowTone(r) },
      ],
    };
  });
}

export const MEMBER_COLUMNS: Column[] = [
  { header: 'ID', width: 16 },
  { header: 'HOSTNAME', width: 9, grow: 1 },
  { header: 'PEER URLS', width: 21, grow: 3 },
  { header: 'CLIENT URLS', width: 21, grow: 3 },
  { header: 'LRN', width: 3 },
];

/**
 * Who leads etcd, for the summary line. The leader is often not among the nodes being polled
 * (`:node` on one follower), but every member reports the leader's id, and the member list names it.
 */
export function leaderLabel(health: EtcdHealth): string {
  const polled = health.statusRows.find((r) => r.isLeader);
  if (polled) return polled.node;
  const reported = health.statusRows.find((r) => r.memberId && r.leader && r.leader !== 'none')?.leader;
  if (!reported) return 'unknown';
  const member = health.memberRows.find((m) => m.id === reported);
  return member?.hostname ? `${member.hostname} (${reported})` : reported;
}

export function memberTableRows(members: readonly EtcdMemberRow[]): TableRow[] {
  return members.map((m) => {
    const tone: Tone = m.missingFrom.length > 0 ? 'error' : 'plain';
    return {
      key: m.id,
      cells: [{ text: m.id, tone }, { text: m.hostname, tone }, m.peerUrls.join(','), m.clientUrls.join(','), m.learner ? 'yes' : 'no'],
    };
  });
}

const SEVERITY_TAG: Record<EtcdFinding['severity'], { text: string; tone: Tone }> = {
  error: { text: '[ERROR]', tone: 'error' },
  warning: { text: '[WARN]', tone: 'warn' },
  info: { text: '[info]', tone: 'dim' },
};

export interface TextLine {
  key: string;
  segments: { text: string; tone: Tone }[];
}


/** Findings as wrapped lines, worst first, at most `maxLines` (the last then says how many are cut). */
export function findingLines(findings: readonly EtcdFinding[], width: number, maxLines: number): TextLine[] {
  if (maxLines <= 0) return [];
  if (findings.length === 0) return [{ key: 'none', segments: [{ text: 'no findings: etcd looks healthy', tone: 'ok' }] }];
  const all: (TextLine & { finding: number; last: boolean })[] = [];
  findings.forEach((f, i) => {
    const tag = SEVERITY_TAG[f.severity];
    const indent = tag.text.length + 1;
    const wrapped = wrapWords(f.text, width - indent);
    wrapped.forEach((text, j) => {
      const lead = j === 0 ? { text: tag.text + ' ', tone: tag.tone } : { text: ' '.repeat(indent), tone: 'plain' as Tone };
      all.push({ key: `${i}.${j}`, segments: [lead, { text, tone: 'plain' }], finding: i, last: j === wrapped.length - 1 });
    });
  });
  if (all.length <= maxLines) return all;
  const shown = all.slice(0, maxLines - 1);
  const complete = shown.filter((l) => l.last).length;
  return [...shown, { key: 'more', segments: [{ text: `… ${findings.length - complete} more finding(s) not shown in full`, tone: 'dim' }] }];
}

/** "127.0.92.11 ok 12/12 running" / "STALE 14s ago: <error>" for the node strip of the services view. */
export function nodeStripSegments(s: NodeSummary | undefined, index: number, count: number, now: number): { text: string; tone: Tone }[] {
  if (!s) return [{ text: 'no node', tone: 'dim' }];
  const head = { text: `${s.node}${count > 1 ? ` (${index + 1}/${count})` : ''} `, tone: 'accent' as Tone };
  if (s.loading) return [head, { text: 'loading…', tone: 'dim' }];
  if (s.stale && s.servicesAt === undefined) return [head, { text: `NO ANSWER: ${s.error ?? ''}`, tone: 'error' }];
  const counts = { text: `${s.running}/${s.total} running${s.problems > 0 ? `, ${s.problems} failing` : ''}`, tone: (s.problems > 0 ? 'warn' : 'ok') as Tone };
  if (s.stale) return [head, { text: `STALE (data ${relativeTime(s.servicesAt, now)}) `, tone: 'error' }, counts];
  return [head, counts, { text: s.role === 'unknown' ? '' : `  ${s.role}`, tone: 'dim' }];
}

/** Why a node's rows are stale, wrapped under the node strip: at 80 columns the reason does not fit beside it. */
export function staleReasonLines(s: NodeSummary | undefined, width: number, maxLines = 2): string[] {
  if (!s?.stale || s.servicesAt === undefined || !s.error) return [];
  const lines = wrapWords(`last refresh failed: ${s.error}`, width);
  return lines.length <= maxLines ? lines : [...lines.slice(0, maxLines - 1), fit(lines.slice(maxLines - 1).join(' '), width)];
}
