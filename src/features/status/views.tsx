// The Status pane's views (services of one node, etcd status with findings, etcd members; the node
// summary is node-info-view.tsx), the tab line, the operation lines and the no-session message:
// presentational, everything comes in as props.
import { useMemo } from 'react';
import { Box, Text } from 'ink';
import { relativeTime } from '../../core/services.js';
import type { Tone } from '../../ui/shell/header-model.js';
import { Line } from '../../ui/shell/Line.js';
import { toneProps } from '../../ui/shell/tones.js';
import { displayWidth, fit, wrapWords } from '../../ui/text.js';
import { VIEWS, type StatusView } from './state.js';
import type { StatusSnapshot } from './source.js';
import type { ServiceRow } from '../../core/services.js';
import { Table } from '../../ui/Table.js';
import {
  ETCD_STATUS_COLUMNS,
  etcdStatusTableRows,
  findingLines,
  MEMBER_COLUMNS,
  memberTableRows,
  nodeStripSegments,
  SERVICE_COLUMNS,
  serviceTableRows,
  leaderLabel,
  staleReasonLines,
} from './view-model.js';

const VIEW_TITLES: Record<StatusView, string> = { services: 'Services', etcd: 'etcd status', members: 'etcd members', nodes: 'Nodes' };

export function Tabs({ view, snapshot, width = 80 }: { view: StatusView; snapshot: StatusSnapshot | null; width?: number }) {
  const overall = snapshot?.etcd?.overall;
  // The current view stays whole at any width: the others shrink to their first word, then go.
  const widthOf = (labels: string[]) => labels.reduce((w, l) => w + displayWidth(l) + 1, 0) + 16;
  let labels = VIEWS.map((v) => (v === view ? `[${VIEW_TITLES[v]}]` : ` ${VIEW_TITLES[v]} `));
  if (widthOf(labels) > width) labels = VIEWS.map((v) => (v === view ? `[${VIEW_TITLES[v]}]` : ` ${VIEW_TITLES[v].split(' ').at(-1)} `));
  if (widthOf(labels) > width) labels = VIEWS.map((v) => (v === view ? `[${VIEW_TITLES[v]}]` : ''));
  const segments: { text: string; tone: Tone }[] = VIEWS.flatMap((v, i) =>
    labels[i] === '' ? [] : [{ text: labels[i]!, tone: v === view ? 'accent' : 'dim' }, { text: ' ', tone: 'plain' }],
  );
  if (overall && overall !== 'ok') segments.push({ text: overall === 'error' ? 'etcd: problems' : 'etcd: warnings', tone: overall === 'error' ? 'error' : 'warn' });
  else if (overall === 'ok') segments.push({ text: 'etcd: ok', tone: 'ok' });
  return <Line segments={segments} />;
}

const NO_ROWS: readonly ServiceRow[] = [];

export function ServicesView(props: { snapshot: StatusSnapshot | null; node: string | undefined; index: number; cursor: number; showEvents: boolean; width: number; rows: number; filtered?: readonly ServiceRow[] }) {
  const { snapshot, node, width } = props;
  const rows = props.filtered ?? ((node && snapshot?.services[node]) || NO_ROWS);
  // The same rows (a cursor move, a repaint for etcd) are not laid out again.
  const tableRows = useMemo(() => serviceTableRows(rows), [rows]);
  const selected = rows[props.cursor];
  const events = props.showEvents && selected && selected.failed === undefined ? selected.events.slice(0, 3) : [];
  const eventRows = events.length > 0 ? events.length + 1 : 0;
  const summary = node ? snapshot?.summaries[node] : undefined;
  const staleLines = staleReasonLines(summary, width);
  const tableHeight = Math.max(2, props.rows - eventRows - staleLines.length);
  return (
    <Box flexDirection="column" width={width} height={props.rows + 1}>
      <Line segments={nodeStripSegments(summary, props.index, snapshot?.nodes.length ?? 0, snapshot?.now ?? Date.now()).map((s) => ({ ...s, text: fit(s.text, width) }))} />
      {staleLines.map((l, i) => (
        <Text key={`stale-${i}`} wrap="truncate" {...toneProps('error')}>
          {l}
        </Text>
      ))}
      <Table columns={SERVICE_COLUMNS} rows={tableRows} cursor={props.cursor} width={width} height={tableHeight} empty={summary?.loading ? 'loading…' : 'no services'} />
      {eventRows > 0 ? (
        <>
          <Text wrap="truncate" {...toneProps('dim')}>
            {fit(`recent events of ${selected!.id} (newest first):`, width)}
          </Text>
          {events.map((e, i) => (
            <Text key={i} wrap="truncate">
              {fit(`  ${e.ago.padEnd(8)} ${e.state.padEnd(9)} ${e.msg}`, width)}
            </Text>
          ))}
        </>
      ) : null}
    </Box>
  );
}

export function EtcdView({ snapshot, cursor, width, rows }: { snapshot: StatusSnapshot | null; cursor: number; width: number; rows: number }) {
  const etcd = snapshot?.etcd ?? null;
  const nodes = snapshot?.etcdNodes ?? [];
  const tableRows = etcdStatusTableRows(etcd, nodes);
  const tableHeight = Math.min(tableRows.length + 1, Math.max(2, rows - 3));
  const row = etcd?.statusRows.find((r) => r.node === nodes[cursor]);
  const detail: string[] = [];
  if (row?.memberId) {
    detail.push(`${row.node}: member ${row.memberId}${row.hostname ? ` (${row.hostname})` : ''}, leader ${row.leader}, raft index ${row.raftIndex} applied ${row.raftAppliedIndex} term ${row.raftTerm}`);
    // Alarms of other members echoed in this member's errors are findings of their own (below).
    if (row.alarms.length > 0 || row.memberErrors.length > 0) detail.push(`alarms on this member: ${row.alarms.join(', ') || 'none'}; errors: ${row.memberErrors.join('; ') || 'none'}`);
  }
  if (row?.error) detail.push(`${row.memberId ? 'last answer shown; now failing: ' : ''}${row.error}`);
  const detailLines = detail.flatMap((d) => wrapWords(d, width)).slice(0, 3);
  const findingRows = Math.max(0, rows - 1 - tableHeight - detailLines.length);
  const summary = etcd
    ? `${etcd.memberRows.length} member(s), leader ${leaderLabel(etcd)}${snapshot?.etcdAt ? `, updated ${relativeTime(snapshot.etcdAt, snapshot.now)}` : ''}`
    : nodes.length === 0
      ? 'no control-plane node among the nodes shown: select one with :node IP'
      : 'asking the control-plane nodes…';
  return (
    <Box flexDirection="column" width={width} height={rows + 1}>
      <Text wrap="truncate" {...toneProps('dim')}>
        {fit(`etcd: ${summary}`, width)}
      </Text>
      <Table columns={ETCD_STATUS_COLUMNS} rows={tableRows} cursor={cursor} width={width} height={tableHeight} />
      {detailLines.map((d, i) => (
        <Text key={i} wrap="truncate">
          {d}
        </Text>
      ))}
      {etcd
        ? findingLines(etcd.findings, width, findingRows).map((l) => <Line key={l.key} segments={l.segments} />)
        : null}
    </Box>
  );
}

export function MembersView({ snapshot, cursor, width, rows }: { snapshot: StatusSnapshot | null; cursor: number; width: number; rows: number }) {
  const etcd = snapshot?.etcd ?? null;
  const members = etcd?.memberRows ?? [];
  const selected = members[cursor];
  const tableHeight = Math.min(members.length + 1, Math.max(2, rows - 3));
  const lines: string[] = [];
  if (selected) {
    lines.push(`${selected.id} ${selected.hostname}: seen by ${selected.seenBy.join(', ') || 'nobody'}`);
    if (selected.missingFrom.length > 0) lines.push(`MISSING from the member list of ${selected.missingFrom.join(', ')}`);
  }
  const disagree = etcd?.findings.filter((f) => f.code === 'members-disagree') ?? [];
  return (
    <Box flexDirection="column" width={width} height={rows + 1}>
      <Text wrap="truncate" {...toneProps('dim')}>
        {fit(etcd ? `etcd members as the control-plane nodes list them (${members.length})` : 'asking the control-plane nodes…', width)}
      </Text>
      <Table columns={MEMBER_COLUMNS} rows={memberTableRows(members)} cursor={cursor} width={width} height={tableHeight} empty="no member list yet" />
      {lines.map((l, i) => (
        <Text key={i} wrap="truncate" {...toneProps(i === 1 ? 'error' : 'plain')}>
          {fit(l, width)}
        </Text>
      ))}
      {disagree.length > 0
        ? findingLines(disagree, width, Math.max(0, rows - 1 - tableHeight - lines.length)).map((l) => <Line key={l.key} segments={l.segments} />)
        : null}
    </Box>
  );
}

/** The running operation, else the last outcome, wrapped (a snapshot's path and sha256 must show in full). */
export function operationLines(snapshot: StatusSnapshot | null, width: number, max = 3): { text: string; tone: Tone }[] {
  const op = snapshot?.operation;
  if (op) return [{ text: fit(`running: ${op.text}`, width), tone: 'warn' }];
  const last = snapshot?.lastResult;
  if (!last) return [{ text: ' ', tone: 'plain' }];
  const tone: Tone = last.tone === 'ok' ? 'ok' : last.tone === 'error' ? 'error' : last.tone === 'warn' ? 'warn' : 'plain';
  return wrapWords(last.text, width)
    .slice(0, max)
    .map((text) => ({ text, tone }));
}

/** Instead of the views when there is no Talos session: why, and what to do. */
export function NoSessionView({ problem, width }: { problem: string | null; width: number }) {
  return (
    <Box flexDirection="column" width={width} paddingX={1}>
      <Text wrap="wrap">
        {problem ? `Status needs a Talos session, and there is none: ${problem}` : 'Status needs a Talos session: no talosconfig was found. Pass --talosconfig, or try --demo.'}
      </Text>
      {problem ? <Text wrap="wrap">Fix it and switch to a context with :ctx NAME, or try --demo.</Text> : null}
    </Box>
  );
}
