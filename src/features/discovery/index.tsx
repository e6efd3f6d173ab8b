// The Discovery pane: scan CIDRs / IPs / ranges for Talos API ports, identify each (maintenance,
// configured, not Talos), match them to the inventory by MAC, and hand a node to Apply.
//
// Layout (80x24 leaves 19 rows): targets line, progress line, inventory summary, the results table
// (or the selected node's details), and one footer line for errors and the selected row's notes.
import { useEffect, useRef, useState } from 'react';
import { Box } from 'ink';
import { usePaneActions, usePaneWork, type PaneProps } from '../../ui/pane-types.js';
import { Line } from '../../ui/shell/Line.js';
import type { Segment } from '../../ui/shell/header-model.js';
import { fit, fitOrPointToLog } from '../../ui/text.js';
import { discoveryActions } from './actions.js';
import { NodeDetail } from './components/NodeDetail.js';
import { ResultsTable } from './components/ResultsTable.js';
import { bodyRowCount, windowStart } from '../../ui/table-layout.js';
import { demoTargets, type DiscoverySnapshot, type DiscoverySource, type DiscoveryRow } from './source.js';
import { talosctlApplyCommand } from './talosctl.js';
import { copyToClipboard } from '../../ui/clipboard.js';
import { useDiscoverySnapshot, useDiscoverySource } from './use-discovery.js';
import { TextField, useTextEntry } from '../../ui/text-entry/index.js';
import { useRowFilter } from '../../ui/row-filter.js';

/** What `/` matches a row against. */
const rowFilterText = (r: DiscoveryRow) =>
  [r.ip, r.port, r.node?.kind, r.node?.hostname, r.node?.talosVersion, r.node?.stage, ...(r.node?.macs ?? []), r.match.state === 'matched' ? r.match.entry?.name : ''].filter(Boolean).join(' ');
import { progressSegments, rowLabel } from './view-model.js';
import { describeAmbiguity } from '../../ops/discover-report.js';

export interface DiscoveryViewProps extends PaneProps {
  /** A source made elsewhere (tests); by default the pane makes its own. */
  source?: DiscoverySource;
  /** Puts text on the clipboard (default: OSC 52 to the terminal). */
  writeClipboard?: (text: string) => void;
}

function targetsLine(snap: DiscoverySnapshot, shownTargets: string, width: number): Segment[] {
  const inv = snap.inventory ? ` · inventory ${snap.inventory.source} (${snap.inventory.nodes.length} machines)` : ' · no inventory (i)';
  if (shownTargets === '') {
    return [{ text: fit(`targets: none. Press s and type a CIDR (10.0.0.0/24), an IP or a range (10.0.0.10-40)${inv}`, width), tone: 'dim' }];
  }
  const label = snap.targets === shownTargets && snap.targetsLabel ? ` (${snap.targetsLabel})` : snap.scans === 0 ? ' (press s, then Enter, to scan)' : '';
  const port = snap.port === 50000 ? '' : ` port ${snap.port}`;
  return [
    { text: 'targets: ', tone: 'accent' },
    { text: fit(`${shownTargets}${label}${port}${inv}`, width - 9), tone: 'plain' },
  ];
}

function summaryLine(snap: DiscoverySnapshot, width: number): Segment[] {
  if (!snap.match) {
    // Open ports still being identified are neither Talos nor "other" yet; gone rows are not counted.
    const seen = snap.rows.filter((r) => r.node && r.change !== 'gone');
    const talos = seen.filter((r) => r.node!.kind === 'maintenance' || r.node!.kind === 'configured');
    const maint = talos.filter((r) => r.node!.kind === 'maintenance').length;
    const identifying = snap.identifying > 0 ? ` · identifying ${snap.identifying}` : '';
    return [{ text: fit(`${maint} maintenance · ${talos.length - maint} configured · ${seen.length - talos.length} other${identifying} · load an inventory (i) to tell which machine is which`, width), tone: 'dim' }];
  }
  const m = snap.match;
  const tone = m.ambiguous.length > 0 ? 'error' : m.mode === 'order' ? 'warn' : m.missing.length > 0 || m.unknown.length > 0 ? 'warn' : 'ok';
  return [{ text: fit(snap.summary, width), tone }];
}

function footerLine(snap: DiscoverySnapshot, row: DiscoveryRow | null, width: number): Segment[] {
  if (snap.error) return [{ text: fitOrPointToLog(snap.error, width), tone: 'error' }];
  if (snap.match?.mode === 'order') return [{ text: fit(snap.match.note ?? 'matched by count order', width), tone: 'warn' }];
  if (snap.match && snap.match.ambiguous.length > 0) return [{ text: fit(`ambiguous: ${snap.match.ambiguous.map(describeAmbiguity).join('; ')}`, width), tone: 'error' }];
  if (row?.movedFrom) return [{ text: fit(`${rowLabel(row, snap.port)} moved here from ${row.movedFrom} (same MAC)`, width), tone: 'warn' }];
  if (row?.node?.error) return [{ text: fit(`${rowLabel(row, snap.port)}: ${row.node.error}`, width), tone: 'dim' }];
  if (snap.match?.note) return [{ text: fit(snap.match.note, width), tone: 'warn' }];
  if (snap.rows.length === 0 && snap.phase === 'done') return [{ text: fit('nothing answered on that port', width), tone: 'dim' }];
  return [{ text: ' ', tone: 'plain' }];
}

export function DiscoveryView(props: DiscoveryViewProps) {
  const { shell, session, width, height } = props;
  const source = useDiscoverySource(session, props.source);
  const snap = useDiscoverySnapshot(source);
  const inner = Math.max(20, width - 2);
  const [detail, setDetail] = useState(false);
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const offsetRef = useRef(0);
  // Derived, not kept: in demo mode the pane can mount before the simulator's session exists, and
  // it stays mounted across session changes (keepAcrossSessions).
  const draftTargets = props.demo ? demoTargets(session) : '';
  const shownTargets = snap.targets || draftTargets;

  // Selection follows the row (by key) when rows are inserted above it during a scan. The key is
  // also kept in a ref: keys pressed in a burst (down, then c) act on the row just selected, before
  // React re-renders.
  const selectedRef = useRef<string | null>(null);
  const indexOf = (rows: readonly DiscoveryRow[], key: string | null) => {
    const found = key === null ? -1 : rows.findIndex((r) => r.key === key);
    return rows.length === 0 ? -1 : found >= 0 ? found : 0;
  };
  const select = (key: string | null) => {
    selectedRef.current = key;
    setSelectedKey(key);
  };
  // `/` narrows the table (a regex over each row's address, kind, name, version and MACs).
  const filter = useRowFilter(shell, 'machines found');
  const shownRows = (rows: readonly DiscoveryRow[]) => (filter.text === null ? rows : rows.filter((r) => filter.matches(rowFilterText(r))));
  const rows = shownRows(snap.rows);
  const selected = indexOf(rows, selectedKey);
  const row = selected >= 0 ? rows[selected] : null;
  /** The selected row as of now (latest snapshot, latest selection), for actions. */
  const currentRow = (): DiscoveryRow | null => {
    const rows = shownRows(source.store.getSnapshot().rows);
    const i = indexOf(rows, selectedRef.current);
    return i >= 0 ? rows[i] : null;
  };

  const entry = useTextEntry<'targets' | 'inventory'>(shell, {
    onSubmit(field, text) {
      if (field === 'targets') {
        if (source.scan(text)) {
          setDetail(false);
          select(null);
        }
      } else if (!source.loadInventory(text)) {
        shell.setStatus(`inventory ${text.trim()} loaded`, 'ok');
      }
    },
  });

  // The pane's own progress line shows an error; the status bar carries it only while the pane is
  // not on screen (a scan failing while the user looks at another pane).
  const lastError = useRef<string | null>(null);
  useEffect(() => {
    if (snap.error && snap.error !== lastError.current) shell.announce(snap.error, 'error');
    lastError.current = snap.error;
  }, [snap.error, shell]);
  const lastPhase = useRef(snap.phase);
  useEffect(() => {
    if (lastPhase.current === 'running' && snap.phase === 'done') {
      const talos = snap.rows.filter((r) => r.node && (r.node.kind === 'maintenance' || r.node.kind === 'configured') && r.change !== 'gone');
      const maint = talos.filter((r) => r.node!.kind === 'maintenance').length;
      shell.setStatus(`scan done in ${((snap.lastElapsedMs ?? 0) / 1000).toFixed(1)} s: ${maint} maintenance, ${talos.length - maint} configured`, 'ok');
    }
    lastPhase.current = snap.phase;
  }, [snap.phase, snap.rows, snap.lastElapsedMs, shell]);

  const entryOf = (r: DiscoveryRow) => (r.match.state === 'matched' ? (r.match.entry ?? null) : null);
  const actions = discoveryActions(
    { running: snap.phase === 'running', hasTargets: snap.targets !== '', detail, rowCount: snap.rows.length, selected: row },
    {
      editTargets: () => entry.open('targets', source.store.getSnapshot().targets || draftTargets),
      rescan: () => {
        source.rescan();
      },
      cancel: () => {
        source.cancel();
        shell.setStatus('scan cancelled', 'warn');
      },
      closeDetail: () => setDetail(false),
      openDetail: () => setDetail(true),
      editInventory: () => entry.open('inventory', source.store.getSnapshot().inventory?.source ?? ''),
      apply: () => {
        const row = currentRow();
        if (!row?.node) return;
        shell.navigate('apply', {
          node: row.ip,
          port: row.port,
          inventoryEntry: entryOf(row),
          // The parsed inventory: Apply resolves the entry's paths from it, never reading the file again.
          inventory: source.store.getSnapshot().inventory ?? null,
          insecure: row.node.kind === 'maintenance',
          certFingerprint: row.node.certFingerprint ?? null,
        });
      },
      copy: () => {
        const row = currentRow();
        if (!row?.node) return;
        const maintenance = row.node.kind === 'maintenance';
        const cmd = talosctlApplyCommand({
          ip: row.ip,
          port: row.port,
          entry: entryOf(row),
          inventory: source.store.getSnapshot().inventory,
          insecure: maintenance,
          certFingerprint: maintenance ? row.node.certFingerprint : undefined,
        });
        (props.writeClipboard ?? copyToClipboard)(cmd);
        shell.setStatus(`copied: ${cmd}`, 'ok');
      },
      move: (delta) => {
        const rows = shownRows(source.store.getSnapshot().rows);
        if (rows.length === 0) return;
        const next = Math.max(0, Math.min(rows.length - 1, indexOf(rows, selectedRef.current) + delta));
        select(rows[next].key);
      },
    },
  );
  usePaneActions(shell, [...actions, ...filter.actions]);
  usePaneWork(shell, snap.phase === 'running' ? `a scan of ${snap.targets}` : null);
  // Talos machines found here complete after `:node` (Tab).
  const talosAddresses = snap.rows.filter((r) => r.node && (r.node.kind === 'maintenance' || r.node.kind === 'configured')).map((r) => r.ip).join(',');
  useEffect(() => shell.offerNodes(talosAddresses === '' ? [] : talosAddresses.split(',')), [shell, talosAddresses]);

  const bodyHeight = Math.max(1, height - 4);
  offsetRef.current = windowStart(rows.length, Math.max(0, selected), bodyRowCount(rows.length, bodyHeight), offsetRef.current);

  const firstLine =
    entry.field === 'targets' ? (
      <TextField prompt="targets: " value={entry.value} width={inner} />
    ) : entry.field === 'inventory' ? (
      <TextField prompt="inventory file: " value={entry.value} width={inner} />
    ) : (
      filter.field(inner) ?? <Line segments={targetsLine(snap, shownTargets, inner)} />
    );

  return (
    <Box flexDirection="column" width={width} height={height} paddingX={1}>
      {firstLine}
      <Line segments={progressSegments(snap, inner)} />
      <Line segments={filter.text === null ? summaryLine(snap, inner) : [{ text: fit(`filter /${filter.text}/: ${rows.length} of ${snap.rows.length} rows (Esc clears)`, inner), tone: 'warn' }]} />
      {detail && row ? (
        <NodeDetail row={row} width={inner} height={bodyHeight} port={snap.port} />
      ) : (
        <ResultsTable rows={rows} selected={selected} offset={offsetRef.current} width={inner} height={bodyHeight} port={snap.port} />
      )}
      <Line segments={footerLine(snap, row, inner)} />
    </Box>
  );
}

export default function DiscoveryPane(props: PaneProps) {
  return <DiscoveryView {...props} />;
}
