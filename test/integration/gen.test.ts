// `talos-tui gen secrets | config | talosconfig` in-process with temp files: what gets written (0600,
// atomic, never over an existing file without --force, all files or none), the contract printed, the
// talosctl output-type rules, patches after generation, and one-sentence usage errors (exit 2).
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { crtPem, parseBundle } from '../../src/core/gen/bundle.js';
import { parseContract, type Contract } from '../../src/core/gen/contract.js';
import { renderMachineConfig } from '../../src/core/gen/machine-config.js';
import { runCommand } from '../helpers/run-command.js';

const dir = mkdtempSync(join(tmpdir(), 'talos-tui-gen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const gen = (...args: string[]) => runCommand('gen', args);
const mode = (p: string) => statSync(p).mode & 0o777;
const oneSentence = (s: string) => s.trim().split('\n').length === 1;
/** The v1alpha1 document of a (possibly multi-document) config. */
const main = (text: string) => parseAllDocuments(text)[0]!.toJS();
let secrets: string;

beforeAll(async () => {
  secrets = join(dir, 'secrets.yaml');
  const r = await gen('secrets', '-o', secrets);
  expect(r.code).toBe(0);
}, 60_000);

describe('gen secrets', () => {
  it('writes a complete bundle 0600 in talosctl\'s layout', () => {
    expect(mode(secrets)).toBe(0o600);
    const text = readFileSync(secrets, 'utf8');
    expect(Object.keys(parse(text))).toEqual(['cluster', 'secrets', 'trustdinfo', 'certs']);
    const b = parseBundle(text, 'secrets.yaml');
    expect(new X509Certificate(crtPem(b.certs.os)).publicKey.asymmetricKeyType).toBe('ed25519');
    expect(new X509Certificate(crtPem(b.certs.etcd)).publicKey.asymmetricKeyType).toBe('ec');
    expect(Buffer.from(b.certs.k8sServiceAccount.key, 'base64').toString()).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
  });

  it('never replaces an existing bundle without --force, and does with it', async () => {
    const before = readFileSync(secrets, 'utf8');
    const refused = await gen('secrets', '-o', secrets, '--talos-version', 'v1.6');
    expect(refused.code).toBe(2);
    expect(oneSentence(refused.stderr)).toBe(true);
    expect(refused.stderr).toContain('already exists');
    expect(readFileSync(secrets, 'utf8')).toBe(before);
    const copy = join(dir, 'copy.yaml');
    writeFileSync(copy, before);
    const forced = await gen('secrets', '-o', copy, '--talos-version', 'v1.6', '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(copy, 'utf8')).not.toBe(before);
    expect(Buffer.from(parseBundle(readFileSync(copy, 'utf8'), 'copy').certs.k8sServiceAccount.key, 'base64').toString()).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
  });

  it('refuses an unsupported contract with the supported list; -o - prints the bundle', async () => {
    const r = await gen('secrets', '--talos-version', 'v1.15', '-o', join(dir, 'never.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('v1.15 is not supported (supported: v1.3, v1.4');
    expect(existsSync(join(dir, 'never.yaml'))).toBe(false);
    const out = await gen('secrets', '--talos-version', 'v1.5', '-o', '-');
    expect(out.code).toBe(0);
    expect(parseBundle(out.stdout, 'stdout').cluster.id).toMatch(/=$/);
  });
});

describe('gen config', () => {
  it('-o DIR writes controlplane.yaml, worker.yaml and talosconfig 0600 and prints the contract', async () => {
    const out = join(dir, 'cluster');
    const r = await gen('config', 'prod', 'https://10.0.0.5:6443', '--with-secrets', secrets, '--talos-version', 'v1.12', '-o', out, '--with-docs=false', '--with-examples=false');
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Talos contract v1.12 with Kubernetes 1.35.0');
    for (const f of ['controlplane.yaml', 'worker.yaml', 'talosconfig']) expect(mode(join(out, f))).toBe(0o600);
    const bundle = parseBundle(readFileSync(secrets, 'utf8'), 's');
    const expected = renderMachineConfig(
      { clusterName: 'prod', endpoint: 'https://10.0.0.5:6443', kubernetesVersion: '1.35.0', contract: parseContract('v1.12') as Contract, bundle, installDisk: '/dev/sda', installImage: 'ghcr.io/siderolabs/installer:v1.14.1' },
      'controlplane',
    );
    expect(readFileSync(join(out, 'controlplane.yaml'), 'utf8')).toBe(expected);
    expect(parse(readFileSync(join(out, 'talosconfig'), 'utf8')).context).toBe('prod');
  });

  it('writes every file or none: one existing target refuses the whole run without --force', async () => {
    const out = join(dir, 'partial');
    await gen('config', 'prod', 'https://10.0.0.5:6443', '--with-secrets', secrets, '-t', 'worker', '-o', join(out, 'worker.yaml'));
    const r = await gen('config', 'prod', 'https://10.0.0.5:6443', '--with-secrets', secrets, '-o', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('worker.yaml already exists');
    expect(existsSync(join(out, 'controlplane.yaml'))).toBe(false);
    expect((await gen('config', 'prod', 'https://10.0.0.5:6443', '--with-secrets', secrets, '-o', out, '--force')).code).toBe(0);
    expect(existsSync(join(out, 'controlplane.yaml'))).toBe(true);
  });

  it('-t controlplane -o - prints that document; several types to stdout are refused as talosctl does', async () => {
    const one = await gen('config', 'prod', 'https://10.0.0.5:6443', '--with-secrets', secrets, '-t', 'controlplane', '-o', '-', '--talos-version', 'v1.14');
    expect(one.code).toBe(0);
    expect(main(one.stdout).machine.type).toBe('controlplane');
    const many = await gen('config', 'prod', 'https://10.0.0.5:6443', '--with-secrets', secrets, '-o', '-');
    expect(many.code).toBe(2);
    expect(oneSentence(many.stderr)).toBe(true);
  });

  it('applies --config-patch to both and --config-patch-worker to the worker only, after generation', async () => {
    const base = ['config', 'prod', 'https://10.0.0.5:6443', '--with-secrets', secrets, '--talos-version', 'v1.13', '-o', '-'];
    const patch = '{"machine": {"network": {"hostname": "n1"}}}';
    const workerPatch = '{"machine": {"nodeLabels": {"tier": "edge"}}}';
    const cp = await gen(...base, '-t', 'controlplane', '--config-patch', patch, '--config-patch-worker', workerPatch);
    const w = await gen(...base, '-t', 'worker', '--config-patch', patch, '--config-patch-worker', workerPatch);
    expect(main(cp.stdout).machine.network.hostname).toBe('n1');
    expect(main(cp.stdout).machine.nodeLabels.tier).toBeUndefined();
    expect(main(w.stdout).machine.nodeLabels.tier).toBe('edge');
    // talosctl's extra generator options land where Talos puts them.
    const extra = await gen(...base, '-t', 'controlplane', '--sysctl', 'vm.max_map_count=262144', '--install-extra-kernel-args', 'console=ttyS0,net.ifnames=0', '--local-api-server-port', '7443', '--allow-scheduling-on-control-planes', '--cni-url', 'https://example.com/cni.yaml', '--registry-mirror', 'docker.io=https://mirror.local');
    const doc = main(extra.stdout);
    expect(doc.machine.sysctls).toEqual({ 'vm.max_map_count': '262144' });
    expect(doc.machine.install.extraKernelArgs).toEqual(['console=ttyS0', 'net.ifnames=0']);
    expect(doc.cluster.controlPlane.localAPIServerPort).toBe(7443);
    expect(doc.cluster.allowSchedulingOnControlPlanes).toBe(true);
    expect(doc.cluster.network.cni).toEqual({ name: 'custom', urls: ['https://example.com/cni.yaml'] });
  });

  it.each([
    [['config', 'prod', '10.0.0.5', '--with-secrets', 'S'], 'has no scheme; write it as https://10.0.0.5:6443'],
    [['config', 'prod', 'http://10.0.0.5:6443', '--with-secrets', 'S'], 'must use https://'],
    [['config', 'prod', 'https://10.0.0.5:6443'], 'name the secrets bundle with --with-secrets FILE'],
    [['config', 'prod', '--with-secrets', 'S'], 'name the cluster and its Kubernetes endpoint'],
    [['config', 'prod', 'https://10.0.0.5:6443', '--with-secrets', 'S', '--talos-version', 'v1.2'], 'v1.2 is not supported (supported: v1.3'],
    [['config', 'prod', 'https://10.0.0.5:6443', '--with-secrets', 'S', '-t', 'kubeconfig'], 'invalid output type "kubeconfig"'],
    [['config', 'prod', 'https://10.0.0.5:6443', '--with-secrets', 'S', '--sysctl', 'novalue'], '--sysctl takes key=value'],
    [['config', 'prod', 'https://10.0.0.5:6443', '--with-secrets', 'S', '--with-docs=maybe'], '--with-docs takes true or false'],
    [['config', 'prod', 'https://10.0.0.5:6443', '--with-secrets', 'S', '--local-api-server-port', '0'], '--local-api-server-port must be between 1 and 65535'],
    [['config', 'prod', 'https://10.0.0.5:6443', '--with-secrets', 'S', '--kubernetes-version', 'latest'], '"latest" is not a Kubernetes version'],
    [['config', 'prod', 'https://10.0.0.5:6443', '--with-secrets', 'NOTABUNDLE'], 'is not a complete secrets bundle'],
    [['config', 'prod', 'https://10.0.0.5:6443', '--with-secrets', 'MISSING'], 'does not exist'],
    [['talosconfig', '--with-secrets', 'S', '--roles', 'os:root'], 'unknown role os:root'],
    [['talosconfig', '--with-secrets', 'S', '--crt-ttl', '1y'], '--crt-ttl takes a duration'],
    [['bogus'], 'unknown subcommand "bogus"'],
  ])('exit 2 with one sentence: %j', async (args, message) => {
    const notBundle = join(dir, 'not-a-bundle.yaml');
    writeFileSync(notBundle, 'cluster: {id: x}\n');
    const argv = args.map((a) => (a === 'S' ? secrets : a === 'NOTABUNDLE' ? notBundle : a === 'MISSING' ? join(dir, 'missing.yaml') : a));
    const r = await gen(...argv);
    expect(r.code).toBe(2);
    expect(oneSentence(r.stderr)).toBe(true);
    expect(r.stderr).toContain(message);
  });

  it('a patch that does not apply fails the run (exit 1) and writes nothing', async () => {
    const out = join(dir, 'badpatch');
    const r = await gen('config', 'prod', 'https://10.0.0.5:6443', '--with-secrets', secrets, '--talos-version', 'v1.13', '-o', out, '--config-patch', '[{"op":"remove","path":"/machine/nope"}]');
    expect(r.code).toBe(1);
    expect(existsSync(join(out, 'controlplane.yaml'))).toBe(false);
  });

  it('--help says what is written', async () => {
    const r = await gen('--help');
    expect(r.stdout).toContain('writes controlplane.yaml, worker.yaml and talosconfig (0600)');
    expect(r.stdout).toContain('Supported: v1.3, v1.4, v1.5, v1.6, v1.7, v1.8, v1.9, v1.10, v1.11, v1.12, v1.13, v1.14');
  });
});

describe('gen talosconfig', () => {
  it('issues an on-call reader certificate signed by the bundle\'s OS CA, valid for --crt-ttl', async () => {
    const out = join(dir, 'oncall.talosconfig');
    const r = await gen('talosconfig', '--with-secrets', secrets, '--roles', 'os:reader', '--crt-ttl', '720h', '--name', 'oncall', '-e', '10.0.0.5,10.0.0.6', '-o', out);
    expect(r.code).toBe(0);
    expect(mode(out)).toBe(0o600);
    const tc = parse(readFileSync(out, 'utf8'));
    expect(tc.context).toBe('oncall');
    const ctx = tc.contexts.oncall;
    expect(ctx.endpoints).toEqual(['10.0.0.5', '10.0.0.6']);
    const ca = new X509Certificate(Buffer.from(ctx.ca, 'base64'));
    const crt = new X509Certificate(Buffer.from(ctx.crt, 'base64'));
    expect(crt.checkIssued(ca)).toBe(true);
    expect(crt.verify(ca.publicKey)).toBe(true);
    expect(crt.subject).toBe('O=os:reader');
    expect(crt.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(crt.ca).toBe(false);
    expect(Date.parse(crt.validTo) - Date.parse(crt.validFrom)).toBe(720 * 3600_000);
    expect(crt.publicKey.asymmetricKeyType).toBe('ed25519');
    expect(ca.fingerprint256).toBe(new X509Certificate(crtPem(parseBundle(readFileSync(secrets, 'utf8'), 's').certs.os)).fingerprint256);
  });
});
