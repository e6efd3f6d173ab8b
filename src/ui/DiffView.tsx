// The one unified-diff view of the console (Apply's dry run, META's diff, the Provision plan): file
// headers dim, hunk headers `@@ … @@` in the accent colour, removed lines red, added green, context
// plain; every row cut to the width, so a long line never pushes the layout. Takes the lines of a
// unified diff (src/core/diff/unified.ts, or the text Talos itself replies with).
import { Box, Text } from 'ink';
import { toneProps } from './shell/tones.js';
import type { Tone } from './shell/header-model.js';
import { fit } from './text.js';

/** The tone of one line of a unified diff; undefined for a line that is not part of one. */
export function diffLineTone(line: string): Tone | undefined {
  if (line.startsWith('+++ ') || line.startsWith('--- ')) return 'dim';
  if (line.startsWith('@@')) return 'accent';
  if (line.startsWith('+')) return 'ok';
  if (line.startsWith('-')) return 'error';
  return undefined;
}

export interface DiffViewProps {
  lines: readonly string[];
  /** First line shown (the caller owns the scroll keys) and how many rows to fill. */
  top: number;
  rows: number;
  width: number;
  /** A line that is not part of the diff (Talos's "Dry run summary:" above it) takes this tone. */
  otherTone?: (line: string) => Tone | undefined;
}

export function DiffView(p: DiffViewProps) {
  const shown = p.lines.slice(p.top, p.top + p.rows);
  return (
    <Box flexDirection="column" height={p.rows} overflow="hidden">
      {shown.map((line, i) => (
        <Text key={i} wrap="truncate" {...toneProps(diffLineTone(line) ?? p.otherTone?.(line) ?? 'plain')}>
          {fit(line === '' ? ' ' : line, p.width)}
        </Text>
      ))}
    </Box>
  );
}
