// A fixed-width table: a header row and as many rows as fit in `height`, scrolled so the cursor
// row stays visible. The cursor row carries a ">" marker (so it shows without colour too).
import { Box, Text } from 'ink';
import { colorEnabled } from './theme.js';
import { toneProps } from './shell/tones.js';
import { layoutColumns, MARKER_WIDTH, rowSegments, windowStart, type Column, type TableRow } from './table-layout.js';

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
}

export function Table({ columns, rows, cursor, width, height, empty }: TableProps) {
  const layout = layoutColumns(columns, width);
  const header = layout.map((l, i) => columns[l.index]!.header.padEnd(l.width).slice(0, l.width) + (i === layout.length - 1 ? '' : ' ')).join('');
  // Rows that do not fit are never hidden silently: the last row says how many are above and below.
  const room = Math.max(0, height - 1);
  const bodyHeight = rows.length > room && room >= 2 ? room - 1 : room;
  const start = windowStart(rows.length, cursor, bodyHeight);
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
        return (
          <Text key={row.key} wrap="truncate" inverse={selected && colorEnabled}>
            {selected ? '> ' : '  '}
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
