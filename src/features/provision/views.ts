// What the Provision pane shows, as text lines: the plan table (one row per expected node with its
// latest stage), then bootstrap/health/finishing lines. Pure, so it is tested without a terminal.
import { redactConfig } from '../../core/config-redact.js';
import type { ProvisionSnapshot, RowView } from './source.js';

/**
 * One node's detail: its drift (Talos's own diff, redacted where it entered, src/ops/apply-run) first,
 * then the config the profile renders for it, its secrets replaced: the screen never shows them.
 */
export function nodeLines(row: RowView, config: string | null): string[] {
  const out = [`${row.name} (${row.role}) · ${row.state} · ${row.stage}: ${row.detail}`, `MAC ${row.macs || '-'} · ${row.pin ? `pinned to ${row.pin}` : 'no certificate pinned'}`];
  if (row.diff) out.push('', 'drift (what it runs -> what the profile regenerates):', ...row.diff.split('\n'));
  out.push('', config === null ? 'no rendered config (see the plan errors)' : 'rendered config:', ...redactConfig(config ?? '').replace(/\n$/, '').split('\n'));
  return out;
}

const DETAIL_ROOM = 20;

/**
 * The plan table. MAC and PIN (the start of the fingerprint pinned at the scan) are columns when the
 * table fits `width` with them; on a narrower terminal PIN goes first, then MAC (the node view, Enter,
 * always shows both), so the stage and detail stay readable.
 */
export function planLines(s: ProvisionSnapshot, selected = -1, width = Number.MAX_SAFE_INTEGER): string[] {
  if (s.rows.length === 0) return [];
  const all = s.rows.map((r, i) => ({
    ' NAME': `${i === selected ? '>' : ' '}${r.name}`,
    ROLE: r.role === 'controlplane' ? 'cp' : 'worker',
    MAC: r.macs.split(', ')[0] || '-',
    STATE: r.state,
    AT: r.at,
    PIN: r.pin ? `${r.pin.slice(0, 8)}…` : '-',
    TARGET: r.target,
    STAGE: r.stage,
    DETAIL: r.detail,
  }));
  type Column = keyof (typeof all)[number];
  const widthOf = (h: Column) => Math.max(h.length, ...all.map((r) => r[h].length));
  const table = (header: Column[]) => {
    const line = (c: string[]) => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(widthOf(header[i]!)))).join('  ');
    return [line(header), ...all.map((r) => line(header.map((h) => r[h])))];
  };
  // Whether a layout fits is decided on its fixed columns plus room for a short DETAIL, not on the
  // detail of the moment: the columns must not come and go while a run updates the details.
  const fits = (header: Column[]) => header.slice(0, -1).reduce((n, h) => n + widthOf(h) + 2, 0) + DETAIL_ROOM <= width;
  const layouts: Column[][] = [
    [' NAME', 'ROLE', 'MAC', 'STATE', 'AT', 'PIN', 'TARGET', 'STAGE', 'DETAIL'],
    [' NAME', 'ROLE', 'MAC', 'STATE', 'AT', 'TARGET', 'STAGE', 'DETAIL'],
    [' NAME', 'ROLE', 'STATE', 'AT', 'TARGET', 'STAGE', 'DETAIL'],
  ];
  const out = table(layouts.find(fits) ?? layouts[layouts.length - 1]!);
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
