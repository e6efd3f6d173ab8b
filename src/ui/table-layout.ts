// Column widths and row windows for the tables (ui/Table: Status, Discovery), as pure functions: every row is
// computed to fit the pane's width exactly, so an 80-column terminal never wraps a row.
import type { Tone } from './shell/header-model.js';
import { fitPad } from './text.js';

export interface Column {
  header: string;
  /** Fixed width; with `grow`, the minimum width. */
  width: number;
  /** Share of the leftover columns (0 = fixed). */
  grow?: number;
  /** Drop the column when the table is narrower than this (least important columns first). */
  hideBelow?: number;
}

export interface Cell {
  text: string;
  tone?: Tone;
}

export interface TableRow {
  key: string;
  cells: readonly (string | Cell)[];
}

/** Width of the cursor marker column ("> ") in front of every row. */
export const MARKER_WIDTH = 2;
const GAP = 1;

/** The columns that fit `width` (after hideBelow), with grown widths; `index` maps back to the input. */
export function layoutColumns(columns: readonly Column[], width: number): { index: number; width: number }[] {
  const shown = columns.map((c, index) => ({ c, index })).filter(({ c }) => c.hideBelow === undefined || width >= c.hideBelow);
  const fixed = shown.reduce((sum, { c }) => sum + c.width, 0) + GAP * Math.max(0, shown.length - 1) + MARKER_WIDTH;
  let spare = Math.max(0, width - fixed);
  const growTotal = shown.reduce((sum, { c }) => sum + (c.grow ?? 0), 0);
  const out = shown.map(({ c, index }) => ({ index, width: c.width }));
  if (growTotal > 0) {
    let given = 0;
    shown.forEach(({ c }, i) => {
      const extra = Math.floor((spare * (c.grow ?? 0)) / growTotal);
      out[i]!.width += extra;
      given += extra;
    });
    // Rounding leftovers go to the last growing column so rows end flush.
    const last = [...shown.keys()].reverse().find((i) => (shown[i]!.c.grow ?? 0) > 0);
    if (last !== undefined) out[last]!.width += spare - given;
    spare = 0;
  }
  return out;
}

export function cellOf(cell: string | Cell | undefined): Cell {
  if (cell === undefined) return { text: '' };
  return typeof cell === 'string' ? { text: cell } : cell;
}

/** Segments of one row laid out in the given columns (each cell fitted and padded). */
export function rowSegments(cells: readonly (string | Cell)[], layout: readonly { index: number; width: number }[]): { text: string; tone: Tone }[] {
  return layout.map((col, i) => {
    const c = cellOf(cells[col.index]);
    const last = i === layout.length - 1;
    return { text: fitPad(c.text, col.width) + (last ? '' : ' '.repeat(GAP)), tone: c.tone ?? 'plain' };
  });
}

/** Rows shown under the header in `height` rows: one fewer when they do not all fit (the "more" row). */
export function bodyRowCount(total: number, height: number): number {
  const room = Math.max(0, height - 1);
  return total > room && room >= 2 ? room - 1 : room;
}

/** First row to show so that `cursor` is visible in `height` rows, keeping it away from the edges when possible. */
export function windowStart(total: number, cursor: number, height: number, previous = 0): number {
  if (height <= 0 || total <= height) return 0;
  const c = Math.max(0, Math.min(total - 1, cursor));
  let start = Math.max(0, Math.min(previous, total - height));
  if (c < start) start = c;
  else if (c >= start + height) start = c - height + 1;
  return start;
}
