// Issue 12 items 8 and 12 through ink-testing-library: a table never hides rows without saying so,
// the active tab stays whole at narrow widths, and the Status node summary shows each node's
// figures, a node that is down marked STALE with the reason.
import { describe, expect, it, afterEach } from 'vitest';
import { render, cleanup } from 'ink-testing-library';
import { Table, moreMarker } from '../../src/ui/Table.js';
import { tabSegments } from '../../src/ui/shell/Header.js';
import { panes } from '../../src/features/registry.js';
import { NodesView } from '../../src/features/status/node-info-view.js';
import type { NodeInfoSnapshot } from '../../src/features/status/node-info.js';
import { Tabs } from '../../src/features/status/views.js';
import { strip } from '../helpers/ink.js';
import { displayWidth } from '../../src/ui/text.js';

afterEach(() => cleanup());

describe('more markers (item 8)', () => {
  const rows = Array.from({ length: 12 }, (_, i) => ({ key: `r${i}`, cells: [{ text: `service-${i + 1}` }] }));
  it('says how many rows are above and below when they do not fit', () => {
    const r = render(<Table columns={[{ header: 'SERVICE', width: 20 }]} rows={rows} cursor={0} width={40} height={6} />);
    const f = strip(r.lastFrame()!);
    expect(f.split('\n')).toHaveLength(6);
    expect(f).toContain('service-4');
    expect(f).not.toContain('service-5');
    expect(f).toContain('↓ 8 more (12 rows)');
    const r2 = render(<Table columns={[{ header: 'SERVICE', width: 20 }]} rows={rows} cursor={11} width={40} height={6} />);
    expect(strip(r2.lastFrame()!)).toContain('↑ 8 above (12 rows)');
    expect(moreMarker(0, 12, 12)).toBeNull();
    // Everything fits: no marker, every row.
    const r3 = render(<Table columns={[{ header: 'SERVICE', width: 20 }]} rows={rows.slice(0, 4)} cursor={0} width={40} height={6} />);
    expect(strip(r3.lastFrame()!)).not.toMatch(/more|above/);
  });

  it('keeps the active tab whole at narrow widths, in the header and in Status', () => {
    for (const width of [30, 40, 50]) {
      const t = tabSegments(panes, 'logs', width, false).map((s) => s.text).join('');
      expect(t).toContain('[5 Logs]');
      expect(displayWidth(t)).toBeLessThanOrEqual(width);
      const m = tabSegments(panes, 'meta', width, false).map((s) => s.text).join('');
      expect(m).toContain('[3 META]');
    }
    const r = render(<Tabs view="nodes" snapshot={null} width={40} />);
    expect(strip(r.lastFrame()!)).toContain('[Nodes]');
  });
});

describe('Status node summary (item 12)', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  const snapshot: NodeInfoSnapshot = {
    now,
    nodes: [
      { node: '10.0.0.11', loading: false, at: now - 2000, version: 'v1.13.9', stage: 'running', ready: true, machineType: 'controlplane', load: [0.52, 0.4, 0.31], memory: { used: 3 * 1024 ** 3, total: 8 * 1024 ** 3 }, cpu: 0.17, bootTime: now - 3 * 86400_000 - 4 * 3600_000 },
      { node: '10.0.0.12', loading: false, at: now - 95_000, error: 'rpc error: code = Unavailable desc = connection refused', version: 'v1.13.9', stage: 'running', ready: true, machineType: 'controlplane' },
      { node: '10.0.0.21', loading: false, at: now - 1000, version: 'v1.13.9', stage: 'booting', ready: false, unmet: 'services: unexpected service status: kubelet', machineType: 'worker' },
    ],
  };
  it('shows version, stage, ready, uptime, load, memory and CPU per node at 120 columns', () => {
    const f = strip(render(<NodesView snapshot={snapshot} cursor={0} width={120} rows={10} />).lastFrame()!);
    expect(f).toMatch(/10\.0\.0\.11\s+controlplane\s+v1\.13\.9\s+running\s+yes\s+3d4h\s+0\.52 0\.40 0\.31\s+38% 8\.0G\s+17%/);
    expect(f).toMatch(/10\.0\.0\.12\s+controlplane\s+v1\.13\.9\s+running\s+STALE/);
    expect(f).toMatch(/10\.0\.0\.21\s+worker\s+v1\.13\.9\s+booting\s+no/);
  });
  it('explains the node under the cursor: why it is stale, why it is not ready; fits 80 columns', () => {
    let f = strip(render(<NodesView snapshot={snapshot} cursor={1} width={80} rows={10} />).lastFrame()!);
    expect(f.replace(/\s+/g, ' ')).toContain('10.0.0.12: no answer since 1m ago (figures shown are from then): rpc error: code = Unavailable');
    for (const l of f.split('\n')) expect(displayWidth(l)).toBeLessThanOrEqual(80);
    // Every column but the load fits 80 columns whole: no cell cut.
    expect(f).toMatch(/10\.0\.0\.11\s+controlplane\s+v1\.13\.9\s+running\s+yes\s+3d4h\s+38% 8\.0G\s+17%/);
    expect(f).not.toContain('…');
    f = strip(render(<NodesView snapshot={snapshot} cursor={2} width={80} rows={10} />).lastFrame()!);
    expect(f).toContain('10.0.0.21 not ready: services: unexpected service status: kubelet');
  });
});
