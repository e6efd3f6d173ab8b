// The one table widget (src/ui/Table.tsx) with what Discovery needs of it: a window the pane keeps
// (it moves only when the cursor leaves it), a marker of the pane's own, no inverse video; and
// rows never wider than the table.
import { render, cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { Table } from '../../src/ui/Table.js';
import { displayWidth } from '../../src/ui/text.js';
import { strip } from '../helpers/ink.js';

afterEach(() => cleanup());

const rows = Array.from({ length: 10 }, (_, i) => ({ key: `r${i}`, cells: [`row${i}`, 'x'.repeat(40)] }));
const columns = [{ header: 'NAME', width: 6 }, { header: 'A-VERY-LONG-HEADER', width: 10 }];

describe('Table', () => {
  it('keeps the window the pane gives while the cursor is inside it', () => {
    const frame = (cursor: number, offset?: number) => strip(render(<Table columns={columns} rows={rows} cursor={cursor} width={30} height={5} offset={offset} />).lastFrame()!).split('\n');
    // Four rows of room: three rows and the "more" line. The cursor on row 4 with the window at 3.
    expect(frame(4, 3).slice(1, 4).map((l) => l.slice(2, 6))).toEqual(['row3', 'row4', 'row5']);
    // Without a window of its own, the cursor row is the last one shown.
    expect(frame(4).slice(1, 4).map((l) => l.slice(2, 6))).toEqual(['row2', 'row3', 'row4']);
    expect(frame(4, 3)[4]).toContain('↑ 3 above · ↓ 4 more');
  });

  it('draws the pane\'s own marker, cuts a long header with "…" and never exceeds its width', () => {
    const out = strip(render(<Table columns={columns} rows={rows} cursor={1} width={20} height={4} marker={(row, selected) => ({ text: selected ? `›${row.key.slice(1)}` : '  ' })} highlight="none" />).lastFrame()!);
    const lines = out.split('\n');
    expect(lines[0]).toBe('  NAME   A-VERY-LO…');
    expect(lines[2]!.startsWith('›1row1')).toBe(true);
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(20);
  });
});
