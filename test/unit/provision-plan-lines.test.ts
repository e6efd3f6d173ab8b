// The Provision pane's plan table: one row per expected node with MAC and the pinned fingerprint as
// the issue lists them, and the columns that give way on a narrow terminal (PIN first, then MAC).
import { describe, expect, it } from 'vitest';
import { planLines } from '../../src/features/provision/views.js';
import type { ProvisionSnapshot, RowView } from '../../src/features/provision/source.js';

const PIN = 'UO2nP6jDHlhMJD0iZNpI+M4sJhaey3PAapigH+n73Is=';
const row = (name: string, mac: string, pin: string): RowView => ({
  name,
  role: name.includes('cp') ? 'controlplane' : 'worker',
  state: 'found',
  at: '127.0.10.103:50000',
  target: '127.0.10.61',
  stage: 'planned',
  detail: 'apply (matched by mac)',
  macs: mac,
  pin,
});
const snapshot: ProvisionSnapshot = {
  profile: '/p/cluster.yaml',
  phase: 'planned',
  plan: null,
  rows: [row('new-cp1', '02:54:00:00:06:51, 02:54:00:00:06:52', PIN), row('new-w1', '02:54:00:00:06:61', '')],
  log: [],
  error: null,
  healthy: null,
  recovery: null,
  recoverySkipsHash: false,
};

describe('the plan table', () => {
  it('shows the first MAC and the start of the pinned fingerprint when the terminal is wide enough', () => {
    const [header, cp, w] = planLines(snapshot, 0, 140);
    expect(header!.split(/\s+/).filter(Boolean)).toEqual(['NAME', 'ROLE', 'MAC', 'STATE', 'AT', 'PIN', 'TARGET', 'STAGE', 'DETAIL']);
    expect(cp).toMatch(/^>new-cp1\s+cp\s+02:54:00:00:06:51\s+found\s+127\.0\.10\.103:50000\s+UO2nP6jD…\s+127\.0\.10\.61\s+planned\s+apply \(matched by mac\)$/);
    expect(w).toMatch(/^ new-w1\s+worker\s+02:54:00:00:06:61\s+found\s+\S+\s+-\s+/);
    expect(cp).not.toContain(PIN); // the whole fingerprint is in the node view, not the row
  });

  it('drops PIN, then MAC, on narrower terminals, keeping room for the detail', () => {
    const mid = planLines(snapshot, 0, 110);
    expect(mid[0]).toContain('MAC');
    expect(mid[0]).not.toContain('PIN');
    const narrow = planLines(snapshot, 0, 90);
    expect(narrow[0]).not.toContain('MAC');
    expect(narrow[1]).toMatch(/^>new-cp1\s+cp\s+found\s+\S+\s+127\.0\.10\.61\s+planned\s+apply \(matched by mac\)$/);
  });

  it('keeps its columns when only the detail grows (no columns coming and going during a run)', () => {
    const long = { ...snapshot, rows: snapshot.rows.map((r) => ({ ...r, detail: 'runs a config that differs from what the profile regenerates (Enter shows the drift)' })) };
    expect(planLines(long, 0, 140)[0]).toContain('PIN');
  });
});
