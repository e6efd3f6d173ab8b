// The ? overlay: every global key and every key of the active pane, with help text, scrollable.
import { Box } from 'ink';
import type { HelpLine } from './hints.js';
import { Line } from './Line.js';

export function HelpOverlay(props: { lines: readonly HelpLine[]; scroll: number; height: number; width: number }) {
  const { lines, height } = props;
  const more = lines.length > height;
  // When the list does not fit, the last row says how to see the rest.
  const rows = more ? height - 1 : height;
  const visible = lines.slice(props.scroll, props.scroll + rows);
  return (
    <Box flexDirection="column" width={props.width} height={height}>
      {visible.map((l, i) => (
        <Line key={i} segments={[{ text: l.text, tone: l.tone }]} />
      ))}
      {more ? (
        <Line segments={[{ text: `  -- ${props.scroll + visible.length}/${lines.length} lines, <up>/<down> to scroll --`, tone: 'dim' }]} />
      ) : null}
    </Box>
  );
}

/** The furthest the overlay can scroll. */
export function maxHelpScroll(lineCount: number, height: number): number {
  return lineCount > height ? lineCount - (height - 1) : 0;
}
