// The status row's text, wrapped: a long sentence (a talosconfig problem naming its file and
// context, the talosctl line `c` copied) is read whole at 80 columns instead of being cut. Pure.
import { displayWidth, fit } from '../text.js';
import { truncateColumns } from '../../core/logs/text-width.js';

/** At most this many rows; the pane gives up the extra ones while the message is shown. */
export const MAX_STATUS_ROWS = 3;

/** A word wider than the row is split at the row's width (a fingerprint, a long path). */
function splitLong(word: string, width: number): string[] {
  const out: string[] = [];
  let rest = word;
  while (displayWidth(rest) > width) {
    const head = truncateColumns(rest, width);
    if (head === '') break;
    out.push(head);
    rest = rest.slice(head.length);
  }
  out.push(rest);
  return out;
}

/** `text` in rows of at most `width` columns, words kept whole where they fit; the last row ends in … when more did not fit. */
export function statusLines(text: string, width: number, maxRows = MAX_STATUS_ROWS): string[] {
  const w = Math.max(1, Math.floor(width));
  if (displayWidth(text) <= w) return [text];
  const rows: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((x) => x !== '').flatMap((x) => splitLong(x, w))) {
    const next = line === '' ? word : `${line} ${word}`;
    if (displayWidth(next) <= w) line = next;
    else {
      rows.push(line);
      line = word;
    }
  }
  if (line !== '') rows.push(line);
  if (rows.length <= maxRows) return rows;
  const kept = rows.slice(0, maxRows);
  kept[maxRows - 1] = fit(`${kept[maxRows - 1]} ${rows[maxRows]}`, w);
  if (!kept[maxRows - 1]!.endsWith('…')) kept[maxRows - 1] = fit(`${kept[maxRows - 1]}…`, w);
  return kept;
}
