// etcd health maths over per-node answers (EtcdMemberList, EtcdStatus, EtcdAlarmList), with
// the checks the Talos "etcd Maintenance" and "Disaster Recovery" guides ask operators to make:
// - NOSPACE alarm: the database exceeded its space quota (2 GiB default) and etcd stopped
//   accepting writes; raise the quota or defragment, then `etcd alarm disarm`.
// - fragmentation: in use / db size below 0.5 means defragmentation may help; a database over
//   the quota with a small in-use size needs defragmenting.
// - the member list compared across all control plane nodes must agree.
// plus raft facts: a member with leader 0 has no leader, members naming different leaders.
//
// uint64 fields arrive as bigint from protobuf-es; ids are printed as 16 hex digits like
// talosctl (etcdresource.FormatMemberID: "%016x").

export type FindingSeverity = 'error' | 'warning' | 'info';

export interface EtcdFinding {
  severity: FindingSeverity;
  node?: string;
  /** Stable machine-readable kind, for tests, JSON output and icons. */
  code:
    | 'query-failed'
    | 'alarm-nospace'
    | 'alarm-corrupt'
    | 'defrag-suggested'
    | 'defrag-required'
    | 'near-quota'
    | 'members-disagree'
    | 'no-leader'
    | 'leaders-disagree'
    | 'member-errors'
    | 'apply-lag'
    | 'learner'
    | 'even-members';
  text: string;
}

type U64 = bigint | number;

export interface EtcdMemberLike {
  id: U64;
  hostname: string;
  peerUrls: readonly string[];
  clientUrls: readonly string[];
  isLearner: boolean;
}

export interface EtcdStatusLike {
  memberId: U64;
  dbSize: U64;
  dbSizeInUse: U64;
  leader: U64;
  raftIndex: U64;
  raftTerm: U64;
  raftAppliedIndex: U64;
  errors: readonly string[];
  isLearner: boolean;
  protocolVersion?: string;
  storageVersion?: string;
}

export interface EtcdAlarmLike {
  memberId: U64;
  /** EtcdMemberAlarm.AlarmType: NONE=0, NOSPACE=1, CORRUPT=2 (or its name). */
  alarm: number | string;
}

/** One node's answers; any part may be missing when that call was not made or failed. */
export interface EtcdNodeResult {
  node: string;
  members?: readonly EtcdMemberLike[];
  status?: EtcdStatusLike;
  alarms?: readonly EtcdAlarmLike[];
  error?: string;
}

export interface EtcdHealthOptions {
  /** The etcd space quota; Talos's default is 2 GiB (quota-backend-bytes). */
  quotaBytes?: number;
  /** in use / db size below this suggests defragmentation (the guide says 0.5). */
  defragRatio?: number;
  /** Skip the defrag hint below this db size; the guide sets no floor, so 0. */
  defragMinBytes?: number;
  /** Warn when the db size reaches this share of the quota. */
  nearQuotaRatio?: number;
  /** etcd refuses requests when applied index lags commit index by more than this (etcd's own limit). */
  maxApplyLag?: bigint;
}

export const DEFAULT_QUOTA_BYTES = 2 * 1024 ** 3;

export interface EtcdStatusRow {
  node: string;
  /** Member id as 16 hex digits, '' when the node gave no status. */
  memberId: string;
  hostname: string;
  dbSizeBytes: number;
  inUseBytes: number;
  dbSize: string;
  inUse: string;
  /** in use / db size in 0..1, null when the db size is 0 or unknown. */
  inUseRatio: number | null;
  /** "6.0 MiB (29.08%)", the talosctl shape. */
  inUseText: string;
  leader: string;
  isLeader: boolean;
  raftIndex: string;
  raftTerm: string;
  raftAppliedIndex: string;
  learner: boolean;
  errors: string[];
  /** `errors` without the echoes of active cluster alarms (etcd repeats every alarm in each member's status). */
  memberErrors: string[];
  /** Alarms raised on this member. */
  alarms: string[];
  error?: string;
  /** Short tags for colouring and hints. */
  flags: Array<'nospace' | 'corrupt' | 'defrag' | 'no-leader' | 'errors' | 'failed' | 'learner'>;
}

export interface EtcdMemberRow {
  id: string;
  hostname: string;
  peerUrls: string[];
  clientUrls: string[];
  learner: boolean;
  /** Nodes whose member list includes this member. */
  seenBy: string[];
  /** Nodes that answered with a member list lacking this member. */
  missingFrom: string[];
}

export interface EtcdHealth {
  statusRows: EtcdStatusRow[];
  memberRows: EtcdMemberRow[];
  findings: EtcdFinding[];
  /** The worst finding's severity, 'ok' when there are none above info. */
  overall: 'ok' | FindingSeverity;
}

const SEVERITY_ORDER: Record<FindingSeverity, number> = { error: 0, warning: 1, info: 2 };

/** Member id as etcd/talosctl print it: 16 lower-case hex digits. */
export function formatMemberId(id: U64): string {
  return BigInt.asUintN(64, BigInt(id)).toString(16).padStart(16, '0');
}

/**
 * Bytes in IEC units (1024-based: KiB, MiB, GiB). Chosen over SI because the quota the sizes are
 * judged against is set in GiB (2 GiB default, 8 GiB recommended maximum). Note talosctl prints
 * SI (humanize.Bytes: "21 MB"), so figures differ from talosctl's by ~5% at MiB scale.
 */
export function humanBytes(n: U64): string {
  const v = Number(n);
  if (!Number.isFinite(v)) return '?';
  if (Math.abs(v) < 1024) return `${v} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let x = v / 1024;
  let i = 0;
  while (Math.abs(x) >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${x.toFixed(1)} ${units[i]}`;
}

export function alarmName(alarm: number | string): string {
  if (typeof alarm === 'string') return alarm.toUpperCase();
  return ['NONE', 'NOSPACE', 'CORRUPT'][alarm] ?? `ALARM_${alarm}`;
}

/** An alarm repeated in EtcdStatus.errors: "alarm:NOSPACE" or etcd's "memberID:… alarm:NOSPACE". */
const ALARM_IN_ERROR = /(?:^|\s)alarm:\s*([A-Za-z]+)\s*$/;

export function analyzeEtcd(results: readonly EtcdNodeResult[], options: EtcdHealthOptions = {}): EtcdHealth {
  const quota = options.quotaBytes ?? DEFAULT_QUOTA_BYTES;
  const defragRatio = options.defragRatio ?? 0.5;
  const defragMin = options.defragMinBytes ?? 0;
  const nearQuota = options.nearQuotaRatio ?? 0.8;
  const maxLag = options.maxApplyLag ?? 5000n;
  const findings: EtcdFinding[] = [];

  const hostnames = new Map<string, string>();
  for (const r of results) for (const m of r.members ?? []) if (m.hostname) hostnames.set(formatMemberId(m.id), m.hostname);
  const memberLabel = (id: string): string => (hostnames.has(id) ? `${id} (${hostnames.get(id)})` : id);

  // Alarms are cluster-wide (any member reports all of them): dedupe by member + type.
  const alarmsByMember = new Map<string, Set<string>>();
  for (const r of results) {
    for (const a of r.alarms ?? []) {
      const name = alarmName(a.alarm);
      if (name === 'NONE') continue;
      const id = formatMemberId(a.memberId);
      if (!alarmsByMember.has(id)) alarmsByMember.set(id, new Set());
      alarmsByMember.get(id)!.add(name);
    }
  }
  for (const [id, names] of alarmsByMember) {
    if (names.has('NOSPACE')) {
      findings.push({
        severity: 'error',
        code: 'alarm-nospace',
        text: `NOSPACE alarm on member ${memberLabel(id)}: the database exceeded its space quota and etcd accepts no writes; defragment or raise quota-backend-bytes, then disarm the alarm`,
      });
    }
    if (names.has('CORRUPT')) {
      findings.push({ severity: 'error', code: 'alarm-corrupt', text: `CORRUPT alarm on member ${memberLabel(id)}: its data disagrees with the other members; restore it from a snapshot` });
    }
  }

  const activeAlarms = new Set<string>();
  for (const names of alarmsByMember.values()) for (const n of names) activeAlarms.add(n);

  const statusRows: EtcdStatusRow[] = [];
  const leaders = new Map<string, string[]>();
  for (const r of results) {
    if (r.error) findings.push({ severity: 'error', node: r.node, code: 'query-failed', text: `${r.node}: etcd query failed: ${r.error}` });
    const s = r.status;
    if (!s) {
      if (r.error) statusRows.push(failedRow(r.node, r.error));
      continue;
    }
    const id = formatMemberId(s.memberId);
    const db = Number(s.dbSize);
    const inUse = Number(s.dbSizeInUse);
    const ratio = db > 0 ? inUse / db : null;
    const leader = BigInt(s.leader);
    const alarms = [...(alarmsByMember.get(id) ?? [])];
    const flags: EtcdStatusRow['flags'] = [];
    if (alarms.includes('NOSPACE')) flags.push('nospace');
    if (alarms.includes('CORRUPT')) flags.push('corrupt');

    if (ratio !== null && db > quota && inUse < quota) {
      flags.push('defrag');
      findings.push({
        severity: 'error',
        node: r.node,
        code: 'defrag-required',
        text: `${r.node}: database ${humanBytes(db)} is over the ${humanBytes(quota)} quota but only ${humanBytes(inUse)} is in use: defragment it`,
      });
    } else if (ratio !== null && ratio < defragRatio && db >= defragMin) {
      flags.push('defrag');
      findings.push({
        severity: 'warning',
        node: r.node,
        code: 'defrag-suggested',
        text: `${r.node}: only ${pct(ratio)} of the ${humanBytes(db)} database is in use (below ${pct(defragRatio)}): defragmentation suggested, one node at a time`,
      });
    }
    if (db >= quota * nearQuota && !(db > quota && inUse < quota)) {
      findings.push({
        severity: db > quota ? 'error' : 'warning',
        node: r.node,
        code: 'near-quota',
        text: `${r.node}: database ${humanBytes(db)} is at ${pct(db / quota)} of the ${humanBytes(quota)} space quota`,
      });
    }
    if (leader === 0n) {
      flags.push('no-leader');
      findings.push({ severity: 'error', node: r.node, code: 'no-leader', text: `${r.node}: member ${id} has no leader (election in progress or quorum lost)` });
    } else {
      const l = formatMemberId(leader);
      if (!leaders.has(l)) leaders.set(l, []);
      leaders.get(l)!.push(r.node);
    }
    // etcd repeats every active alarm in each member's status errors ("alarm:NOSPACE", or
    // "memberID:123 alarm:NOSPACE"): those are already findings of their own, once per member.
    const otherErrors = s.errors.filter((e) => {
      const m = ALARM_IN_ERROR.exec(e);
      return !(m && activeAlarms.has(m[1]!.toUpperCase()));
    });
    if (otherErrors.length > 0) {
      flags.push('errors');
      findings.push({ severity: 'error', node: r.node, code: 'member-errors', text: `${r.node}: member reports: ${otherErrors.join('; ')}` });
    }
    const lag = BigInt(s.raftIndex) - BigInt(s.raftAppliedIndex);
    if (lag > maxLag) {
      findings.push({ severity: 'warning', node: r.node, code: 'apply-lag', text: `${r.node}: applied index trails the raft index by ${lag} entries (etcd rejects requests beyond ${maxLag})` });
    }
    if (s.isLearner) flags.push('learner');
    statusRows.push({
      node: r.node,
      memberId: id,
      hostname: hostnames.get(id) ?? '',
      dbSizeBytes: db,
      inUseBytes: inUse,
      dbSize: humanBytes(db),
      inUse: humanBytes(inUse),
      inUseRatio: ratio,
      inUseText: `${humanBytes(inUse)} (${ratio === null ? '0.00' : (ratio * 100).toFixed(2)}%)`,
      leader: leader === 0n ? 'none' : formatMemberId(leader),
      isLeader: leader !== 0n && leader === BigInt.asUintN(64, BigInt(s.memberId)),
      raftIndex: BigInt(s.raftIndex).toString(),
      raftTerm: BigInt(s.raftTerm).toString(),
      raftAppliedIndex: BigInt(s.raftAppliedIndex).toString(),
      learner: s.isLearner,
      errors: [...s.errors],
      memberErrors: otherErrors,
      alarms,
      flags,
    });
    if (r.error) {
      // Partial answer: e.g. status came back but the alarm list call failed.
      statusRows[statusRows.length - 1]!.error = r.error;
      flags.push('failed');
    }
  }
  if (leaders.size > 1) {
    const parts = [...leaders].map(([l, nodes]) => `${nodes.join(', ')} follow ${memberLabel(l)}`);
    findings.push({ severity: 'warning', code: 'leaders-disagree', text: `members disagree on the leader: ${parts.join('; ')}` });
  }

  const memberRows = compareMembers(results, findings, memberLabel);

  const voters = memberRows.filter((m) => !m.learner).length;
  for (const m of memberRows) {
    if (m.learner) findings.push({ severity: 'info', code: 'learner', text: `member ${memberLabel(m.id)} is a learner (not yet a voting member)` });
  }
  if (voters > 0 && voters % 2 === 0) {
    findings.push({
      severity: 'info',
      code: 'even-members',
      text: `${voters} voting members tolerate ${(voters - 1) >> 1} failure(s), no more than ${voters - 1} members would: an odd count is as safe with one member fewer`,
    });
  }

  findings.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const worst = findings.find((f) => f.severity !== 'info')?.severity;
  return { statusRows, memberRows, findings, overall: worst ?? 'ok' };
}

/** Member lists must be identical on every node that answered (the disaster recovery guide:
 *  "compare across all members"); compared by id and learner flag, like Talos's own health
 *  check. Disagreement means a split cluster or a membership change that did not finish. */
function compareMembers(results: readonly EtcdNodeResult[], findings: EtcdFinding[], label: (id: string) => string): EtcdMemberRow[] {
  const answered = results.filter((r) => r.members !== undefined);
  const rows = new Map<string, EtcdMemberRow>();
  const signatures = new Map<string, string[]>();
  for (const r of answered) {
    const ids: string[] = [];
    for (const m of r.members!) {
      const id = formatMemberId(m.id);
      ids.push(`${id}${m.isLearner ? '(learner)' : ''}`);
      let row = rows.get(id);
      if (!row) {
        row = { id, hostname: m.hostname, peerUrls: [...m.peerUrls], clientUrls: [...m.clientUrls], learner: m.isLearner, seenBy: [], missingFrom: [] };
        rows.set(id, row);
      }
      row.seenBy.push(r.node);
    }
    const sig = ids.sort().join(',');
    if (!signatures.has(sig)) signatures.set(sig, []);
    signatures.get(sig)!.push(r.node);
  }
  for (const row of rows.values()) row.missingFrom = answered.map((r) => r.node).filter((n) => !row.seenBy.includes(n));

  if (signatures.size > 1) {
    const views = [...signatures].map(([sig, nodes]) => `${nodes.join(', ')} see ${sig ? sig.split(',').map((x) => label(x.replace('(learner)', '')) + (x.endsWith('(learner)') ? ' learner' : '')).join(', ') : 'no members'}`);
    findings.push({ severity: 'error', code: 'members-disagree', text: `nodes disagree on the member list: ${views.join('; ')}` });
  }
  return [...rows.values()].sort((a, b) => a.hostname.localeCompare(b.hostname) || a.id.localeCompare(b.id));
}

function failedRow(node: string, error: string): EtcdStatusRow {
  return {
    node,
    memberId: '',
    hostname: '',
    dbSizeBytes: 0,
    inUseBytes: 0,
    dbSize: '',
    inUse: '',
    inUseRatio: null,
    inUseText: '',
    leader: '',
    isLeader: false,
    raftIndex: '',
    raftTerm: '',
    raftAppliedIndex: '',
    learner: false,
    errors: [],
    memberErrors: [],
    alarms: [],
    error,
    flags: ['failed'],
  };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(0)}%`;
}
