// Fitting text into terminal columns. The shell computes every line itself (rather than letting Ink
// wrap) so that an 80-column terminal never gets a second, wrapped line pushing the layout down.
import { displayWidth, truncateColumns } from '../core/logs/text-width.js';

export { displayWidth };

/** `text` cut to `width` columns, ending in … when something was cut. */
export function fit(text: string, width: number): string {
  const w = Math.max(0, Math.floor(width));
  if (displayWidth(text) <= w) return text;
  if (w === 0) return '';
  return truncateColumns(text, w - 1) + '…';
}

/** `text` when it fits; else cut, ending with a pointer to the `:messages` log, which keeps it whole. */
export function fitOrPointToLog(text: string, width: number): string {
  const w = Math.max(0, Math.floor(width));
  if (displayWidth(text) <= w) return text;
  const pointer = ' (:messages)';
  return w > pointer.length + 10 ? fit(text, w - pointer.length) + pointer : fit(text, w);
}

/** `text` fitted and padded with spaces to exactly `width` columns. */
export function fitPad(text: string, width: number): string {
  const cut = fit(text, width);
  return cut + ' '.repeat(Math.max(0, Math.floor(width) - displayWidth(cut)));
}

/** The words of `text` in lines of at most `width` columns (a word longer than a line is cut with …). */
export function wrapWords(text: string, width: number): string[] {
  const w = Math.max(1, Math.floor(width));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((x) => x !== '')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (displayWidth(candidate) <= w) line = candidate;
    else {
      if (line !== '') lines.push(line);
      line = fit(word, w);
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/** An error's message on one line (Talos validation errors span several), for a pane's note. */
export function errorLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ').trim();
}
