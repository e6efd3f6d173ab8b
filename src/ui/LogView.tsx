// The windowed log view: draws exactly the rows LogModel.visibleLines computed for this size,
// so however many lines are buffered, only `height` rows are React elements. Rows arrive
// already cut to the width; `wrap="truncate"` is only a safety net against a width mismatch.
import { Box, Text } from 'ink';
import { memo } from 'react';
import { sameRow, type LogRow } from '../core/logs/log-model.js';
import { nodeColor, rowTextProps } from './log-colors.js';
import { colorEnabled } from './theme.js';

export interface LogRowSource {
  visibleLines(height: number, width: number): LogRow[];
}

export interface LogViewProps {
  /** Rows from a published snapshot (preferred: the throttled store already computed them). */
  rows?: readonly LogRow[];
  /** Or a model to ask for the rows of this size during render. */
  model?: LogRowSource;
  height: number;
  width: number;
  /** Default: the theme's colorEnabled (NO_COLOR turns every escape off). */
  color?: boolean;
  /** Shown when there is nothing to draw, e.g. "no lines match the filter". */
  emptyText?: string;
}

export function LogView({ rows, model, height, width, color = colorEnabled, emptyText = 'no log lines yet' }: LogViewProps) {
  const h = Math.max(1, Math.floor(height));
  const drawn = (rows ?? model?.visibleLines(h, width) ?? []).slice(-h);
  return (
    // No overflow="hidden": rows are already at most `h` and fitted to the width, and Ink's clipping
    // re-slices every written line with slice-ansi on every frame (a tenth of a frame's cost).
    <Box flexDirection="column" height={h} width={width}>
      {drawn.length === 0 ? (
        <Text dimColor={color} wrap="truncate">
          {emptyText}
        </Text>
      ) : (
        drawn.map((row) => <LogLine key={row.key} row={row} color={color} />)
      )}
    </Box>
  );
}

const LogLine = memo(
  function LogLine({ row, color }: { row: LogRow; color: boolean }) {
    return (
      <Text wrap="truncate">
        {row.prefix !== '' && <Text color={color ? nodeColor(row.node) : undefined}>{row.prefix}</Text>}
        <Text {...rowTextProps(row, color)}>{row.text === '' && row.prefix === '' ? ' ' : row.text}</Text>
      </Text>
    );
  },
  // Snapshots rebuild row objects; compare content so unchanged rows skip re-rendering.
  (a, b) => a.color === b.color && sameRow(a.row, b.row),
);
