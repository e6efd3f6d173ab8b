// The Status pane's node summary (tab "Nodes"): one row per node as `talosctl dashboard` heads each
// node: type, Talos version, stage, ready, uptime, load, memory and CPU; a node that stopped answering
// keeps its last figures, marked STALE with how old they are, and the error under the table.
import { useMemo } from 'react';
import { Box, Text } from 'ink';
import { bytesShort, uptimeShort } from '../../core/node-figures.js';
import { relativeTime } from '../../core/services.js';
import { Table } from '../../ui/Table.js';
import type { Column, TableRow } from '../../ui/table-layout.js';
import { toneProps } from '../../ui/shell/tones.js';
import { fit, wrapWords } from '../../ui/text.js';
import type { NodeInfo, NodeInfoSnapshot } from './node-info.js';

// 80 columns hold every column but the load (it comes back from 100 columns on).
export const NODE_COLUMNS: Column[] = [
  { header: 'NODE', width: 15, grow: 1 },
  { header: 'TYPE', width: 12 },
  { header: 'VERSION', width: 8 },
  { header: 'STAGE', width: 10 },
  { header: 'READY', width: 5 },
  { header: 'UPTIME', width: 6 },
  { header: 'LOAD 1/5/15', width: 14, hideBelow: 100 },
  { header: 'MEM', width: 8 },
  { header: 'CPU', width: 4 },
];

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function nodeInfoRows(snap: NodeInfoSnapshot | null): TableRow[] {
  const now = snap?.now ?? Date.now();
  return (snap?.nodes ?? []).map((n: NodeInfo) => {
    // A node that stopped answering: its last figures, READY says STALE (the line below says since when).
    const stale = n.error !== undefined;
    if (n.loading) return { key: n.node, cells: [{ text: n.node }, { text: 'asking…', tone: 'dim' }] };
    const mem = n.memory ? `${pct(n.memory.used / n.memory.total)} ${bytesShort(n.memory.total)}` : '';
    const ready = stale ? 'STALE' : n.ready === undefined ? '' : n.ready ? 'yes' : 'no';
    return {
      key: n.node,
      cells: [
        { text: n.node, tone: stale ? 'error' : 'plain' },
        { text: n.machineType ?? '' },
        { text: n.version ?? '' },
        { text: n.stage ?? '', tone: n.stage === 'running' ? 'ok' : n.stage ? 'warn' : 'dim' },
        { text: ready, tone: n.ready && !stale ? 'ok' : 'error' },
        { text: n.bootTime ? uptimeShort((now - n.bootTime) / 1000) : '' },
        { text: n.load ? n.load.map((l) => l.toFixed(2)).join(' ') : '' },
        { text: mem, tone: n.memory && n.memory.used / n.memory.total > 0.9 ? 'error' : 'plain' },
        { text: n.cpu === undefined ? '' : pct(n.cpu), tone: (n.cpu ?? 0) > 0.9 ? 'error' : 'plain' },
      ],
    };
  });
}

/** Under the table: why the node under the cursor is not ready, or why it is stale. */
export function nodeInfoDetail(n: NodeInfo | undefined, now: number): { text: string; tone: 'error' | 'warn' | 'dim' } | null {
  if (!n) return null;
  if (n.error) return { text: `${n.node}: ${n.at ? `no answer since ${relativeTime(n.at, now)} (figures shown are from then)` : 'no answer yet'}: ${n.error}`, tone: 'error' };
  if (n.ready === false) return { text: `${n.node} not ready${n.unmet ? `: ${n.unmet}` : ''}`, tone: 'warn' };
  if (n.at) return { text: `${n.node}: updated ${relativeTime(n.at, now)}`, tone: 'dim' };
  return null;
}

export function NodesView({ snapshot, cursor, width, rows }: { snapshot: NodeInfoSnapshot | null; cursor: number; width: number; rows: number }) {
  const nodes = snapshot?.nodes ?? [];
  const detail = nodeInfoDetail(nodes[cursor], snapshot?.now ?? Date.now());
  const detailLines = detail ? wrapWords(detail.text, width).slice(0, 2) : [];
  const tableHeight = Math.max(2, rows - detailLines.length);
  // Laid out once per snapshot (at most 4 a second), not again for each cursor move.
  const tableRows = useMemo(() => nodeInfoRows(snapshot), [snapshot]);
  return (
    <Box flexDirection="column" width={width} height={rows + 1}>
      <Text wrap="truncate" {...toneProps('dim')}>
        {fit(`${nodes.length} node(s), ↑/↓ picks the node the services view shows`, width)}
      </Text>
      <Table columns={NODE_COLUMNS} rows={tableRows} cursor={cursor} width={width} height={tableHeight} empty="no nodes selected: :node IP[,IP]" />
      {detailLines.map((l, i) => (
        <Text key={i} wrap="truncate" {...toneProps(detail!.tone)}>
          {l}
        </Text>
      ))}
    </Box>
  );
}
