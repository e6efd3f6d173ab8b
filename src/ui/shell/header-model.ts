// What the header says, as pure data: tested at 80 columns without rendering.
import type { SessionInfo } from '../../talos/session-info.js';
import { displayWidth, fit } from '../text.js';

export type Tone = 'plain' | 'dim' | 'accent' | 'ok' | 'warn' | 'error' | 'badge';
export interface Segment {
  text: string;
  tone: Tone;
}

export interface HeaderInput {
  info: SessionInfo | null;
  selectedNodes: readonly string[];
  demo: boolean;
  /** Shown instead of the connection facts when there is no session ("no talosconfig found", "connecting…"). */
  note?: string;
  now: Date;
  width: number;
}

const DAY_MS = 86_400_000;
/** Below this many days the expiry turns red: time to renew the talosconfig. */
export const CERT_WARN_DAYS = 30;

export function certSegment(notAfter: Date | null | undefined, now: Date): Segment | null {
  if (!notAfter) return null;
  const days = Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
  if (days < 0) return { text: 'cert EXPIRED', tone: 'error' };
  return { text: `cert ${days}d`, tone: days < CERT_WARN_DAYS ? 'error' : 'ok' };
}

/**
 * The one sentence the console shows when the talosconfig loaded but its client certificate has
 * expired (every call would be refused): names the file and the context. null when it is valid.
 */
export function certificateProblem(
  ctx: { source: string; contextName: string; notAfter: Date | null | undefined },
  now: Date,
): string | null {
  if (!ctx.notAfter || ctx.notAfter.getTime() > now.getTime()) return null;
  const day = ctx.notAfter.toISOString().slice(0, 10);
  return `talosconfig ${ctx.source}, context "${ctx.contextName}": the client certificate expired on ${day}, so nodes will refuse every call; get a fresh talosconfig (talosctl config new)`;
}

/** "a,b,c" or, when that is too wide, "a +2". */
function nodesText(nodes: readonly string[], compact: boolean): string {
  if (nodes.length === 0) return 'nodes: endpoint';
  if (!compact || nodes.length === 1) return `nodes ${nodes.join(',')}`;
  return `nodes ${nodes[0]} +${nodes.length - 1}`;
}

/** The Talos port is the default everywhere: showing it only costs columns. */
function endpointText(endpoint: string): string {
  return endpoint.endsWith(':50000') ? endpoint.slice(0, -':50000'.length) : endpoint;
}

const SEP: Segment = { text: ' │ ', tone: 'dim' };

/**
 * Shortening levels, tried in order until the row fits: 0 everything, 1 compact node list,
 * 2 no title, 3 roles without the "os:" prefix, 4 context, endpoint and nodes share what is left
 * (the longest is cut first). The cert expiry always survives: it is the fact that can bite.
 */
/** The largest cap such that the widths, each cut to it, sum to at most `budget` (at least 6). */
function waterLevel(widths: number[], budget: number): number {
  let cap = Math.max(...widths);
  while (cap > 6 && widths.reduce((sum, w) => sum + Math.min(w, cap), 0) > budget) cap--;
  return cap;
}

function build(input: HeaderInput, level: number): Segment[] {
  const { info, demo } = input;
  const head: Segment[] = [];
  if (level < 2) head.push({ text: 'talos-tui', tone: 'accent' });
  if (demo) head.push({ text: ' DEMO ', tone: 'badge' });
  // Facts whose length we can cut (in display order), then the fixed ones.
  const flexible: Segment[] = [];
  const fixed: Segment[] = [];
  if (info) {
    flexible.push({ text: `ctx ${info.contextName}`, tone: 'plain' });
    const endpoint = info.activeEndpoint ?? info.endpoints[0];
    if (endpoint) flexible.push({ text: `ep ${endpointText(endpoint)}`, tone: 'plain' });
    flexible.push({ text: nodesText(input.selectedNodes, level >= 1), tone: 'plain' });
    const roles = level >= 3 ? info.roles.map((r) => r.replace(/^os:/, '')) : info.roles;
    if (roles.length > 0) fixed.push({ text: roles.join(','), tone: 'plain' });
    const cert = certSegment(info.certNotAfter, input.now);
    if (cert) fixed.push(cert);
  } else if (input.selectedNodes.length > 0) {
    flexible.push({ text: nodesText(input.selectedNodes, level >= 1), tone: 'plain' });
  }
  if (input.note) fixed.push({ text: input.note, tone: 'warn' });
  if (level >= 4 && flexible.length > 0) {
    const headWidth = head.reduce((w, s) => w + displayWidth(s.text), 0) + Math.max(0, head.length - 1);
    const fixedWidth = fixed.reduce((w, s) => w + displayWidth(s.text), 0);
    const separators = SEP.text.length * (flexible.length + fixed.length - (head.length > 0 ? 0 : 1));
    const cap = waterLevel(flexible.map((f) => displayWidth(f.text)), input.width - headWidth - fixedWidth - separators);
    for (const f of flexible) f.text = fit(f.text, cap);
  }
  const out: Segment[] = [];
  for (const s of head) {
    if (out.length > 0) out.push({ text: ' ', tone: 'plain' });
    out.push(s);
  }
  for (const f of [...flexible, ...fixed]) {
    if (out.length > 0) out.push(SEP);
    out.push(f);
  }
  return out;
}

function width(segs: Segment[]): number {
  return segs.reduce((w, s) => w + displayWidth(s.text), 0);
}

/** The header's segments, shortened step by step (compact node list, no title, short context) until they fit. */
export function headerSegments(input: HeaderInput): Segment[] {
  let segs = build(input, 0);
  for (let level = 1; level <= 4 && width(segs) > input.width; level++) segs = build(input, level);
  if (width(segs) <= input.width) return segs;
  // Still too wide (a long note, a huge endpoint name): cut at the right edge.
  const out: Segment[] = [];
  let left = input.width;
  for (const s of segs) {
    if (left <= 0) break;
    const text = fit(s.text, left);
    out.push({ ...s, text });
    left -= displayWidth(text);
  }
  return out;
}
