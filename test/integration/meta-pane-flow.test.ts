// The META pane in the real shell at 80x24 against the simulator (on a free loopback /24): write over mTLS after
// typing the node name, `g` reads it back; a wrong name sends nothing; `D` shows the changed lines; on a
// maintenance node `w` shows the boot-time route instead.
import { createElement } from 'react';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { render } from 'ink-testing-library';
import { Shell } from '../../src/ui/shell/Shell.js';
import { panes } from '../../src/features/registry.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { Code, cosi, parseTalosconfig, TalosError, TalosSession } from '../../src/talos/index.js';
import { displayWidth } from '../../src/ui/text.js';
import { screen, tick } from '../helpers/ink.js';
import { freeLoopback24 } from '../helpers/loopback.js';
import { untilText } from '../helpers/until.js';

// Free loopback /24s (test/helpers/loopback.ts): two runs side by side never collide. `length` keeps
// addresses as wide as the columns and messages below expect.
const NET = await freeLoopback24({ length: 9 });

const DOWN = '\u001B[B';
const ESC = '\u001B';
const CTRL_U = '\u0015';
const DOC = (host: string) => ['addresses:', '  - address: 192.0.2.10/24', '    linkName: eth0', '    family: inet4', '    layer: platform', 'hostnames:', `  - hostname: ${host}`, '    layer: platform', ''].join('\n');

let sim: SimCluster;
let session: TalosSession;
let dir: string;
let cp1: string;
let m1: string;

async function stored(node: string): Promise<string | null> {
  try {
    const r = await cosi.get<{ value?: string }>(session.target(node), cosi.Kinds.metaKeys, '0x0a');
    return r.spec?.value ?? '';
  } catch (err) {
    if (err instanceof TalosError && err.code === Code.NOT_FOUND) return null;
    throw err;
  }
}

beforeAll(async () => {
  sim = await startSimCluster({ listen: `${NET}.1`, configured: 1, maintenance: 1, logLinesPerSecond: 0 });
  session = new TalosSession(parseTalosconfig(sim.talosconfigText, 'sim'));
  dir = mkdtempSync(path.join(tmpdir(), 'meta-pane-'));
  cp1 = sim.node('cp1')!.ip;
  m1 = sim.node('m1')!.ip;
});
afterAll(async () => {
  session?.close();
  await sim?.stop();
});

describe('META pane flow', () => {
  it('writes over mTLS after the node name, reads back, diffs, and gives a maintenance node the boot route', async () => {
    const file = path.join(dir, 'meta-network.yaml');
    writeFileSync(file, DOC('alpha'));
    const r = render(createElement(Shell, { panes, session, initialPane: 'meta', size: { columns: 80, rows: 24 }, onQuit: vi.fn() }));
    const { frame, press } = screen(r, 40);
    const flat = () => frame().replace(/\s*\n\s*/g, ' ');
    const until = (check: string | RegExp, timeout = 5000) => untilText(flat, check, { timeout, interval: 30 });
    try {
      await until('o open');
      await press(`o${CTRL_U}${file}\r`);
      await until('· valid');
      await press(`n${CTRL_U}${cp1}\r`);
      await until(`Node ${cp1} · configured, mTLS`);
      for (const line of frame().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(80);
      expect(frame().split('\n').length).toBeLessThanOrEqual(24);

      // A wrong name sends nothing.
      await press('w');
      await until(`Type the node name (${cp1})`);
      await press('wrong\r');
      await until(`"wrong" is not ${cp1}: nothing was done`);
      await press(ESC);
      await until('cancelled: nothing was done');
      await tick(150);
      expect(await stored(cp1)).toBeNull();

      // The right name writes; g reads it back.
      await press('w');
      await until(`Type the node name (${cp1})`);
      await press(`${cp1}\r`);
      await until(`${cp1}: META network config (key 0x0a) written`);
      expect(await stored(cp1)).toBe(DOC('alpha'));
      await press('g');
      await until(`${cp1}: stored META 0x0a`);
      await until('hostname: alpha');

      // The file changes on disk: the pane re-validates, D shows the changed line.
      writeFileSync(file, DOC('beta'));
      await until('hostname: beta', 4000);
      await press('D');
      await until(/diff: \S+ \(stored\) -> /);
      // One unified diff: file headers, a hunk header, the removed line before the added one.
      await until(/@@ -\d+,\d+ \+\d+,\d+ @@/);
      await until('-- hostname: alpha');
      await until('+- hostname: beta');
      const f = frame();
      expect(f.indexOf('-- hostname: alpha')).toBeLessThan(f.indexOf('+- hostname: beta'));
      await until('1 line(s) removed, 1 added');

      // A maintenance node: w shows the boot-time route and sends nothing.
      await press(ESC);
      await press(`n${CTRL_U}${m1}\r`);
      await until(`Node ${m1}`);
      await press('i');
      await until('maintenance, insecure');
      await press('w');
      await until(`${m1} is in maintenance mode`);
      await until('INSTALLER_META_BASE64=');
      // The sentence saying why wraps at words (80 columns), never inside one: its rows joined by
      // single spaces give the sentence back.
      const rows = frame().split('\n').map((l) => l.replace(/^\s+|\s+$/g, ''));
      const from = rows.findIndex((l) => l.startsWith(`# ${m1} is in maintenance mode`));
      const to = rows.findIndex((l) => l.startsWith('# boot it with'));
      expect(from).toBeGreaterThanOrEqual(0);
      expect(rows.slice(from, to).join(' ')).toBe(`# ${m1} is in maintenance mode: Talos does not allow META writes without a client certificate, so nothing is sent`);
      // The kernel argument follows (at 80x24 with the QR notice above it, one scroll away).
      for (let i = 0; i < 20 && !flat().includes('talos.environment=INSTALLER_META_BASE64='); i++) await press(DOWN);
      await until('talos.environment=INSTALLER_META_BASE64=');
      expect(sim.node('m1')!.mode).toBe('maintenance');
    } finally {
      r.unmount();
    }
  }, 20000);
});
