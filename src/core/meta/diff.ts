// A small line diff (LCS) for the META pane: the node's stored document against the file's canonical
// render. Pure: two texts in, lines out, each prefixed "  " (same), "- " (only in `from`), "+ " (only in `to`).

export interface DiffLine {
  op: ' ' | '-' | '+';
  text: string;
}

const splitLines = (s: string): string[] => (s === '' ? [] : s.replace(/\n$/, '').split('\n'));

/** Line diff of `from` -> `to` (longest common subsequence; deletions before insertions at a change). */
export function lineDiff(from: string, to: string): DiffLine[] {
  const a = splitLines(from);
  const b = splitLines(to);
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = LCS length of a[i..] and b[j..]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', text: a[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ op: '-', text: a[i++]! });
    else out.push({ op: '+', text: b[j++]! });
  }
  while (i < n) out.push({ op: '-', text: a[i++]! });
  while (j < m) out.push({ op: '+', text: b[j++]! });
  return out;
}

/** True when the diff has any change. */
export function hasChanges(diff: readonly DiffLine[]): boolean {
  return diff.some((d) => d.op !== ' ');
}

/** The diff as text lines ("- old", "+ new", "  same"). */
export function formatDiff(diff: readonly DiffLine[]): string[] {
  return diff.map((d) => `${d.op} ${d.text}`);
}
