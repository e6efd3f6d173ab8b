// A provisioning run interrupted after two nodes answer over mTLS, then run again: the second run
// recognises the configured nodes (by address, MAC and an mTLS answer), applies only the others,
// bootstraps etcd exactly once, and ends healthy. Nothing is applied twice.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { until } from '../helpers/until.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTalosconfig } from '../../src/talos/index.js';
import { loadProfile, readBaseConfigs, renderProfile } from '../../src/ops/provision-inputs.js';
import { gatherFacts, planFrom } from '../../src/ops/provision-plan.js';
import { runProvision, type ProvisionEvent } from '../../src/ops/provision-run.js';
import { simClusterConfigs } from '../../src/sim/cluster-configs.js';
import type { SimCluster } from '../../src/sim/index.js';
import { startSimOnFreeLoopback } from '../helpers/loopback.js';
import { runCommand } from '../helpers/run-command.js';

describe('provision: interrupted, then resumed', () => {
  let sim: SimCluster;
  let file: string;
  let dir: string;

  beforeAll(async () => {
    sim = await startSimOnFreeLoopback({ configured: 0, maintenance: 5, rebootMs: 300, logLinesPerSecond: 0 });
    dir = mkdtempSync(path.join(tmpdir(), 'provision-resume-'));
    const base = sim.nodes[0]!.ip.split('.').slice(0, 3).join('.');
    const configs = simClusterConfigs({ clusterName: 'again', endpoint: `https://${base}.51:6443` });
    mkdirSync(path.join(dir, 'talos'));
    writeFileSync(path.join(dir, 'talos', 'controlplane.yaml'), configs.controlplane);
    writeFileSync(path.join(dir, 'talos', 'worker.yaml'), configs.worker);
    writeFileSync(path.join(dir, 'talos', 'talosconfig'), configs.talosconfig);
    const nodes = sim.nodes.map((m, i) => `  - { name: n${i + 1}, role: ${i < 3 ? 'controlplane' : 'worker'}, mac: "${m.macs[0]}", address: ${base}.${51 + i}/24 }`);
    file = path.join(dir, 'cluster.yaml');
    writeFileSync(file, ['cluster: { name: again, endpoint: "https://' + base + '.51:6443" }', 'configDir: ./talos', `scan: [${base}.0/24]`, 'nodes:', ...nodes, ''].join('\n'));
  }, 30_000);

  afterAll(async () => {
    await sim?.stop();
  });

  it('the second run applies only what the first did not, and bootstraps once', async () => {
    const loaded = loadProfile(file);
    const base = readBaseConfigs(loaded);
    const rendered = renderProfile(loaded, base);
    const talosconfig = parseTalosconfig(base.talosconfig, 'talosconfig');
    const facts = await gatherFacts({ loaded, rendered, talosconfig, targets: loaded.profile.scan, timeoutMs: 300 });
    const plan = planFrom(loaded, rendered, facts, {});
    expect(plan.errors).toEqual([]);
    const stop = new AbortController();
    const events: ProvisionEvent[] = [];
    const configs = new Map([...rendered].map(([k, v]) => [k, v.config!]));
    const first = await runProvision({
      plan,
      configs,
      talosconfig,
      concurrency: 1,
      intervalMs: 100,
      signal: stop.signal,
      onEvent: (e) => {
        events.push(e);
        // Interrupted once two nodes have their config (as a Ctrl-C would).
        if (new Set(events.filter((x) => x.kind === 'row' && x.stage === 'installing').map((x) => (x as { name: string }).name)).size === 2) stop.abort();
      },
    });
    expect(first.healthy).toBe(false);
    const sentFirst = events.filter((e) => e.kind === 'row' && e.stage === 'sending').map((e) => (e as { name: string }).name);
    expect(sentFirst).toEqual(['n1', 'n2']);
    expect(events.some((e) => e.kind === 'bootstrap')).toBe(false);

    // The nodes applied before the interruption finish their reboot, as they would: wait until the
    // simulator has them up and configured (the event), not for a guessed time.
    await until(() => sim.nodes.filter((n) => n.mode === 'configured' && n.up).length === sentFirst.length, 'the interrupted nodes back up, configured', { timeout: 10_000 });
    const again = await runCommand('provision', [file, '--yes', '--scan-timeout', '300'], { env: { HOME: dir } });
    expect(again.stderr.split('\n').filter((l) => l.startsWith('talos-tui'))).toEqual([]);
    expect(again.code).toBe(0);
    const sentAgain = [...again.stdout.matchAll(/^(n\d): sending: /gm)].map((m) => m[1]);
    expect([...sentFirst, ...sentAgain].sort()).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
    for (const name of sentFirst) expect(again.stdout).toMatch(new RegExp(`^${name}\\s+\\S+\\s+\\S+\\s+configured\\s`, 'm'));
    expect(again.stdout.match(/^bootstrap n1: sent: /gm)).toHaveLength(1);
    expect(again.stdout).toMatch(/^done: cluster again is healthy$/m);
  }, 60_000);
});
