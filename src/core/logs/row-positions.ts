// Row arithmetic over the filtered entry list: a position is an entry index plus a wrapped row
// inside that entry, so moving by N rows has to walk entries and ask the layout how many rows each
// one takes at the current width.

import type { RowLayout, LogRow } from './row-layout.js';
import type { EntryList } from './ring-buffer.js';

/** A row position in the drawn list: entry index + wrapped row inside the entry. */
export interface RowPos {
  idx: number;
  row: number;
}

/** Walks the rows of one list, laid out at one width. Cheap: make one per operation. */
export class RowWalker {
  constructor(
    readonly list: EntryList,
    private readonly layout: RowLayout,
    private readonly width: number,
  ) {}

  first(): RowPos | null {
    const idx = this.list.liveAtOrAfter(0);
    return idx < 0 ? null : { idx, row: 0 };
  }

  last(): RowPos | null {
    const idx = this.list.liveAtOrBefore(this.list.rawLength - 1);
    return idx < 0 ? null : { idx, row: this.rowCount(idx) - 1 };
  }

  rowCount(idx: number): number {
    return this.layout.rowCount(this.list.at(idx)!, this.width);
  }

  /** Moves by `delta` rows (negative = up), stopping at the first/last row. */
  move(pos: RowPos, delta: number): RowPos {
    const list = this.list;
    let { idx, row } = pos;
    row += delta;
    while (row < 0) {
      const prev = list.liveAtOrBefore(idx - 1);
      if (prev < 0) return { idx, row: 0 };
      idx = prev;
      row += this.rowCount(idx);
    }
    for (;;) {
      const count = this.rowCount(idx);
      if (row < count) return { idx, row };
      const next = list.liveAtOrAfter(idx + 1);
      if (next < 0) return { idx, row: count - 1 };
      row -= count;
      idx = next;
    }
  }

  /** A bottom row no higher than where the first line sits on the top row of a `height` view. */
  clampToTop(pos: RowPos, height: number): RowPos {
    const lowest = this.move(this.first()!, height - 1);
    return pos.idx < lowest.idx || (pos.idx === lowest.idx && pos.row < lowest.row) ? lowest : pos;
  }

  /** Up to `height` rows ending at `bottom`, top first (fewer when the list runs out above). */
  rowsEndingAt(bottom: RowPos, height: number): LogRow[] {
    const reversed: LogRow[] = [];
    let idx = bottom.idx;
    let rowLimit = bottom.row;
    while (idx >= 0 && reversed.length < height) {
      const rows = this.layout.entryRows(this.list.at(idx)!, this.width);
      for (let r = Math.min(rowLimit, rows.length - 1); r >= 0 && reversed.length < height; r--) reversed.push(rows[r]!);
      idx = this.list.liveAtOrBefore(idx - 1);
      rowLimit = Number.MAX_SAFE_INTEGER;
    }
    return reversed.reverse();
  }

  /** Up to `height` rows from the first row down. */
  rowsFromTop(height: number): LogRow[] {
    const out: LogRow[] = [];
    let idx = this.list.liveAtOrAfter(0);
    while (idx >= 0 && out.length < height) {
      for (const row of this.layout.entryRows(this.list.at(idx)!, this.width)) {
        if (out.length === height) break;
        out.push(row);
      }
      idx = this.list.liveAtOrAfter(idx + 1);
    }
    return out;
  }
}
