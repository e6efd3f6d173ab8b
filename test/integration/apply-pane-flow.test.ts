// The Apply pane in the real shell at 80x24 against a real simulator (127.0.248.x): typed node, base and
// patch -> rendered config -> dry run shows Talos's reply -> apply (a wrong name does nothing, the
// right one applies) -> the reboot is followed until the node answers over mTLS at its static address
// -> bootstrap refused on that worker, allowed on the fresh cluster's control plane -> kubeconfig 0600.
import { createElement } from 'react';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { render } from 'ink-testing-library';
import { Shell } from '../../src/ui/shell/Shell.js';
import { panes } from '../../src/features/registry.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { parseTalosconfig, TalosSession } from '../../src/talos/index.js';
import { displayWidth } from '../../src/ui/text.js';
import { screen, tick } from '../helpers/ink.js';

const CP1 = '127.0.248.11';
const M1 = '127.0.248.101';
const STATIC = '127.0.248.61';
const ESC = '\u001B';
const CTRL_U = '\u0015';

let sim: SimCluster;
let session: TalosSession;
let dir: string;

beforeAll(async () => {
  sim = await startSimCluster({ listen: '127.0.248.1', configured: 1, maintenance: 1, rebootMs: 300, bootstrapped: false, logLinesPerSecond: 0 });
  session = new TalosSession(parseTalosconfig(sim.talosconfigText, 'sim'));
  dir = mkdtempSync(path.join(tmpdir(), 'apply-pane-'));
  writeFileSync(path.join(dir, 'worker.yaml'), ['version: v1alpha1', 'machine:', '  type: worker', '  network:', '    hostname: base', 'cluster:', '  clusterName: sim', ''].join('\n'));
  writeFileSync(
    path.join(dir, 'w1.yaml'),
    ['machine:', '  network:', '    hostname: w-new', '    interfaces:', '      - interface: eth0', '        dhcp: false', '        addresses:', `          - ${STATIC}/24`, ''].join('\n'),
  );
});
afterAll(async () => {
  session?.close();
  await sim?.stop();
});

describe('Apply pane flow', () => {
  it('renders, dry-runs, applies, follows the reboot, guards bootstrap and saves the kubeconfig', async () => {
    const r = render(createElement(Shell, { panes, session, initialPane: 'apply', size: { columns: 80, rows: 24 }, onQuit: vi.fn() }));
    const { frame, press } = screen(r, 40);
    const until = (check: string | RegExp, timeout = 6000) =>
      vi.waitFor(() => (typeof check === 'string' ? expect(flat()).toContain(check) : expect(flat()).toMatch(check)), { timeout, interval: 30 });
    // Lines joined: a long sentence wraps onto the pane's second message row.
    const flat = () => frame().replace(/\s*\n\s*/g, ' ');
    try {
      await until('Node: none');
      await until('n node');
      await press(`n${M1}\r`);
      await until(`Node ${M1}`);
      // A typed node is asked what it is: maintenance, pinned to the certificate it presents now.
      await until('maintenance, insecure, pinned');
      await until('pinned to the certificate it presents now');
      await press(`f${path.join(dir, 'worker.yaml')}\r`);
      await until('hostname: base');
      await press(`p${path.join(dir, 'w1.yaml')}\r`);
      await until(`${STATIC}/24`);
      await until('hostname: w-new');
      // The dangerous key that sends stays in the hint bar at 80 columns (it is cut from the right).
      expect(frame().split('\n').at(-1)).toMatch(/^Enter apply\s+d dry-run/);
      for (const line of frame().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(80);
      expect(frame().split('\n').length).toBeLessThanOrEqual(24);

      // Dry run: Talos's own summary.
      await press('d');
      await until('Dry run summary');
      expect(sim.node('m1')!.mode).toBe('maintenance');
      // A patch edited since the render is read again before sending (never a stale config).
      writeFileSync(path.join(dir, 'w1.yaml'), readFileSync(path.join(dir, 'w1.yaml'), 'utf8').replace('w-new', 'w-edited'));
      await press('d');
      await until('+    hostname: w-edited');

      // A wrong name does nothing.
      await press('\r');
      await until(`Type the node name (${M1})`);
      await press('wrong\r');
      await until(`"wrong" is not ${M1}: nothing was done`);
      await press(ESC);
      await until('cancelled: nothing was done');
      await tick(200);
      expect([sim.node('m1')!.mode, sim.node('m1')!.up]).toEqual(['maintenance', true]);

      // The right name applies, and the reboot is followed to the static address over mTLS.
      await press(`\r${M1}\r`);
      await until(`applied to ${M1}`);
      await until(/rebooting|rebooted/);
      await until(`${STATIC} answers over mTLS`, 10000);
      await until(`Node ${STATIC}`);
      expect(flat()).toContain('configured, mTLS');
      expect(sim.node('m1')!.mode).toBe('configured');

      // Bootstrap: refused on the worker with the headless sentence.
      await press('b');
      await until(`bootstrap refused: ${STATIC} is a worker node: bootstrap runs on a control-plane node`);

      // On the fresh cluster's control plane: asks for the name, then bootstraps.
      await press(`n${CTRL_U}${CP1}\r`);
      await until(`Node ${CP1}`);
      await press('b');
      await until(`Bootstrap etcd on ${CP1}?`);
      await press(`${CP1}\r`);
      await until(`bootstrap sent to ${CP1}`);

      // Kubeconfig: saved 0600; an existing file is overwritten only when confirmed.
      const file = path.join(dir, 'kubeconfig');
      await press('k');
      await until('./kubeconfig');
      await press(`${CTRL_U}${file}\r`);
      await until('saved to');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8')).toContain('clusters:');
      writeFileSync(file, 'old');
      await press('k');
      await until('./kubeconfig');
      await press(`${CTRL_U}${file}\r`);
      await until('exists: overwrite it?');
      await press('n');
      await until('cancelled: nothing was done');
      expect(readFileSync(file, 'utf8')).toBe('old');
      await press('k');
      await until('./kubeconfig');
      await press(`${CTRL_U}${file}\r`);
      await until('exists: overwrite it?');
      await press('y');
      await vi.waitFor(() => expect(readFileSync(file, 'utf8')).toContain('clusters:'), { timeout: 5000 });
      expect(statSync(file).mode & 0o777).toBe(0o600);
    } finally {
      r.unmount();
    }
  }, 30000);
});
