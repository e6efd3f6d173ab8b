// The Apply pane in the real shell at 80x24 against a real simulator (on a free loopback /24): typed node, base and
// patch -> rendered config -> dry run shows Talos's reply -> apply (a wrong name does nothing, the
// right one applies) -> the reboot is followed until the node answers over mTLS at its static address
// -> bootstrap refused on that worker, allowed on the fresh cluster's control plane -> kubeconfig 0600.
import { createElement } from 'react';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
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
import { screen } from '../helpers/ink.js';
import { freeLoopback24 } from '../helpers/loopback.js';
import { untilText } from '../helpers/until.js';

// Free loopback /24s (test/helpers/loopback.ts): two runs side by side never collide. `length` keeps
// addresses as wide as the columns and messages below expect.
const NET = await freeLoopback24({ length: 9 });

const CP1 = `${NET}.11`;
const M1 = `${NET}.101`;
const STATIC = `${NET}.61`;
const ESC = '\u001B';
const CTRL_U = '\u0015';

let sim: SimCluster;
let session: TalosSession;
let dir: string;

beforeAll(async () => {
  sim = await startSimCluster({ listen: `${NET}.1`, configured: 1, maintenance: 1, rebootMs: 300, bootstrapped: false, logLinesPerSecond: 0 });
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
    const until = (check: string | RegExp, timeout = 6000) => untilText(flat, check, { timeout, interval: 30 });
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
      // The dangerous key that sends leads the hint bar at 80 columns; the rest wraps onto a second row.
      expect(frame().split('\n').at(-2)).toMatch(/^Enter apply\s+d dry-run/);
      expect(frame().split('\n').at(-1)).toMatch(/\? help {2}: cmd {2}q (quit|back)$/);
      for (const line of frame().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(80);
      expect(frame().split('\n').length).toBeLessThanOrEqual(24);

      // Dry run: Talos's own summary.
      await press('d');
      await until('Dry run summary');
      // The simulator answers as Talos does: a unified diff with hunk headers and context.
      await until(/@@ -\d+,\d+ \+\d+,\d+ @@/);
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
      expect([sim.node('m1')!.mode, sim.node('m1')!.up]).toEqual(['maintenance', true]);

      // The right name applies, and the reboot is followed to the static address over mTLS. Its reply
      // is the proof the wrong name and Esc sent nothing: a node that took an apply refuses the next
      // one until it has rebooted (the simulator does, as Talos), so "applied" means it was the first.
      await press(`\r${M1}\r`);
      await until(`applied to ${M1}`);
      await until(/rebooting|rebooted/);
      await until(`${STATIC} answers over mTLS`, 10000);
      await until(`Node ${STATIC}`);
      expect(flat()).toContain('configured, mTLS');
      expect(sim.node('m1')!.mode).toBe('configured');

      // Bootstrap is not offered for the node just made a worker (issue 12 item 4): neither in the
      // note nor in the hint bar, and b does nothing there.
      expect(frame()).toContain(`${STATIC} answers over mTLS: k saves the kubeconfig, h health`);
      expect(frame()).not.toContain('b bootstrap');
      // b first, then m: the frame showing the mode m chose is drawn after b was handled, and an
      // enabled b would already say "checking etcd" there (it does so before any call).
      await press('b');
      await press('m');
      await until('Mode no-reboot');
      expect(frame()).not.toContain('Bootstrap etcd on');
      expect(frame()).not.toContain('checking etcd');
      await press('m', 'm', 'm');
      await until('Mode auto');

      // On the fresh cluster's control plane: asks for the name, then bootstraps.
      await press(`n${CTRL_U}${CP1}\r`);
      await until(`Node ${CP1}`);
      await press('b');
      await until(`Bootstrap etcd on ${CP1}?`);
      await press(`${CP1}\r`);
      await until(`bootstrap sent to ${CP1}`);

      // Kubeconfig (issue 12 item 11): merged into the kubeconfig talosctl would use ($KUBECONFIG here,
      // else ~/.kube/config); a missing file (and its directory) is written as the node sent it, 0600.
      const file = path.join(dir, 'kube', 'config');
      process.env.KUBECONFIG = file;
      await press('k');
      await until(file);
      await press('\r');
      await until('kubeconfig written to');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const first = parseYaml(readFileSync(file, 'utf8')) as { 'current-context': string; clusters: { name: string }[] };
      const cluster = first.clusters[0]!.name;
      expect(first['current-context']).toBe(`admin@${cluster}`);

      // An existing kubeconfig with another context and a clashing cluster: kept, the new one renamed.
      const other = { apiVersion: 'v1', kind: 'Config', clusters: [{ name: cluster, cluster: { server: 'https://198.51.100.1:6443' } }, { name: 'other', cluster: { server: 'https://other:6443' } }], users: [{ name: 'me', user: { token: 't' } }], contexts: [{ name: 'other', context: { cluster: 'other', user: 'me' } }], 'current-context': 'other' };
      writeFileSync(file, stringifyYaml(other), { mode: 0o600 });
      await press('k');
      await until(file);
      await press('\r');
      await until('kubeconfig merged into');
      let merged = parseYaml(readFileSync(file, 'utf8')) as { 'current-context': string; clusters: { name: string }[]; contexts: { name: string; context: { cluster: string } }[] };
      expect(merged.contexts.map((c) => c.name).sort()).toEqual([`admin@${cluster}-1`, 'other']);
      expect(merged['current-context']).toBe(`admin@${cluster}-1`);
      expect(merged.clusters.map((c) => c.name).sort()).toEqual([cluster, `${cluster}-1`, 'other'].sort());
      expect(frame()).toContain(`renamed: cluster ${cluster} -> ${cluster}-1`);

      // K (--force) replaces instead, after a y/N question; n leaves the file alone.
      writeFileSync(file, stringifyYaml(other), { mode: 0o600 });
      await press('K');
      await until(file);
      await press('\r');
      await until('Replace the clusters and users');
      await press('n');
      await until('cancelled: nothing was done');
      expect(parseYaml(readFileSync(file, 'utf8'))).toEqual(other);
      await press('K');
      await until(file);
      await press('\r', 'y');
      await until('replaced: cluster');
      merged = parseYaml(readFileSync(file, 'utf8')) as typeof merged;
      expect(merged.contexts.map((c) => c.name).sort()).toEqual([`admin@${cluster}`, 'other']);
      expect(merged.clusters.map((c) => c.name).sort()).toEqual([cluster, 'other'].sort());
      expect(statSync(file).mode & 0o777).toBe(0o600);
      delete process.env.KUBECONFIG;
    } finally {
      r.unmount();
    }
  }, 30000);
});
