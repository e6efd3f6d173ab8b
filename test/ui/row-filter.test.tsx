// `/` on the table panes (issue 12 item 7): the Status services view narrows to the rows matching a
// case-insensitive regex, an invalid regex is reported and keeps the previous filter, Esc clears;
// Discovery's table filters the same way (the shared useRowFilter).
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { render, cleanup } from 'ink-testing-library';
import { Shell } from '../../src/ui/shell/Shell.js';
import { panes } from '../../src/features/registry.js';
import type { SimCluster } from '../../src/sim/index.js';
import { parseTalosconfig, TalosSession } from '../../src/talos/index.js';
import { compileRowFilter } from '../../src/ui/row-filter.js';
import { startSimOnFreeLoopback } from '../helpers/loopback.js';
import { screen } from '../helpers/ink.js';

let sim: SimCluster;
let session: TalosSession;
beforeAll(async () => {
  sim = await startSimOnFreeLoopback({ configured: 3, maintenance: 2, logLinesPerSecond: 0 });
  session = new TalosSession(parseTalosconfig(sim.talosconfigText, 'sim'));
});
afterAll(async () => {
  session?.close();
  await sim?.stop();
});
afterEach(() => cleanup());

function mount(initialPane: 'status' | 'discovery') {
  const r = render(<Shell panes={panes} session={session} initialPane={initialPane} size={{ columns: 120, rows: 40 }} onQuit={() => {}} />);
  const { frame, press } = screen(r, 40);
  const until = (check: string | RegExp, timeout = 8000) =>
    vi.waitFor(() => (typeof check === 'string' ? expect(frame()).toContain(check) : expect(frame()).toMatch(check)), { timeout, interval: 30 });
  return { ...r, frame, press, until };
}

describe('/ filters tables', () => {
  it('compiles a case-insensitive regex, or says why it cannot', () => {
    const ok = compileRowFilter('ETCD|kube');
    expect(ok.ok && ok.re.test('kubelet')).toBe(true);
    const bad = compileRowFilter('(etcd');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/^"\(etcd" is not a valid regular expression/);
  });

  it('Status: narrows the services, keeps the filter on a bad regex, Esc clears', async () => {
    const s = mount('status');
    await s.until('kubelet');
    await s.until('/ filter');
    await s.press('/');
    await s.until('/ filter: ');
    await s.press(...'^(etcd|kubelet) ', '\r');
    await s.until(/filter \/\^\(etcd\|kubelet\) \/: 2 of \d+ services/);
    expect(s.frame()).not.toContain('machined');
    await s.press('/', '\u0015', ...'(bad', '\r');
    await s.until('filter not changed: "(bad" is not a valid regular expression');
    expect(s.frame()).toMatch(/2 of \d+ services/);
    await s.press('\u001B');
    await s.until('machined');
    expect(s.frame()).not.toContain('filter /');
  });

  it('Discovery: narrows the machines found to those matching', async () => {
    const s = mount('discovery');
    await s.until('targets: none');
    const cidr = `${sim.nodes[0]!.ip.split('.').slice(0, 3).join('.')}.0/24`;
    await s.press('s', '\u0015', ...cidr, '\r');
    await s.until(/2 maintenance · 3 configured|scan done/, 20000);
    await s.until('maintenance');
    await s.press('/', ...'maint', '\r');
    await s.until(/filter \/maint\/: 2 of \d+ rows/);
    const configuredIp = sim.nodes.find((n) => n.mode === 'configured')!.ip;
    // Below the header (which names the endpoint): no configured machine is left in the table.
    expect(s.frame().split('\n').slice(2).join('\n')).not.toContain(`${configuredIp} `);
  }, 30000);
});
