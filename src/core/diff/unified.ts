// Unified diffs, as `diff -u` and Talos's own config diff (pkg/machinery/textdiff) print them: a
// `--- a` / `+++ b` header, then hunks `@@ -from,count +to,count @@` holding a few lines of context
// around each change, removed lines (`-`) before added ones (`+`). Pure: texts in, lines out. Used by
// the Apply dry run (the simulator's reply), the META diff and the Provision plan.
import { lineDiff, type DiffLine } from '../meta/diff.js';

export type { DiffLine };

export interface Hunk {
  /** 1-based first line of the hunk in `from` / `to` (the line before it when its count is 0). */
  fromStart: number;
  fromCount: number;
  toStart: number;
  toCount: number;
  lines: DiffLine[];
}

/** Lines of context kept around each change (diff -u's default, and Talos's). */
export const DEFAULT_CONTEXT = 3;

/** The changes from `from` to `to` as hunks; [] when the texts have the same lines. */
export function unifiedHunks(from: string, to: string, context = DEFAULT_CONTEXT): Hunk[] {
  const all = lineDiff(from, to);
  const changed = all.map((d, i) => (d.op === ' ' ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return [];
  // Group changes whose context would touch or overlap into one hunk.
  const groups: [number, number][] = [];
  for (const i of changed) {
    const last = groups[groups.length - 1];
    if (last && i - last[1] <= 2 * context + 1) last[1] = i;
    else groups.push([i, i]);
  }
  // Line numbers in `from` and `to` at each diff index.
  const fromAt: number[] = [];
  const toAt: number[] = [];
  let f = 1;
  let t = 1;
  for (const d of all) {
    fromAt.push(f);
    toAt.push(t);
    if (d.op !== '+') f++;
    if (d.op !== '-') t++;
  }
  return groups.map(([first, last]) => {
    const start = Math.max(0, first - context);
    const end = Math.min(all.length - 1, last + context);
    const lines = all.slice(start, end + 1);
    const fromCount = lines.filter((d) => d.op !== '+').length;
    const toCount = lines.filter((d) => d.op !== '-').length;
    const fromStart = fromAt[start]!;
    const toStart = toAt[start]!;
    return { fromStart: fromCount === 0 ? fromStart - 1 : fromStart, fromCount, toStart: toCount === 0 ? toStart - 1 : toStart, toCount, lines };
  });
}

/** A hunk's header line: `@@ -3,7 +3,8 @@`. */
export function hunkHeader(h: Hunk): string {
  return `@@ -${h.fromStart},${h.fromCount} +${h.toStart},${h.toCount} @@`;
}

/** The unified diff as lines (no trailing newline); [] when nothing changed. */
export function unifiedDiff(from: string, to: string, opts: { fromName?: string; toName?: string; context?: number } = {}): string[] {
  const hunks = unifiedHunks(from, to, opts.context ?? DEFAULT_CONTEXT);
  if (hunks.length === 0) return [];
  const out = [`--- ${opts.fromName ?? 'a'}`, `+++ ${opts.toName ?? 'b'}`];
  for (const h of hunks) out.push(hunkHeader(h), ...h.lines.map((d) => `${d.op}${d.text}`));
  return out;
}

/** How many lines a unified diff removes and adds (headers are not counted). */
export function diffStat(lines: readonly string[]): { removed: number; added: number } {
  let removed = 0;
  let added = 0;
  for (const l of lines) {
    if (l.startsWith('---') || l.startsWith('+++')) continue;
    if (l.startsWith('-')) removed++;
    else if (l.startsWith('+')) added++;
  }
  return { removed, added };
}
