// The rows of discovered ports, windowed around the selection so the table never grows past its
// height (80x24 leaves about a dozen rows).
import { Box } from 'ink';
import { Line } from '../../../ui/shell/Line.js';
import { moreMarker } from '../../../ui/Table.js';
import type { DiscoveryRow } from '../source.js';
import { headerSegments, rowSegments, tableColumns } from '../view-model.js';

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
  const body = visibleRowCount(rows.length, height);
  const shown = rows.slice(offset, offset + body);
  const more = moreMarker(offset, shown.length, rows.length);
  return (
    <Box flexDirection="column" height={height}>
      <Line segments={headerSegments(cols)} />
      {shown.map((row, i) => (
        <Line key={row.key} segments={rowSegments(row, cols, offset + i === selected, port)} />
      ))}
      {more ? <Line segments={[{ text: `  ${more}`, tone: 'dim' }]} /> : null}
    </Box>
  );
}

/** Rows shown under the header in `height` rows: one fewer when they do not all fit (the "more" row). */
export function visibleRowCount(total: number, height: number): number {
  const room = Math.max(0, height - 1);
  return total > room && room >= 2 ? room - 1 : room;
}

/** Offset that keeps `selected` visible in a window of `rows` lines, moving as little as possible. */
export function windowOffset(previous: number, selected: number, rows: number, total: number): number {
  if (rows <= 0) return 0;
  let offset = Math.min(previous, Math.max(0, total - rows));
  if (selected < offset) offset = selected;
  if (selected >= offset + rows) offset = selected - rows + 1;
  return Math.max(0, offset);
}
