// What the Discovery pane draws, as plain segments: pure, so widths are decided (and tested) without
// rendering. Every line is cut to the pane width: nothing may wrap at 80 columns.
import type { Segment, Tone } from '../../ui/shell/header-model.js';
import { displayWidth, fit, fitPad } from '../../ui/text.js';
import type { Cell, Column as TableColumn, TableRow } from '../../ui/table-layout.js';
import type { DiscoveryRow, DiscoverySnapshot } from './source.js';
import type { ScanProgress } from '../../ops/discover.js';
import { disksShort, disksText, formatBytes, matchText, stateText } from '../../ops/discover-report.js';

export interface Column {
  title: string;
  width: number;
}

const MARK = 2; // change marker + selection marker

/**
 * Column widths for a table `width` wide. Fixed columns first (IP, STATE, VER, MAC), then the
 * inventory and disks share what is left; below ~66 columns VER goes, then DISKS.
 */
export function tableColumns(width: number, ipWidth = 15): Column[] {
  const cols: Column[] = [
    { title: 'IP', width: ipWidth },
    { title: 'STATE', width: 11 },
    { title: 'VER', width: 7 },
    { title: 'MAC', width: 17 },
    { title: 'INVENTORY', width: 9 },
    { title: 'DISKS', width: 0 },
  ];
  const used = () => MARK + cols.reduce((w, c) => w + c.width, 0) + (cols.length - 1);
  if (used() > width) cols.splice(2, 1); // VER
  if (used() > width) cols.splice(cols.length - 1, 1); // DISKS
  const left = width - used();
  const inv = cols.find((c) => c.title === 'INVENTORY')!;
  const disks = cols.find((c) => c.title === 'DISKS');
  if (left >= 0) {
    // Disks get room for two sizes ("112G+128G"), inventory names up to 20, disks the rest.
    const toDisks = disks ? Math.min(left, 10) : 0;
    const toInv = disks ? Math.min(left - toDisks, 11) : left;
    inv.width += toInv;
    if (disks) disks.width += left - toInv;
  } else {
    inv.width = Math.max(4, inv.width + left);
  }
  if (disks && disks.width < 4) {
    // Too narrow to say anything: give its room (and its separator) to the inventory column.
    cols.splice(cols.indexOf(disks), 1);
    inv.width += disks.width + 1;
  }
  return cols;
}

/** The columns as ui/Table takes them: fixed widths, decided by tableColumns. */
export function tableColumnsFor(cols: readonly Column[]): TableColumn[] {
  return cols.map((c) => ({ header: c.title, width: c.width }));
}

const CHANGE_MARK: Record<DiscoveryRow['change'], string> = { first: ' ', kept: ' ', new: '+', moved: '→', gone: '×', pending: '…' };

function stateTone(row: DiscoveryRow): Tone {
  if (row.change === 'gone' || row.change === 'pending') return 'dim';
  if (!row.node) return 'dim';
  switch (row.node.kind) {
    case 'maintenance':
      return 'ok';
    case 'configured':
      return 'plain';
    case 'unreachable':
      return 'warn';
    case 'not-talos':
    default:
      return 'dim';
  }
}

function matchTone(row: DiscoveryRow): Tone {
  switch (row.match.state) {
    case 'matched':
      return row.match.by === 'order' ? 'warn' : 'ok';
    case 'ambiguous':
      return 'error';
    case 'unknown':
      return 'warn';
    case 'none':
    default:
      return 'dim';
  }
}

export function rowLabel(row: Pick<DiscoveryRow, 'ip' | 'port'>, port: number): string {
  return row.port === port ? row.ip : `${row.ip}:${row.port}`;
}

/** The marker in front of a row: the cursor (›) and how the row changed since the last scan (+ → × …). */
export function rowMarker(row: DiscoveryRow, selected: boolean): Cell {
  return { text: `${selected ? '›' : ' '}${CHANGE_MARK[row.change]}`, tone: selected ? 'accent' : 'dim' };
}

/** One row's cells, in the columns' order. */
export function rowCells(row: DiscoveryRow, cols: readonly Column[], selected: boolean, port: number): TableRow {
  const n = row.node;
  const cell = (title: string): Cell => {
    switch (title) {
      case 'IP':
        return { text: rowLabel(row, port), tone: selected ? 'accent' : 'plain' };
      case 'STATE':
        return { text: row.change === 'gone' ? 'gone' : n ? stateText(n) : 'identifying', tone: stateTone(row) };
      case 'VER':
        return { text: n?.talosVersion ?? (n && (n.kind === 'maintenance' || n.kind === 'configured') ? '?' : ''), tone: 'plain' };
      case 'MAC':
        return { text: n?.mac ?? n?.macs[0] ?? '', tone: 'plain' };
      case 'INVENTORY':
        return { text: row.change === 'gone' ? '' : matchText(row.match), tone: row.change === 'pending' ? 'dim' : matchTone(row) };
      case 'DISKS':
        return { text: n ? (n.kind === 'not-talos' || n.kind === 'unreachable' ? (n.error ?? '') : disksShort(n.disks)) : '', tone: n && (n.kind === 'not-talos' || n.kind === 'unreachable') ? 'dim' : 'plain' };
      default:
        return { text: '', tone: 'plain' };
    }
  };
  return { key: row.key, cells: cols.map((c) => cell(c.title)) };
}

/** "running [█████░░░░░] 180/254 · found 3 · 1.2k hosts/s · 0.4 s · identifying 1" */
export function progressSegments(snap: Pick<DiscoverySnapshot, 'phase' | 'progress' | 'identifying' | 'lastElapsedMs' | 'rows'>, width: number): Segment[] {
  const p: ScanProgress | null = snap.progress;
  const phase = { idle: 'idle', running: 'scanning', done: 'done', cancelled: 'cancelled', failed: 'failed' }[snap.phase];
  const phaseTone: Tone = snap.phase === 'failed' ? 'error' : snap.phase === 'cancelled' ? 'warn' : snap.phase === 'done' ? 'ok' : 'accent';
  if (!p) return [{ text: fit(snap.phase === 'idle' ? 'idle: press s to scan' : `${phase}…`, width), tone: phaseTone }];
  const rate = p.rate >= 10_000 ? `${Math.round(p.rate / 1000)}k` : p.rate >= 1000 ? `${(p.rate / 1000).toFixed(1)}k` : String(p.rate);
  const elapsed = snap.phase !== 'running' && snap.lastElapsedMs !== null ? snap.lastElapsedMs : p.elapsedMs;
  const facts = [`${p.probed}/${p.total}`, `found ${p.found}`, `${rate} hosts/s`, `${(elapsed / 1000).toFixed(1)} s`];
  if (snap.identifying > 0) facts.push(`identifying ${snap.identifying}`);
  const text = ` ${facts.join(' · ')}`;
  const head = `${phase.padEnd(9)} `;
  const barWidth = Math.max(0, Math.min(30, width - displayWidth(head) - displayWidth(text) - 2));
  const segs: Segment[] = [{ text: head, tone: phaseTone }];
  if (barWidth >= 5) {
    const filled = p.total > 0 ? Math.round((p.probed / p.total) * barWidth) : 0;
    segs.push({ text: '[', tone: 'dim' }, { text: '█'.repeat(filled), tone: 'accent' }, { text: '░'.repeat(barWidth - filled), tone: 'dim' }, { text: ']', tone: 'dim' });
  }
  segs.push({ text: fit(text, Math.max(0, width - displayWidth(head) - (barWidth >= 5 ? barWidth + 2 : 0))), tone: 'plain' });
  return segs;
}

/** The detail view of one row: facts, links, disks. Returned as lines of segments. */
export function detailLines(row: DiscoveryRow, width: number, port: number): Segment[][] {
  const n = row.node;
  const line = (text: string, tone: Tone = 'plain'): Segment[] => [{ text: fit(text, width), tone }];
  const out: Segment[][] = [];
  if (!n) return [line(`${rowLabel(row, port)}: identifying…`, 'dim')];
  // "version ?" only where a version was expected: a port that is not Talos has none.
  const talos = n.kind === 'maintenance' || n.kind === 'configured';
  const head = [rowLabel(row, port), stateText(n), n.talosVersion ?? (talos ? 'version ?' : ''), n.hostname ? `host ${n.hostname}` : ''].filter(Boolean).join('  ');
  out.push(line(head, 'accent'));
  if (row.movedFrom) out.push(line(`moved here from ${row.movedFrom} (same MAC)`, 'warn'));
  if (row.change === 'gone') out.push(line('not found by the last scan (data from before)', 'warn'));
  if (row.match.state === 'matched') {
    const e = row.match.entry;
    out.push(line(`inventory: ${row.match.names[0]}${e ? ` (${e.role}${e.address ? `, will be ${e.address}` : ''})` : ''} matched by ${row.match.by === 'order' ? 'COUNT ORDER (no MACs in the inventory): check before applying' : 'MAC'}`, row.match.by === 'order' ? 'warn' : 'ok'));
  } else if (row.match.state === 'ambiguous') {
    out.push(line(`inventory: AMBIGUOUS, could be ${row.match.names.join(' or ')}: fix the inventory MACs`, 'error'));
  } else if (row.match.state === 'unknown') {
    out.push(line('inventory: not in the inventory', 'warn'));
  }
  if (n.error) out.push(line(n.error, n.kind === 'maintenance' || n.kind === 'configured' ? 'warn' : 'dim'));
  if (n.certFingerprint) out.push(line(`cert fingerprint ${n.certFingerprint}`, 'dim'));
  if (n.links.length > 0) {
    out.push(line(`${fitPad('LINK', 8)} ${fitPad('MAC', 17)} ${fitPad('STATE', 5)} ${fitPad('DRIVER', 11)} ${fitPad('BOND', 6)} PRODUCT`, 'dim'));
    for (const l of n.links) {
      const kind = l.kind ? `(${l.kind})` : '';
      out.push(line(`${fitPad(l.name, 8)} ${fitPad(l.mac ?? '-', 17)} ${fitPad(l.up ? 'up' : 'down', 5)} ${fitPad(l.driver || kind || '-', 11)} ${fitPad(l.bondMaster ?? '', 6)} ${l.product}`));
    }
  }
  if (n.disks.length > 0) {
    out.push(line(`${fitPad('DISK', 8)} ${fitPad('SIZE', 7)} ${fitPad('TYPE', 5)} MODEL`, 'dim'));
    for (const d of n.disks) out.push(line(`${fitPad(d.name, 8)} ${fitPad(formatBytes(d.size), 7)} ${fitPad(d.type, 5)} ${d.model}${d.serial ? `  ${d.serial}` : ''}`));
  } else if (n.kind === 'maintenance' || n.kind === 'configured') {
    out.push(line(`disks: ${disksText(n.disks) || 'none read'}`, 'dim'));
  }
  return out;
}
