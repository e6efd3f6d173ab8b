// The Logs pane's two status rows as pure data (tested at 80 columns without rendering):
// - top: which streams are open and how each one is doing (live, gap, rebooting, denied...);
// - bottom: following or "PAUSED · N new lines", the filter, and the display toggles.
// Meaning never depends on colour alone: every state is a word (NO_COLOR shows the same).
import type { LogViewSnapshot } from '../../core/logs/log-model.js';
import type { Segment, Tone } from '../../ui/shell/header-model.js';
import { displayWidth, fit } from '../../ui/text.js';
import type { StreamInfo, StreamState } from './source.js';

const STATE_TONE: Record<StreamState, Tone> = {
  connecting: 'dim',
  queued: 'warn',
  live: 'ok',
  gap: 'warn',
  rebooting: 'warn',
  denied: 'error',
  failed: 'error',
  ended: 'dim',
};

const ORDER: StreamState[] = ['live', 'connecting', 'queued', 'gap', 'rebooting', 'denied', 'failed', 'ended'];

function width(segments: readonly Segment[]): number {
  return segments.reduce((w, s) => w + displayWidth(s.text), 0);
}

/** Cuts segments to `max` columns (the last one shown ends in …). */
export function fitSegments(segments: readonly Segment[], max: number): Segment[] {
  const out: Segment[] = [];
  let room = max;
  for (const s of segments) {
    if (room <= 0) break;
    const w = displayWidth(s.text);
    if (w <= room) {
      out.push(s);
      room -= w;
    } else {
      out.push({ text: fit(s.text, room), tone: s.tone });
      break;
    }
  }
  return out;
}

/** "kubelet: 10.0.0.11 live · 10.0.0.12 rebooting", or counts when that does not fit. */
export function sourcesLine(streams: readonly StreamInfo[], max: number): Segment[] {
  if (streams.length === 0) return [{ text: 'no log open: p picks one', tone: 'dim' }];
  const labels = [...new Set(streams.map((s) => s.label))];
  const one = labels.length === 1;
  const detailed: Segment[] = one ? [{ text: `${labels[0]}: `, tone: 'accent' }] : [];
  streams.forEach((s, i) => {
    if (i > 0) detailed.push({ text: ' · ', tone: 'dim' });
    detailed.push({ text: one ? `${s.node} ` : `${s.node}/${s.label} `, tone: 'plain' }, { text: s.state, tone: STATE_TONE[s.state] });
  });
  if (width(detailed) <= max) return detailed;

  // Too many for one row: the logs, then how many streams are in each state.
  const counts: Segment[] = [{ text: `${labels.join(', ')} on ${new Set(streams.map((s) => s.node)).size} nodes: `, tone: 'accent' }];
  let first = true;
  for (const state of ORDER) {
    const n = streams.filter((s) => s.state === state).length;
    if (n === 0) continue;
    if (!first) counts.push({ text: ', ', tone: 'dim' });
    counts.push({ text: `${n} ${state}`, tone: STATE_TONE[state] });
    first = false;
  }
  // Keep the counts whole: cut the label list instead.
  const tail = counts.slice(1);
  const room = max - width(tail);
  if (room >= 8) return [{ text: fit(counts[0]!.text, room), tone: 'accent' }, ...tail];
  return fitSegments(tail, max);
}

/** The problem of one stream worth a status-bar line (denied, failed), if any. */
export function streamProblem(streams: readonly StreamInfo[]): StreamInfo | undefined {
  return streams.find((s) => s.state === 'denied' || s.state === 'failed');
}

/** "FOLLOWING │ filter "err" │ wrap off · ts on · tail 100 · 1,234 lines" ("81 of 1,234 lines" with a filter). */
export function modeLine(view: LogViewSnapshot, max: number): Segment[] {
  const left: Segment[] = view.following
    ? [{ text: 'FOLLOWING', tone: 'ok' }]
    : [{ text: 'PAUSED', tone: 'warn' }, { text: ` · ${view.newLines.toLocaleString('en')} new line${view.newLines === 1 ? '' : 's'}`, tone: view.newLines > 0 ? 'warn' : 'dim' }];
  const filter: Segment[] = [];
  if (view.filterError) filter.push({ text: ' │ ', tone: 'dim' }, { text: `filter error: ${view.filterError}`, tone: 'error' });
  else if (view.filterDescription) filter.push({ text: ' │ ', tone: 'dim' }, { text: `filter ${view.filterDescription}`, tone: 'accent' });
  const tail = view.tailLines < 0 ? 'all' : String(view.tailLines);
  const toggles = `wrap ${view.wrap ? 'on' : 'off'} · ts ${view.timestamps ? 'on' : 'off'}`;
  // With a filter on, how many of the buffered lines it lets through: "81 of 5,000 lines".
  const total = `${view.buffered.toLocaleString('en')} line${view.buffered === 1 ? '' : 's'}`;
  const count = view.filterDescription !== '' ? `${view.shown.toLocaleString('en')} of ${total}` : total;
  // The longest right-hand part that fits: the toggles matter more than the tail and the count.
  for (const right of [`${toggles} · tail ${tail} · ${count}`, `${toggles} · ${count}`, toggles]) {
    const all = [...left, ...filter, { text: ' │ ', tone: 'dim' as const }, { text: right, tone: 'dim' as const }];
    if (width(all) <= max) return all;
  }
  return fitSegments([...left, ...filter], max);
}
