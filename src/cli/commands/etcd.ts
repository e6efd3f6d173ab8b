// `talos-tui etcd status|members|alarms [disarm]|snapshot FILE|defrag -n IP[,IP] [--json]`: etcd as the
// Talos "etcd Maintenance" guide has operators check it. Tables go to stdout (talosctl's columns);
// the health findings (NOSPACE, fragmentation, members that disagree, no leader) go to stderr so
// the table stays parseable. A node that fails is named on stderr and makes the exit code 1.
import { analyzeEtcd, alarmName, formatMemberId, humanBytes, type EtcdFinding } from '../../core/etcd/health.js';
import { planDefragOrder, runDefragSequence } from '../../core/etcd/defrag-plan.js';
import { machine, SaveCancelledError, saveEtcdSnapshot, type NodeResult, type TalosSession } from '../../talos/index.js';
import { FileTargetError } from '../../io/atomic-file.js';
import type { EtcdMember, EtcdMemberAlarm } from '../../talos/api/machine.js';
import { CommandError, connectionOptions, parseCommandLine, UsageError } from '../args.js';
import { requireNodes, sessionFromFlags } from '../connection.js';
import { formatTable, namingNode, toJson } from '../output.js';
import { etcdErrorText, queryEtcd } from '../../ops/etcd.js';
import type { Command, CommandIO } from './types.js';

const options = { ...connectionOptions, json: { type: 'boolean' } } as const;
const SUBCOMMANDS = ['status', 'members', 'alarms', 'snapshot', 'defrag'] as const;
type Sub = (typeof SUBCOMMANDS)[number];

const USAGE = [
  'talos-tui etcd status -n IP[,IP] [--json]      db size, in use, leader, raft state, alarms',
  '       talos-tui etcd members -n IP[,IP] [--json]     the member list as each node sees it',
  '       talos-tui etcd alarms [disarm] -n IP[,IP] [--json]',
  '       talos-tui etcd snapshot -n IP FILE [--json]    streamed to a temp file, fsynced, renamed, 0600',
  '       talos-tui etcd defrag -n IP[,IP] [--json]      one node at a time, followers first, leader last',
].join('\n');

const TAG: Record<EtcdFinding['severity'], string> = { error: 'ERROR', warning: 'WARN', info: 'info' };

function writeFindings(io: CommandIO, findings: readonly EtcdFinding[]): void {
  // query-failed findings repeat the per-node error lines already written.
  for (const f of findings) if (f.code !== 'query-failed') io.stderr.write(`[${TAG[f.severity]}] ${f.text}\n`);
}

function writeNodeErrors(io: CommandIO, results: readonly { node: string; error?: string }[]): number {
  const failed = results.filter((r) => r.error !== undefined);
  for (const r of failed) io.stderr.write(`talos-tui etcd: ${namingNode(r.node, r.error!)}\n`);
  return failed.length > 0 ? 1 : 0;
}

async function status(session: TalosSession, nodes: string[], json: boolean, io: CommandIO): Promise<number> {
  const results = await queryEtcd(session, nodes, { members: true, status: true, alarms: true });
  const health = analyzeEtcd(results);
  if (json) {
    io.stdout.write(
      toJson({
        nodes: health.statusRows.map((r) =>
          r.memberId
            ? {
                node: r.node,
                memberId: r.memberId,
                hostname: r.hostname,
                dbSize: r.dbSizeBytes,
                dbSizeInUse: r.inUseBytes,
                inUseRatio: r.inUseRatio,
                leader: r.leader,
                isLeader: r.isLeader,
                raftIndex: r.raftIndex,
                raftTerm: r.raftTerm,
                raftAppliedIndex: r.raftAppliedIndex,
                learner: r.learner,
                errors: r.errors,
                alarms: r.alarms,
                flags: r.flags,
                ...(r.error ? { error: r.error } : {}),
              }
            : { node: r.node, error: r.error },
        ),
        findings: health.findings,
        overall: health.overall,
      }),
    );
  } else {
    const rows = health.statusRows.filter((r) => r.memberId);
    // No node answered: the errors on stderr say it all; an empty table header would only mislead.
    if (results.some((r) => r.status !== undefined)) io.stdout.write(
      formatTable(
        ['NODE', 'MEMBER', 'DB SIZE', 'IN USE', 'LEADER', 'RAFT INDEX', 'RAFT TERM', 'RAFT APPLIED INDEX', 'LEARNER', 'ERRORS'],
        rows.map((r) => [
          r.node,
          r.memberId,
          r.dbSize,
          r.inUseText,
          r.leader,
          r.raftIndex,
          r.raftTerm,
          r.raftAppliedIndex,
          String(r.learner),
          // This member's alarms and its own errors; alarms of other members (which etcd echoes in every
          // member's errors) are named once, with their member, in the findings on stderr.
          [...r.alarms.map((a) => `alarm:${a}`), ...r.memberErrors].join(', '),
        ]),
      ),
    );
  }
  const code = writeNodeErrors(io, results);
  if (!json) writeFindings(io, health.findings);
  return code;
}

async function members(session: TalosSession, nodes: string[], json: boolean, io: CommandIO): Promise<number> {
  const results = await queryEtcd(session, nodes, { members: true });
  const health = analyzeEtcd(results);
  const memberJson = (m: EtcdMember) => ({ id: formatMemberId(m.id), hostname: m.hostname, peerUrls: m.peerUrls, clientUrls: m.clientUrls, learner: m.isLearner });
  const disagree = health.findings.filter((f) => f.code === 'members-disagree');
  if (json) {
    io.stdout.write(
      toJson({
        nodes: results.map((r) => (r.members ? { node: r.node, members: (r.members as EtcdMember[]).map(memberJson) } : { node: r.node, error: r.error })),
        agree: disagree.length === 0,
        findings: disagree,
      }),
    );
  } else {
    const rows = results.flatMap((r) =>
      (r.members ?? []).map((m) => [r.node, formatMemberId(m.id), m.hostname, m.peerUrls.join(','), m.clientUrls.join(','), String(m.isLearner)]),
    );
    if (results.some((r) => r.members !== undefined)) io.stdout.write(formatTable(['NODE', 'ID', 'HOSTNAME', 'PEER URLS', 'CLIENT URLS', 'LEARNER'], rows));
  }
  const code = writeNodeErrors(io, results);
  if (!json) writeFindings(io, disagree);
  return code;
}

async function alarms(session: TalosSession, nodes: string[], disarm: boolean, json: boolean, io: CommandIO): Promise<number> {
  const results: NodeResult<EtcdMemberAlarm[]>[] = await session.forNodes(nodes, (t) => (disarm ? machine.etcdAlarmDisarm(t) : machine.etcdAlarmList(t)));
  const alarmJson = (a: EtcdMemberAlarm) => ({ memberId: formatMemberId(a.memberId), alarm: alarmName(a.alarm) });
  if (json) {
    io.stdout.write(
      toJson({
        ...(disarm ? { disarmed: true } : {}),
        nodes: results.map((r) => (r.ok ? { node: r.node, alarms: r.value.filter((a) => a.alarm !== 0).map(alarmJson) } : { node: r.node, error: etcdErrorText(r.node, r.error) })),
      }),
    );
  } else {
    const rows = results.flatMap((r) => (r.ok ? r.value.filter((a) => a.alarm !== 0).map((a) => [r.node, formatMemberId(a.memberId), alarmName(a.alarm)]) : []));
    // A header alone reads as "the output was cut"; say it in words. No node answered: say nothing here.
    if (rows.length > 0) io.stdout.write(formatTable(['NODE', 'MEMBER', disarm ? 'DISARMED ALARM' : 'ALARM'], rows));
    else if (results.some((r) => r.ok)) io.stdout.write(disarm ? 'no alarms to disarm\n' : 'no alarms\n');
    if (!disarm && rows.some((r) => r[2] === 'NOSPACE')) {
      io.stderr.write('[ERROR] NOSPACE: the database exceeded its space quota and etcd accepts no writes; defragment or raise quota-backend-bytes, then `talos-tui etcd alarms disarm`\n');
    }
  }
  return writeNodeErrors(
    io,
    results.map((r) => (r.ok ? { node: r.node } : { node: r.node, error: etcdErrorText(r.node, r.error) })),
  );
}

/** Ctrl+C, SIGTERM or SIGHUP during a snapshot stops the stream and removes the partial file. */
const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

async function snapshot(session: TalosSession, nodes: string[], file: string, json: boolean, io: CommandIO): Promise<number> {
  const interrupted = new AbortController();
  const onInterrupt = () => interrupted.abort();
  for (const s of INTERRUPTS) process.on(s, onInterrupt);
  const saved = await saveEtcdSnapshot(session.target(nodes[0]), file, { signal: interrupted.signal })
    .catch((err: unknown) => {
      if (err instanceof SaveCancelledError) throw new CommandError(err.message);
      if (err instanceof FileTargetError) throw new UsageError(`etcd: ${err.message}`);
      throw new CommandError(`no snapshot was saved: ${etcdErrorText(nodes[0]!, err)}`);
    })
    .finally(() => {
      for (const s of INTERRUPTS) process.off(s, onInterrupt);
    });
  if (json) io.stdout.write(toJson({ node: nodes[0], path: saved.path, bytes: saved.bytes, sha256: saved.sha256 }));
  else io.stdout.write(`etcd snapshot saved to ${JSON.stringify(file)} (${saved.bytes} bytes)\nsha256 ${saved.sha256}\n`);
  return 0;
}

async function defrag(session: TalosSession, nodes: string[], json: boolean, io: CommandIO): Promise<number> {
  // Who leads decides the order (leader last); a node whose status fails is placed before the leader.
  const statuses = await session.forNodes(nodes, (t) => machine.etcdStatus(t));
  const unreadable = statuses.filter((r) => !r.ok);
  if (unreadable.length > 0) {
    // Start nothing while a member's state is unknown: it may be the one already struggling.
    const why = unreadable.map((r) => (r.ok ? '' : `${r.node}: ${etcdErrorText(r.node, r.error)}`)).join('; ');
    throw new CommandError(`nothing was defragmented: cannot read the etcd status of ${why}`);
  }
  const order = planDefragOrder(
    statuses.map((r) => ({ node: r.node, isLeader: r.ok ? r.value.leader !== 0n && r.value.leader === r.value.memberId : undefined })),
  );
  const measure = async (node: string) => {
    const s = await machine.etcdStatus(session.target(node));
    return { dbSize: Number(s.dbSize), inUse: Number(s.dbSizeInUse) };
  };
  const result = await runDefragSequence(order, {
    measure,
    defragment: (node) => machine.etcdDefragment(session.target(node)).catch((err: unknown) => {
      throw new Error(etcdErrorText(node, err));
    }),
    onStart: (node, before) => {
      if (!json) io.stderr.write(`defragmenting ${node} (db ${humanBytes(before?.dbSize ?? 0)}, in use ${humanBytes(before?.inUse ?? 0)})…\n`);
    },
  });
  if (json) {
    io.stdout.write(toJson({ order, steps: result.steps, skipped: result.skipped }));
  } else {
    io.stdout.write(
      formatTable(
        ['NODE', 'DB SIZE BEFORE', 'DB SIZE AFTER', 'IN USE', 'RESULT'],
        result.steps.map((s) => [
          s.node,
          s.before ? humanBytes(s.before.dbSize) : '',
          s.after ? humanBytes(s.after.dbSize) : '',
          s.after ? humanBytes(s.after.inUse) : '',
          s.error ? `failed: ${s.error}` : 'defragmented',
        ]),
      ),
    );
  }
  const failed = result.steps.find((s) => s.error !== undefined);
  if (failed) {
    const skipped = result.skipped.length > 0 ? `; not attempted: ${result.skipped.join(', ')}` : '';
    throw new CommandError(`defragmentation failed: ${namingNode(failed.node, failed.error!)}${skipped}`);
  }
  return 0;
}

export const command: Command = {
  name: 'etcd',
  summary: 'etcd status, members, alarms, snapshot and defragmentation',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseCommandLine('etcd', argv, options);
    const sub = positionals[0] as Sub | undefined;
    if (!sub) throw new UsageError(`etcd: name what to do: ${SUBCOMMANDS.join(', ')}`);
    if (!SUBCOMMANDS.includes(sub)) throw new UsageError(`etcd: "${sub}" is not one of ${SUBCOMMANDS.join(', ')}`);
    const rest = positionals.slice(1);
    const nodes = requireNodes('etcd', values);
    const json = values.json ?? false;

    let file = '';
    let disarm = false;
    if (sub === 'snapshot') {
      if (rest.length !== 1) throw new UsageError('etcd: snapshot needs the file to write, e.g. `talos-tui etcd snapshot -n IP db.snapshot`');
      if (nodes.length !== 1) throw new UsageError(`etcd: take a snapshot from one node, not ${nodes.length} (-n ${nodes.join(',')})`);
      file = rest[0]!;
    } else if (sub === 'alarms') {
      if (rest.length > 1 || (rest[0] !== undefined && rest[0] !== 'list' && rest[0] !== 'disarm')) {
        throw new UsageError(`etcd: "${rest.join(' ')}" is not list or disarm (talos-tui etcd alarms [list|disarm])`);
      }
      disarm = rest[0] === 'disarm';
    } else if (rest.length > 0) {
      throw new UsageError(`etcd: unexpected argument "${rest[0]}" after ${sub}`);
    }

    const session = sessionFromFlags(values, io.env);
    try {
      switch (sub) {
        case 'status':
          return await status(session, nodes, json, io);
        case 'members':
          return await members(session, nodes, json, io);
        case 'alarms':
          return await alarms(session, nodes, disarm, json, io);
        case 'snapshot':
          return await snapshot(session, nodes, file, json, io);
        case 'defrag':
          return await defrag(session, nodes, json, io);
      }
    } finally {
      session.close();
    }
  },
};
