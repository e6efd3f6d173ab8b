// `talos-tui provision` against the simulator: a fresh 5-node cluster from maintenance mode to healthy,
// then a rerun on the live cluster (nothing applied twice, drift reported), a dry run, missing
// machines, and a node that never comes back. Real gRPC over TLS; the configs carry their own CA.
import net from 'node:net';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simClusterConfigs } from '../../src/sim/cluster-configs.js';
import type { SimCluster } from '../../src/sim/index.js';
import { startSimOnFreeLoopback } from '../helpers/loopback.js';
import { runCommand } from '../helpers/run-command.js';

function writeProfile(dir: string, sim: SimCluster, opts: { names: string[]; first?: number; nodePatch?: string }): string {
  const base = sim.nodes[0]!.ip.split('.').slice(0, 3).join('.');
  const configs = simClusterConfigs({ clusterName: 'fresh', endpoint: `https://${base}.51:6443` });
  mkdirSync(path.join(dir, 'talos'), { recursive: true });
  for (const [f, text] of Object.entries({ 'controlplane.yaml': configs.controlplane, 'worker.yaml': configs.worker, talosconfig: configs.talosconfig })) {
    writeFileSync(path.join(dir, 'talos', f), text, { mode: 0o600 });
  }
  writeFileSync(path.join(dir, 'common.yaml'), 'machine:\n  kubelet:\n    extraArgs:\n      rotate-server-certificates: "true"\n');
  if (opts.nodePatch) writeFileSync(path.join(dir, 'node.yaml'), opts.nodePatch);
  const first = opts.first ?? 1;
  const nodes = opts.names.map((name, i) => {
    const m = sim.node(`m${i + first}`)!;
    const role = i < 3 ? 'controlplane' : 'worker';
    const patches = opts.nodePatch ? ', patches: [node.yaml]' : '';
    return `  - { name: ${name}, role: ${role}, mac: "${m.macs[0]}", address: ${base}.${50 + i + first}/24${patches} }`;
  });
  const file = path.join(dir, 'cluster.yaml');
  writeFileSync(
    file,
    [
      'cluster: { name: fresh, endpoint: "https://' + base + '.51:6443", talosVersion: v1.13 }',
      'configDir: ./talos',
      `scan: [${base}.0/24]`,
      'patches: { all: [common.yaml] }',
      'nodes:',
      ...nodes,
      '',
    ].join('\n'),
  );
  return file;
}

describe('talos-tui provision (simulator)', () => {
  let sim: SimCluster;
  let dir: string;
  let profile: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    sim = await startSimOnFreeLoopback({ configured: 0, maintenance: 7, rebootMs: 150, logLinesPerSecond: 0 });
    dir = mkdtempSync(path.join(tmpdir(), 'provision-'));
    profile = writeProfile(dir, sim, { names: ['cp1', 'cp2', 'cp3', 'w1', 'w2'] });
    env = { HOME: dir, TALOSCONFIG: path.join(dir, 'talosconfig-merged') };
  }, 30_000);

  afterAll(async () => {
    await sim?.stop();
  });

  it('--dry-run prints the plan and sends nothing', async () => {
    const r = await runCommand('provision', [profile, '--dry-run', '--scan-timeout', '300'], { env });
    expect(r.stderr).not.toMatch(/talos-tui provision: (?!warning)/);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+ROLE\s+MAC\s+STATE\s+AT\s+PIN\s+TARGET\s+ACTION\s+NOTE$/);
    // Each found machine: its MAC from the profile and the pin taken from the scan.
    const cp1 = lines.find((l) => l.startsWith('cp1 '))!.split(/\s+/);
    expect(cp1[2]).toBe(sim.node('m1')!.macs[0]);
    expect(cp1[5]).toBe(`${sim.node('m1')!.leafFingerprint.slice(0, 8)}…`);
    expect(lines.filter((l) => /^(cp|w)\d\s.*\bfound\b.*\bapply\b/.test(l))).toHaveLength(5);
    expect(r.stdout).toContain('bootstrap: cp1');
    expect(sim.nodes.filter((n) => n.mode === 'maintenance')).toHaveLength(7);
  });

  it('refuses without --yes when there is no terminal, sending nothing', async () => {
    const r = await runCommand('provision', [profile, '--scan-timeout', '300'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('confirmation needs a terminal: pass --yes');
    expect(sim.nodes.filter((n) => n.mode === 'maintenance')).toHaveLength(7);
  });

  it('provisions a fresh 5-node cluster to healthy, then merges the talosconfig and kubeconfig', async () => {
    const r = await runCommand('provision', [profile, '--yes', '--scan-timeout', '300'], { env });
    expect(r.stderr.split('\n').filter((l) => l.startsWith('talos-tui'))).toEqual([]);
    expect(r.code).toBe(0);
    const out = r.stdout;
    for (const name of ['cp1', 'cp2', 'cp3', 'w1', 'w2']) {
      expect(out).toMatch(new RegExp(`^${name}: sending: applying to .* \\(pinned to `, 'm'));
      expect(out).toMatch(new RegExp(`^${name}: mtls: .* answers over mTLS`, 'm'));
      expect(out).toMatch(new RegExp(`^${name}: services-up: `, 'm'));
    }
    // Control planes are sent before workers.
    expect(out.indexOf('w1: sending')).toBeGreaterThan(out.indexOf('cp3: sending'));
    expect(out.match(/^bootstrap cp1: sent: /gm)).toHaveLength(1);
    expect(out).toMatch(/^health: waiting for etcd to be healthy: OK$/m);
    expect(out).toMatch(/^done: cluster fresh is healthy$/m);
    const talosconfig = parse(readFileSync(env.TALOSCONFIG!, 'utf8'));
    const base = sim.nodes[0]!.ip.split('.').slice(0, 3).join('.');
    expect(talosconfig.context).toBe('fresh');
    expect(talosconfig.contexts.fresh.endpoints).toEqual([`${base}.51`, `${base}.52`, `${base}.53`]);
    expect(talosconfig.contexts.fresh.nodes).toHaveLength(5);
    const kube = parse(readFileSync(path.join(dir, '.kube', 'config'), 'utf8'));
    expect(kube['current-context']).toBe('admin@fresh');
  }, 60_000);

  it('a rerun on the live cluster applies nothing, bootstraps nothing, and reports drift', async () => {
    const clean = await runCommand('provision', [profile, '--yes', '--scan-timeout', '300'], { env });
    expect(clean.code).toBe(0);
    expect(clean.stdout).not.toMatch(/: sending: /);
    expect(clean.stdout).not.toMatch(/^bootstrap /m);
    expect(clean.stdout.match(/: in-sync: /g)).toHaveLength(5);
    // Drift: the profile now regenerates something else than the nodes run.
    writeFileSync(path.join(dir, 'common.yaml'), 'machine:\n  kubelet:\n    extraArgs:\n      rotate-server-certificates: "false"\n');
    const drift = await runCommand('provision', [profile, '--yes', '--scan-timeout', '300'], { env });
    expect(drift.stdout.match(/^(cp|w)\d: drift: runs a config that differs/gm)).toHaveLength(5);
    expect(drift.stdout).toMatch(/^\s+[-+].*rotate-server-certificates/m);
    // Per node: --drift-nodes picks which drifted nodes get the regenerated config.
    const unknown = await runCommand('provision', [profile, '--yes', '--drift-mode', 'staged', '--drift-nodes', 'w9'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--drift-nodes: ');
    const one = await runCommand('provision', [profile, '--yes', '--scan-timeout', '300', '--drift-mode', 'staged', '--drift-nodes', 'w1'], { env });
    expect(one.stdout.match(/^w1: drift-applied: /gm)).toHaveLength(1);
    expect(one.stdout.match(/^(cp|w)\d: drift: runs a config that differs/gm)).toHaveLength(4);
  }, 60_000);

  it('a missing machine stops the run with the runbook advice; --only-found runs the others', async () => {
    const other = mkdtempSync(path.join(tmpdir(), 'provision-missing-'));
    const file = writeProfile(other, sim, { names: ['x1', 'x2'], first: 6 });
    // Expect a machine the scan cannot find: a MAC nobody has.
    writeFileSync(file, readFileSync(file, 'utf8').replace(/mac: "[^"]+", address: (\S+)\.57\/24/, 'mac: "02:99:99:99:99:99", address: $1.57/24'));
    const r = await runCommand('provision', [file, '--dry-run', '--scan-timeout', '300'], { env: { HOME: other } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('1 machine not found: x2; wait 30 s and rescan (nodes may still be booting), or run for the nodes found only (--only-found)');
    expect(r.stdout).toMatch(/^x2\s+controlplane\s+\S+\s+missing/m);
    const chosen = await runCommand('provision', [file, '--dry-run', '--only-found', '--scan-timeout', '300'], { env: { HOME: other } });
    expect(chosen.code).toBe(0);
    expect(chosen.stdout).toMatch(/^warning: 1 machine not found: x2; .*; running for the nodes found only$/m);
  }, 30_000);

  it('a node that never comes back at its address: the row says what was tried and the last error; no bootstrap', async () => {
    const other = mkdtempSync(path.join(tmpdir(), 'provision-lost-'));
    const base = sim.nodes[0]!.ip.split('.').slice(0, 3).join('.');
    const file = writeProfile(other, sim, { names: ['y1'], first: 7 });
    // Something else holds its address (no TLS there): the node cannot take it and stays where it was.
    const squatter = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve) => squatter.listen(50000, `${base}.57`, resolve));
    try {
      const r = await runCommand('provision', [file, '--yes', '--reboot-timeout', '3', '--scan-timeout', '300'], { env: { HOME: other } });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`^y1: failed: ${base.replace(/\./g, '\\.')}\.57 did not answer over mTLS within 3s: asked .* for its version over mTLS every 1\.0s; last error: `, 'm'));
      expect(r.stdout).toMatch(/^bootstrap y1: skipped: not every control plane answers over mTLS \(y1\)/m);
      expect(r.stderr).toContain('the cluster is not healthy yet (failed: y1); run again to resume');
    } finally {
      squatter.close();
    }
  }, 30_000);
});
