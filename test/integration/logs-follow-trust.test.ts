// `logs -f` against a node whose certificate stops being trusted mid-follow (the machine came back
// from a reinstall with a new CA): the follow reports each new reason on stderr and stops with the
// certificate sentence (exit 1) instead of retrying in silence forever.
import { afterAll, describe, expect, it } from 'vitest';
import { runHeadlessLogs } from '../../src/cli/headless-logs.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { parseTalosconfig } from '../../src/talos/talosconfig.js';
import { TalosSession } from '../../src/talos/session.js';
import { freeSimListen } from '../helpers/loopback.js';
import { sink } from '../helpers/run-command.js';

const started: SimCluster[] = [];
let session: TalosSession | undefined;

afterAll(async () => {
  session?.close();
  for (const s of started) await s.stop();
});

describe('logs -f when the node stops being trusted', () => {
  it('reports each new reason and stops on the certificate failure', async () => {
    const listen = await freeSimListen();
    const before = await startSimCluster({ listen, configured: 1, maintenance: 0, seed: 1, logLinesPerSecond: 0 });
    started.push(before);
    session = new TalosSession(parseTalosconfig(before.talosconfigText, 'before'), { connectTimeoutMs: 2000 });
    const cp1 = before.node('cp1')!;
    cp1.appendLog('kubelet', 'first');
    const out = sink();
    const err = sink();
    const ac = new AbortController();
    const done = runHeadlessLogs({
      command: 'logs',
      nodes: [cp1.ip],
      targetFor: (n) => session!.target(n),
      selector: { kind: 'service', id: 'kubelet' },
      tail: 1,
      follow: true,
      stdout: out.stream,
      stderr: err.stream,
      signal: ac.signal,
      initialDelayMs: 50,
      maxDelayMs: 100,
    });
    await expect.poll(() => out.text(), { timeout: 5000 }).toContain('first');
    await before.stop();
    await expect.poll(() => err.text(), { timeout: 5000 }).toMatch(/stream lost: .*; reconnecting/);
    // The same address answers again, with a certificate from another CA.
    started.push(await startSimCluster({ listen, configured: 1, maintenance: 0, seed: 2, logLinesPerSecond: 0 }));
    const outcome = await Promise.race([done, new Promise<'still retrying'>((r) => setTimeout(() => r('still retrying'), 8000))]);
    ac.abort();
    await done;
    expect(outcome).toBe(1);
    expect(err.text().trim().split('\n').at(-1)).toMatch(/not signed by the talosconfig CA/);
  });
});
