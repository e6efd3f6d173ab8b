// A hostile node: its hostname, service events, log lines, kernel messages and error details carry
// escape sequences (OSC 52 clipboard write, OSC 0 title, OSC 8 link, CSI 2J, CR). Whatever path the
// text takes (decoded replies, COSI specs over the discovery client, log streams, errors), what the
// headless printers write must hold none of it, while the readable words survive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SimCluster } from '../../src/sim/index.js';
import { startSimOnFreeLoopback } from '../helpers/loopback.js';
import { runCommand } from '../helpers/run-command.js';
import { cosi, machine, parseTalosconfig, TalosError, TalosSession } from '../../src/talos/index.js';

const CLIPBOARD = '\x1b]52;c;cm0gLXJmIH4K\x07';
const TITLE = '\x1b]0;pwned\x07';
const LINK = '\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\';
const CLEAR = '\x1b[2J\x1b[H';
const hostile = (word: string) => `${CLIPBOARD}${TITLE}${word}${CLEAR}${LINK}\r`;

/** No escape, no C1 control, no CR, no BEL: nothing a terminal would execute. */
function expectInert(text: string): void {
  expect(text).not.toMatch(/[\x1b\x07\r\x9b\x9d]/);
}

let sim: SimCluster;
let talosconfig: string;
let cp1: string;
const cli = (...argv: string[]) => runCommand(argv[0]!, [...argv.slice(1), '--talosconfig', talosconfig]);

beforeAll(async () => {
  sim = await startSimOnFreeLoopback({ configured: 1, maintenance: 0, logLinesPerSecond: 0 });
  const dir = mkdtempSync(path.join(tmpdir(), 'hostile-node-'));
  talosconfig = path.join(dir, 'talosconfig');
  writeFileSync(talosconfig, sim.talosconfigText, { mode: 0o600 });
  const node = sim.node('cp1')!;
  cp1 = node.ip;
  node.setServiceHealth('kubelet', false, hostile('probe-failed'));
  node.appendLog('kubelet', hostile('kubelet-line'));
  node.machine.machinedLog(hostile('kernel-line'));
}, 30_000);

afterAll(async () => {
  await sim?.stop();
});

describe('text from a hostile node reaches stdout and stderr inert', () => {
  it('services: the health message and last event lose their escapes, the words stay', async () => {
    const r = await cli('services', '-n', cp1);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('probe-failed');
    expectInert(r.stdout + r.stderr);
  });

  it('logs (no -f): the line is printed without its escapes, tabs and words kept', async () => {
    const r = await cli('logs', '-n', cp1, 'kubelet', '--tail', '3');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kubelet-line');
    expectInert(r.stdout + r.stderr);
  });

  it('dmesg (no -f): kernel messages too', async () => {
    const r = await cli('dmesg', '-n', cp1, '--tail', '5');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kernel-line');
    expectInert(r.stdout + r.stderr);
  });

  it('a hostname read over COSI (Status header, Discovery details) and an error from the node are inert', async () => {
    sim.node('cp1')!.machine.hostname = `evil${CLIPBOARD}${TITLE}host`;
    sim.node('cp1')!.machine.refresh();
    const session = new TalosSession(parseTalosconfig(sim.talosconfigText, 'sim'));
    try {
      const r = await cosi.get<{ hostname?: string }>(session.target(cp1), cosi.Kinds.hostname, 'hostname');
      expect(r.spec.hostname).toBe('evilhost');
      const v = await machine.version(session.target(cp1));
      expectInert(JSON.stringify(v.metadata ?? null)); // apid stamps metadata only on `nodes` (fan-out) replies
      const err = await machine.serviceStart(session.target(cp1), hostile('no-such-service')).catch((e: unknown) => e as TalosError);
      expect(err).toBeInstanceOf(TalosError);
      expectInert((err as TalosError).message + (err as TalosError).details);
    } finally {
      session.close();
    }
  });
});
