// `talos-tui provision` from a profile with `secrets:` (native generation, no configDir): a bundle made
// by the product's own `gen secrets` code, configs generated for the profile's cluster, the simulator's
// nodes configured with the bundle's OS CA as machine.ca (so they serve and trust mTLS with it), and
// the generated talosconfig merged at the end. Real gRPC over TLS on a free loopback /24.
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSecretsBundle, resolveContract } from '../../src/ops/gen.js';
import type { SimCluster } from '../../src/sim/index.js';
import { startSimOnFreeLoopback } from '../helpers/loopback.js';
import { runCommand } from '../helpers/run-command.js';

function writeProfile(dir: string, sim: SimCluster, talosVersion: string): string {
  const base = sim.nodes[0]!.ip.split('.').slice(0, 3).join('.');
  const nodes = ['cp1', 'w1'].map((name, i) => {
    const m = sim.node(`m${i + 1}`)!;
    return `  - { name: ${name}, role: ${i === 0 ? 'controlplane' : 'worker'}, mac: "${m.macs[0]}", address: ${base}.${51 + i}/24 }`;
  });
  const file = path.join(dir, 'cluster.yaml');
  const cluster = `{ name: native, endpoint: "https://${base}.51:6443", talosVersion: ${talosVersion}, kubernetesVersion: 1.33.1, installDisk: /dev/vda }`;
  writeFileSync(file, `cluster: ${cluster}\nsecrets: ./bundle/secrets.yaml\nscan: [${base}.0/24]\npatches: { all: [common.yaml] }\nnodes:\n${nodes.join('\n')}\n`);
  return file;
}

describe('talos-tui provision with secrets: (native generation, simulator)', () => {
  let sim: SimCluster;
  let dir: string;
  let bundleText: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    sim = await startSimOnFreeLoopback({ configured: 0, maintenance: 2, rebootMs: 150, logLinesPerSecond: 0 });
    dir = mkdtempSync(path.join(tmpdir(), 'provision-secrets-'));
    bundleText = await newSecretsBundle(resolveContract('v1.13'));
    const bundleDir = path.join(dir, 'bundle');
    mkdirSync(bundleDir);
    writeFileSync(path.join(bundleDir, 'secrets.yaml'), bundleText, { mode: 0o600 });
    writeFileSync(path.join(dir, 'common.yaml'), 'machine:\n  kubelet:\n    extraArgs:\n      rotate-server-certificates: "true"\n');
    env = { HOME: dir, TALOSCONFIG: path.join(dir, 'talosconfig-merged') };
  }, 60_000);

  afterAll(async () => {
    await sim?.stop();
  });

  it('refuses an unsupported version contract with the supported list, sending nothing', async () => {
    const profile = writeProfile(dir, sim, 'v1.2');
    const r = await runCommand('provision', [profile, '--yes', '--scan-timeout', '300'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Talos version contract v1\.2 is not supported \(supported: v1\.3, .*v1\.13, v1\.14\)/);
    expect(sim.nodes.filter((n) => n.mode === 'maintenance')).toHaveLength(2);
  });

  it('generates the configs from the bundle, provisions to healthy and merges the generated talosconfig', async () => {
    const profile = writeProfile(dir, sim, 'v1.13');
    const r = await runCommand('provision', [profile, '--yes', '--scan-timeout', '300'], { env });
    expect(r.stderr.split('\n').filter((l) => l.startsWith('talos-tui'))).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^cp1: mtls: .* answers over mTLS/m);
    expect(r.stdout).toMatch(/^w1: mtls: .* answers over mTLS/m);
    expect(r.stdout).toMatch(/^done: cluster native is healthy$/m);

    // The nodes run the generated configs: the bundle's OS CA, the profile's versions, disk and patch.
    const bundle = parse(bundleText);
    for (const node of sim.nodes) {
      const config = node.machine.config!.v1alpha1 as unknown as { machine: { ca: { crt: string }; install: { disk: string }; kubelet: { image: string; extraArgs: Record<string, string> } } };
      expect(config.machine.ca.crt).toBe(bundle.certs.os.crt);
      expect(config.machine.install.disk).toBe('/dev/vda');
      expect(config.machine.kubelet.image).toMatch(/:v1\.33\.1$/);
      expect(config.machine.kubelet.extraArgs['rotate-server-certificates']).toBe('true');
    }

    // What gets merged is the generated talosconfig: the bundle's OS CA and a client certificate it signed.
    const merged = parse(readFileSync(env.TALOSCONFIG!, 'utf8'));
    expect(merged.context).toBe('native');
    const ctx = merged.contexts.native;
    expect(ctx.ca).toBe(bundle.certs.os.crt);
    const ca = new X509Certificate(Buffer.from(ctx.ca, 'base64'));
    expect(new X509Certificate(Buffer.from(ctx.crt, 'base64')).verify(ca.publicKey)).toBe(true);
    const base = sim.nodes[0]!.ip.split('.').slice(0, 3).join('.');
    expect(ctx.endpoints).toEqual([`${base}.51`]);
    expect(ctx.nodes).toHaveLength(2);
    const kube = parse(readFileSync(path.join(dir, '.kube', 'config'), 'utf8'));
    expect(kube['current-context']).toBe('admin@native');
  }, 90_000);

  it('a rerun regenerates the same configs from the bundle: nothing applied, no drift', async () => {
    const profile = writeProfile(dir, sim, 'v1.13');
    const r = await runCommand('provision', [profile, '--yes', '--scan-timeout', '300'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/: (sending|drift): /);
    expect(r.stdout.match(/: in-sync: /g)).toHaveLength(2);
  }, 60_000);

  it('drift in secrets alone is reported without them ("secrets differ"); --show-secrets prints the diff', async () => {
    const profile = writeProfile(dir, sim, 'v1.13');
    const bundle = parse(bundleText);
    const old = [bundle.secrets.bootstraptoken, bundle.trustdinfo.token, bundle.cluster.secret, bundle.secrets.secretboxencryptionsecret] as string[];
    // New tokens and cluster secrets; the CAs stay, so the nodes still answer the generated talosconfig.
    const fresh = ['abcdef.0123456789abcdef', 'fedcba.fedcba9876543210', Buffer.alloc(32, 7).toString('base64'), Buffer.alloc(32, 9).toString('base64')];
    let changed = bundleText;
    old.forEach((v, i) => (changed = changed.replaceAll(v, fresh[i]!)));
    writeFileSync(path.join(dir, 'bundle', 'secrets.yaml'), changed, { mode: 0o600 });
    try {
      const r = await runCommand('provision', [profile, '--yes', '--scan-timeout', '300'], { env });
      expect(r.code).toBe(0);
      expect(r.stdout.match(/: drift: runs a config whose secrets differ from the profile's\n\s+secrets differ \(not shown\)$/gm)).toHaveLength(2);
      for (const s of [...old, ...fresh]) expect(r.stdout).not.toContain(s);
      const clear = await runCommand('provision', [profile, '--yes', '--scan-timeout', '300', '--show-secrets'], { env });
      expect(clear.stdout).toContain(`-  token: ${old[1]}`);
      expect(clear.stdout).toContain(`+  token: ${fresh[1]}`);
    } finally {
      writeFileSync(path.join(dir, 'bundle', 'secrets.yaml'), bundleText, { mode: 0o600 });
    }
  }, 60_000);
});
