// THE table widget (Status's tables, Discovery's results): a header row and as many rows as fit in
// `height`, scrolled so the cursor row stays visible. The cursor row carries a marker (">" by default,
// so it shows without colour too).
import { Box, Text } from 'ink';
import { colorEnabled } from './theme.js';
import { fitPad } from './text.js';
import { toneProps } from './shell/tones.js';
import { bodyRowCount, layoutColumns, MARKER_WIDTH, rowSegments, windowStart, type Cell, type Column, type TableRow } from './table-layout.js';

export interface TableProps {
  columns: readonly Column[];
  rows: readonly TableRow[];
  /** Row index with the cursor, or -1 for none. */
  cursor: number;
  width: number;
  /** Rows available including the header. */
  height: number;
  /** Shown under the header when there are no rows. */
  empty?: string;
  /**
   * The window's previous first row, kept by a pane whose window should move only when the cursor
   * leaves it (Discovery: rows inserted during a scan must not make it jump). Default: the top.
   */
  offset?: number;
  /** The two-column marker in front of a row (default "> " on the cursor row). */
  marker?: (row: TableRow, selected: boolean) => Cell;
  /** How the cursor row stands out besides its marker (default: inverse video when colours are on). */
  highlight?: 'inverse' | 'none';
}

const defaultMarker = (_row: TableRow, selected: boolean): Cell => ({ text: selected ? '> ' : '  ' });

export function Table({ columns, rows, cursor, width, height, empty, offset, marker = defaultMarker, highlight = 'inverse' }: TableProps) {
  const layout = layoutColumns(columns, width);
  // A header cut to its column ends in "…", as cells do.
  const header = layout.map((l, i) => fitPad(columns[l.index]!.header, l.width) + (i === layout.length - 1 ? '' : ' ')).join('');
  // Rows that do not fit are never hidden silently: the last row says how many are above and below.
  const room = Math.max(0, height - 1);
  const bodyHeight = bodyRowCount(rows.length, height);
  const start = windowStart(rows.length, cursor, bodyHeight, offset);
  const visible = rows.slice(start, start + bodyHeight);
  const more = moreMarker(start, visible.length, rows.length);
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate" {...toneProps('dim')}>
        {' '.repeat(MARKER_WIDTH) + header}
      </Text>
      {rows.length === 0 && empty ? (
        <Text wrap="truncate" {...toneProps('dim')}>
          {' '.repeat(MARKER_WIDTH) + empty}
        </Text>
      ) : null}
      {visible.map((row, i) => {
        const selected = start + i === cursor;
        const mark = marker(row, selected);
        return (
          <Text key={row.key} wrap="truncate" inverse={selected && highlight === 'inverse' && colorEnabled}>
            <Text {...toneProps(mark.tone ?? 'plain')}>{mark.text}</Text>
            {rowSegments(row.cells, layout).map((s, j) => (
              <Text key={j} {...toneProps(s.tone)}>
                {s.text}
              </Text>
            ))}
          </Text>
        );
      })}
      {more && bodyHeight < room ? (
        <Text wrap="truncate" {...toneProps('dim')}>
          {' '.repeat(MARKER_WIDTH) + more}
        </Text>
      ) : null}
    </Box>
  );
}

/** "↑ 2 above · ↓ 3 more (12 rows)" when some rows are out of view, else null. */
export function moreMarker(start: number, shown: number, total: number): string | null {
  const below = total - start - shown;
  if (start <= 0 && below <= 0) return null;
  return [start > 0 ? `↑ ${start} above` : '', below > 0 ? `↓ ${below} more` : ''].filter((s) => s !== '').join(' · ') + ` (${total} rows)`;
}
