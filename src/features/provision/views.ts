// What the Provision pane shows, as text lines: the plan table (one row per expected node with its
// latest stage), then bootstrap/health/finishing lines. Pure, so it is tested without a terminal.
import type { ProvisionSnapshot, RowView } from './source.js';

/** One node's detail: its drift (Talos's own diff) first, then the config the profile renders for it. */
export function nodeLines(row: RowView, config: string | null): string[] {
  const out = [`${row.name} (${row.role}) · ${row.state} · ${row.stage}: ${row.detail}`, `MAC ${row.macs || '-'} · ${row.pin ? `pinned to ${row.pin}` : 'no certificate pinned'}`];
  if (row.diff) out.push('', 'drift (what it runs -> what the profile regenerates):', ...row.diff.split('\n'));
  out.push('', config === null ? 'no rendered config (see the plan errors)' : 'rendered config:', ...(config ?? '').replace(/\n$/, '').split('\n'));
  return out;
}

export function planLines(s: ProvisionSnapshot, selected = -1): string[] {
  if (s.rows.length === 0) return [];
  const cells = s.rows.map((r, i) => [`${i === selected ? '>' : ' '}${r.name}`, r.role === 'controlplane' ? 'cp' : 'worker', r.state, r.at, r.target, r.stage, r.detail]);
  const header = [' NAME', 'ROLE', 'STATE', 'AT', 'TARGET', 'STAGE', 'DETAIL'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widths[i]!))).join('  ');
  const out = [line(header), ...cells.map(line)];
  if (s.plan) {
    for (const e of s.plan.errors) out.push(`error: ${e}`);
    if (s.plan.bootstrap && s.phase === 'planned') out.push(`bootstrap: ${s.plan.bootstrap}${s.recovery ? ` (recovering etcd from ${s.recovery})` : ''}`);
    if (s.recovery && !s.plan.bootstrap && s.plan.errors.length === 0 && s.phase === 'planned') out.push('warning: the etcd snapshot is not used: this run bootstraps no node (etcd already has members)');
  }
  return [...out, ...(s.log.length ? ['', ...s.log] : [])];
}

export function phaseNote(s: ProvisionSnapshot): { text: string; tone: 'info' | 'ok' | 'warn' | 'error' } | null {
  if (s.error) return { text: s.error, tone: 'error' };
  switch (s.phase) {
    case 'idle':
      return { text: 'o opens a cluster profile (or talconfig.yaml); the plan is built from a scan, nothing is sent', tone: 'info' };
    case 'planning':
      return { text: `scanning and planning ${s.profile}…`, tone: 'info' };
    case 'planned':
      return s.plan && s.plan.errors.length > 0
        ? { text: `the plan cannot run: ${s.plan.errors[0]}`, tone: 'error' }
        : { text: `plan ready: p provisions ${s.plan?.clusterName} (type its name), Enter shows a node, r rescans`, tone: 'ok' };
    case 'running':
      return { text: 'provisioning… (Esc stops; the nodes carry on, a rerun resumes)', tone: 'warn' };
    case 'done':
      return s.healthy ? { text: `cluster ${s.plan?.clusterName} is healthy`, tone: 'ok' } : { text: 'not healthy yet: r rescans, then p resumes', tone: 'error' };
  }
}
