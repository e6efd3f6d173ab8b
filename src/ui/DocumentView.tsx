// The layout the Apply and META panes share: two heading lines, a status message of up to two rows,
// and a titled body of text lines that scrolls, each line in a tone of its own. Fields and prompts
// go below it as children.
import { Box, Text } from 'ink';
import type { Dispatch, ReactNode, SetStateAction } from 'react';
import type { Action } from './pane-types.js';
import { toneProps } from './shell/tones.js';
import { DiffView } from './DiffView.js';
import type { MessageTone } from '../core/tone.js';
import { fit, fitOrPointToLog } from './text.js';
import { statusLines } from './shell/status-lines.js';

/** The note in two rows; a longer one ends with a pointer to `:messages`, where it is kept whole. */
export function noteRows(text: string, w: number): string[] {
  const rows = statusLines(text, w, Number.MAX_SAFE_INTEGER);
  if (rows.length <= 2) return rows;
  return [rows[0]!, fitOrPointToLog(rows.slice(1).join(' '), w)];
}


export interface Note {
  text: string;
  tone: MessageTone;
}

const TONE: Record<MessageTone, 'plain' | 'ok' | 'warn' | 'error'> = { info: 'plain', ok: 'ok', warn: 'warn', error: 'error' };

export interface DocumentViewProps {
  width: number;
  height: number;
  /** First heading line, in the accent colour. */
  heading: string;
  subheading: string;
  status: Note | null;
  /** Title of the body; the visible range is appended when the body scrolls. */
  title: string;
  lines: readonly string[];
  /** First body line shown (already clamped by the pane, which owns the scroll keys). */
  top: number;
  bodyRows: number;
  lineTone?: (line: string) => MessageTone | undefined;
  /** The body is a unified diff: drawn by the shared DiffView (hunk headers, - red, + green). */
  diff?: boolean;
  children?: ReactNode;
}

export function DocumentView(p: DocumentViewProps) {
  const w = Math.max(10, p.width - 2);
  const shown = p.lines.slice(p.top, p.top + p.bodyRows);
  const range = p.lines.length > p.bodyRows ? ` · ${p.top + 1}-${p.top + shown.length}/${p.lines.length}` : '';
  return (
    <Box flexDirection="column" width={p.width} height={p.height} paddingX={1}>
      <Text wrap="truncate" {...toneProps('accent')}>
        {fit(p.heading, w)}
      </Text>
      <Text wrap="truncate">{fit(p.subheading, w)}</Text>
      <Box height={2} flexDirection="column" overflow="hidden">
        {noteRows(p.status?.text ?? ' ', w).map((row, i) => (
          <Text key={i} wrap="truncate" {...toneProps(p.status ? TONE[p.status.tone] : 'plain')}>
            {row}
          </Text>
        ))}
      </Box>
      <Text wrap="truncate" {...toneProps('dim')}>
        {fit(`── ${p.title}${range} ──`, w)}
      </Text>
      {p.diff ? (
        <DiffView lines={p.lines} top={p.top} rows={p.bodyRows} width={w} otherTone={(line) => { const t = p.lineTone?.(line); return t ? TONE[t] : undefined; }} />
      ) : (
      <Box flexDirection="column" height={p.bodyRows} overflow="hidden">
        {shown.map((line, i) => {
          const tone = p.lineTone?.(line);
          return (
            <Text key={i} wrap="truncate" {...toneProps(tone ? TONE[tone] : 'plain')}>
              {fit(line === '' ? ' ' : line, w)}
            </Text>
          );
        })}
      </Box>
      )}
      {p.children}
    </Box>
  );
}

/**
 * The body's scroll position clamped to its content, and the hidden keys that move it (arrows, pages,
 * Home/End), for a pane that keeps `scroll` in its own state and resets it when the body changes.
 */
export function documentScroll(
  scroll: number,
  setScroll: Dispatch<SetStateAction<number>>,
  lineCount: number,
  bodyRows: number,
): { top: number; actions: Action[] } {
  const maxScroll = Math.max(0, lineCount - bodyRows);
  const scrollBy = (n: number) => setScroll((s) => Math.max(0, Math.min(Math.min(s, maxScroll) + n, maxScroll)));
  return {
    top: Math.min(scroll, maxScroll),
    actions: [
      { key: 'up', label: 'scroll', hidden: true, run: () => scrollBy(-1) },
      { key: 'down', label: 'scroll', hidden: true, run: () => scrollBy(1) },
      { key: 'pageup', label: 'page up', hidden: true, run: () => scrollBy(-bodyRows) },
      { key: 'pagedown', label: 'page down', hidden: true, run: () => scrollBy(bodyRows) },
      { key: 'home', label: 'top', hidden: true, run: () => setScroll(0) },
      { key: 'end', label: 'bottom', hidden: true, run: () => setScroll(maxScroll) },
    ],
  };
}
