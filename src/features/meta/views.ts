// What the META pane shows, as text: the two heading lines, the status note and the body (the
// document's problems and canonical preview, or a reply, a diff, the boot-time route with its QR code
// when it fits). Pure, so it is tested without a terminal; index.tsx hands it to DocumentView.
import { errorsOf, formatProblem, META_ENV_VAR } from '../../core/meta/index.js';
import type { MessageTone } from '../../core/tone.js';
import type { Note } from '../../ui/DocumentView.js';
import { displayWidth, wrapWords } from '../../ui/text.js';
import { BOOT_ROUTE_TITLE, DEFAULT_META_FILE, errorCount, isValid, nodeOf, type MetaState, type Output } from './state.js';

/** Cut lines longer than `w` columns into pieces (base64 must stay whole to be copied). */
export function hardWrap(lines: readonly string[], w: number): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (line.length <= w) out.push(line);
    else for (let i = 0; i < line.length; i += w) out.push(line.slice(i, i + w));
  }
  return out;
}

/** Wrap a problem sentence at word boundaries (a word wider than the pane is cut), continuation lines indented. */
export function wrapProblem(line: string, w: number): string[] {
  if (line.length <= w) return [line];
  const inner = Math.max(1, w - 2);
  const words = line.split(/\s+/).filter((x) => x !== '').flatMap((word) => hardWrap([word], inner));
  const first = wrapWords(words.join(' '), w)[0]!;
  const firstWords = first.split(' ').length;
  const rest = words.slice(firstWords).join(' ');
  return rest === '' ? [first] : [first, ...wrapWords(rest, inner).map((l) => `  ${l}`)];
}

/** The document as read: its problems (wrapped to `w`) above its canonical render, or why there is none. */
export function docView(s: MetaState, shown: (file: string) => string, w: number): Output {
  const { file, doc } = s;
  if (!file || !doc) return { title: 'no file', lines: [`Press o to open a META document file (default ${DEFAULT_META_FILE}).`] };
  if (doc.kind === 'missing') return { title: `no such file: ${shown(file)}`, lines: ['The file does not exist: press t to write a commented template there.'] };
  if (doc.kind === 'unreadable') return { title: 'cannot read', lines: [doc.error], tone: 'error' };
  const p = doc.parsed;
  if (p.config === null) return { title: 'not a YAML mapping', lines: [`error: ${p.syntaxError ?? 'not a YAML mapping'}`], tone: 'error' };
  const lines = p.problems.flatMap((x) => wrapProblem(x.severity === 'error' ? `error: ${formatProblem(x)}` : formatProblem(x), w));
  if (lines.length > 0) lines.push('');
  lines.push(...doc.canonical.replace(/\n$/, '').split('\n'));
  const errors = errorCount(s);
  const warnings = p.problems.length - errorsOf(p.problems).length;
  return { title: `${errors > 0 ? `${errors} error(s)` : 'valid'}${warnings > 0 ? `, ${warnings} warning(s)` : ''} · canonical preview`, lines };
}

/**
 * The body's lines at `w` columns and `bodyRows` rows. The boot-time route: long lines (base64) are cut
 * into pieces to stay whole, and the QR code is shown only when it fits; otherwise one sentence says so
 * (the text above it is what matters).
 */
export function bodyLines(body: Output, w: number, bodyRows: number): string[] {
  if (body.title !== BOOT_ROUTE_TITLE) return body.lines;
  const qrAt = body.lines.indexOf('# QR code of the kernel argument:');
  const text = qrAt >= 0 ? body.lines.slice(0, qrAt) : body.lines;
  // The sentences before the variable (why nothing was written) wrap at words; the rest is cut to stay copyable.
  const envAt = text.findIndex((l) => l.startsWith(`${META_ENV_VAR}=`));
  const head = [...text.slice(0, Math.max(0, envAt)).flatMap((l) => wrapProblem(l, w)), ...hardWrap(text.slice(Math.max(0, envAt)), w)];
  if (qrAt < 0) return head;
  const qr = body.lines.slice(qrAt + 1);
  const qrWidth = Math.max(...qr.map((l) => displayWidth(l)));
  // The body scrolls, so the code only has to fit one screen of it (it comes after the text).
  if (qrWidth <= w && qr.length + 1 <= bodyRows) return [...head, body.lines[qrAt]!, ...qr];
  return [...wrapWords(`# the QR code of the kernel argument needs ${qr.length + 1} rows x ${qrWidth} columns, the pane shows ${bodyRows} x ${w}: enlarge the terminal to see it (the text below is the same)`, w), '', ...head];
}

/** "File ./net.yaml · valid" */
export function fileLine(s: MetaState, shown: (file: string) => string): string {
  const { file, doc } = s;
  const state = !file ? 'none (o opens one)' : !doc ? '…' : doc.kind === 'missing' ? 'missing (t writes a template)' : doc.kind === 'unreadable' ? 'unreadable' : isValid(s) ? 'valid' : 'INVALID';
  return `File ${file ? shown(file) : '-'} · ${state}`;
}

/** "Node 10.0.0.5 · configured, mTLS", or how to get a node. */
export function nodeLine(s: MetaState, hasSession: boolean, sessionProblem: string | null): string {
  const node = nodeOf(s);
  const conn = s.insecure ? 'maintenance, insecure' : hasSession ? 'configured, mTLS' : `no session: ${sessionProblem ?? 'loading…'}`;
  return node ? `Node ${node} · ${conn}` : 'Node: none. Press n to type one, or select one in Discovery (1).';
}

export const metaStatus = (s: MetaState): Note | null => (s.busy ? { text: s.busy, tone: 'info' } : s.note);

/** The tone of a body line: the output's own, else the preview's errors and warnings. */
export function lineTone(s: MetaState, body: Output, line: string): MessageTone | undefined {
  return body.tone ?? (s.output === null ? (line.startsWith('error: ') ? 'error' : line.startsWith('warning: ') ? 'warn' : undefined) : undefined);
}
