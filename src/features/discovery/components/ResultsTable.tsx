// The rows of discovered ports in the one table widget (ui/Table), windowed around the selection so
// the table never grows past its height (80x24 leaves about a dozen rows). Discovery's own parts: its
// column widths (tableColumns), the marker saying how a row changed since the last scan, and a window
// that moves only when the selection leaves it (rows are inserted above it during a scan).
import { Box } from 'ink';
import { Table } from '../../../ui/Table.js';
import type { DiscoveryRow } from '../source.js';
import { rowCells, rowMarker, tableColumns, tableColumnsFor } from '../view-model.js';

export interface ResultsTableProps {
  rows: readonly DiscoveryRow[];
  selected: number;
  /** First row shown (kept by the pane so the window moves only when the selection leaves it). */
  offset: number;
  width: number;
  height: number;
  port: number;
}

export function ResultsTable({ rows, selected, offset, width, height, port }: ResultsTableProps) {
  const wide = rows.some((r) => r.port !== port);
  const cols = tableColumns(width, wide ? 21 : 15);
  const byKey = new Map(rows.map((r) => [r.key, r]));
  return (
    <Box flexDirection="column" height={height}>
      <Table
        columns={tableColumnsFor(cols)}
        rows={rows.map((r, i) => rowCells(r, cols, i === selected, port))}
        cursor={selected}
        width={width}
        height={height}
        offset={offset}
        marker={(row, isSelected) => rowMarker(byKey.get(row.key)!, isSelected)}
        highlight="none"
      />
    </Box>
  );
}
