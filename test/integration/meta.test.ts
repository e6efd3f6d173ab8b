// `talos-tui meta` against the simulator: write then get over mTLS, refusal on a maintenance node with
// the boot-time route, nothing sent for an invalid document, delete then get, and the offline commands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { decodeInstallerMeta } from '../../src/core/meta/index.js';
import { runCommand } from '../helpers/run-command.js';
import { freeLoopback24 } from '../helpers/loopback.js';

// Free loopback /24s (test/helpers/loopback.ts): two runs side by side never collide. `length` keeps
// addresses as wide as the columns and messages below expect.
const NET = await freeLoopback24({ length: 9 });

let sim: SimCluster;
let dir: string;
let talosconfig: string;
let cp1: string;
let m1: string;
const meta = (...argv: string[]) => runCommand('meta', argv);
const fixture = (name: string) => path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'fixtures', 'meta', name);

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

beforeAll(async () => {
  sim = await startSimCluster({ listen: `${NET}.1`, configured: 1, maintenance: 1, logLinesPerSecond: 0 });
  dir = mkdtempSync(path.join(tmpdir(), 'talos-tui-meta-'));
  talosconfig = file('talosconfig', sim.talosconfigText);
  copyFileSync(fixture('network.yaml'), path.join(dir, 'network.yaml'));
  cp1 = sim.node('cp1')!.ip;
  m1 = sim.node('m1')!.ip;
});

afterAll(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('meta validate / encode (offline)', () => {
  it('validate: a valid document exits 0 with a summary', async () => {
    const r = await meta('validate', path.join(dir, 'network.yaml'));
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/valid META network config: 3 address\(es\), 4 link\(s\) \(1 bond, 1 vlan, 0 bridge\), 3 route\(s\), hostname ci-blue-worker-amd64-2\n$/);
  });

  it('validate: an invalid document exits 1 listing every problem by path', async () => {
    const r = await meta('validate', fixture('invalid.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('invalid.yaml: links[1].bondMaster.mode: "active_backup" is not a bond mode (balance-rr, active-backup,');
    expect(r.stderr).toContain('invalid.yaml: addresses[0].address: "10.0.0.5" is not in CIDR form');
    expect(r.stderr).toContain('invalid.yaml: links[0].masterName: bond "bond9" is not declared in links');
    expect(r.stderr).toMatch(/talos-tui meta: .*invalid\.yaml is not a valid META network config: 3 problems \(listed above\)\n$/);
  });

  it('validate: unreadable or non-YAML files and bad usage exit 2', async () => {
    expect((await meta('validate', path.join(dir, 'nope.yaml'))).code).toBe(2);
    const bad = await meta('validate', file('bad.yaml', 'links: [\n'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml: not valid YAML/);
    expect((await meta('validate')).code).toBe(2);
    expect((await meta()).code).toBe(2);
    expect((await meta('frobnicate')).code).toBe(2);
  });

  it('encode: the environment value, kernel argument and imager flag; the value decodes back to the file', async () => {
    const r = await meta('encode', path.join(dir, 'network.yaml'), '--no-qr');
    expect(r.code).toBe(0);
    const b64 = /^INSTALLER_META_BASE64=(\S+)$/m.exec(r.stdout)![1]!;
    expect(r.stdout).toContain(`\ntalos.environment=INSTALLER_META_BASE64=${b64}\n`);
    expect(r.stdout).toContain("\n--meta '0xa=# The example of the Talos");
    const [value] = decodeInstallerMeta(b64, (d) => gunzipSync(d));
    expect(value!.key).toBe(0x0a);
    expect(value!.value).toContain('vlanProtocol: 802.1ad');
  });

  it('encode --qr prints a QR code of the kernel argument', async () => {
    const small = file('small.yaml', 'hostnames:\n  - hostname: n1\n    layer: platform\n');
    const r = await meta('encode', small, '--qr');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/# QR code of the kernel argument:\n[▄▀█ ]+\n/);
  });

  it('encode refuses an invalid document and text with ";"', async () => {
    expect((await meta('encode', fixture('invalid.yaml'))).code).toBe(1);
    const semi = await meta('encode', file('semi.yaml', 'hostnames:\n  - hostname: n1 # a; b\n    layer: platform\n'));
    expect(semi.code).toBe(1);
    expect(semi.stderr).toMatch(/line 2 contains ";"/);
  });
});

describe('meta write / get / delete against the simulator', () => {
  it('get on a node without the key says so (exit 1)', async () => {
    const r = await meta('get', '--talosconfig', talosconfig, '-n', cp1);
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toBe(`talos-tui meta: ${cp1} has no META network config (key 0x0a is not set)\n`);
  });

  it('write then get round-trips over mTLS', async () => {
    const w = await meta('write', '--talosconfig', talosconfig, '-n', cp1, path.join(dir, 'network.yaml'));
    expect(w).toMatchObject({ code: 0, stderr: '' });
    expect(w.stdout).toMatch(new RegExp(`^${cp1.replace(/\./g, '\\.')}: META network config \\(key 0x0a\\) written: 3 address`));
    const g = await meta('get', '--talosconfig', talosconfig, '-n', cp1);
    expect(g.code).toBe(0);
    const { readFileSync } = await import('node:fs');
    expect(g.stdout).toBe(readFileSync(path.join(dir, 'network.yaml'), 'utf8'));
    expect(Buffer.from(sim.node('cp1')!.machine.meta.get(0x0a)!).toString('utf8')).toBe(g.stdout);
  });

  it('get -i reads a maintenance node (absent key: not found)', async () => {
    const r = await meta('get', '-n', m1, '-i');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/has no META network config \(key 0x0a is not set\)/);
  });

  it('write is refused on a maintenance node, with the boot-time route printed instead', async () => {
    const r = await meta('write', '-n', m1, '-i', path.join(dir, 'network.yaml'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`# ${m1} is in maintenance mode and does not accept META writes; boot it with this instead:\n`);
    expect(r.stdout).toMatch(/^INSTALLER_META_BASE64=\S+$/m);
    expect(r.stdout).toMatch(/^talos\.environment=INSTALLER_META_BASE64=\S+$/m);
    expect(r.stderr).toMatch(/is in maintenance mode: Talos does not allow META writes without a client certificate, so nothing was written/);
    expect(sim.node('m1')!.machine.meta.has(0x0a)).toBe(false);
  });

  it('an invalid document is not sent at all', async () => {
    const m = sim.node('m1')!.machine;
    const before = sim.node('cp1')!.machine.meta.get(0x0a);
    const r = await meta('write', '--talosconfig', talosconfig, '-n', cp1, fixture('invalid.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is not a valid META network config: 3 problems \(listed above\); nothing was sent\n$/);
    expect(sim.node('cp1')!.machine.meta.get(0x0a)).toBe(before);
    const r2 = await meta('write', '-n', m1, '-i', fixture('invalid.yaml'));
    expect(r2.code).toBe(1);
    expect(m.meta.has(0x0a)).toBe(false);
  });

  it('delete, then get says not found; a second delete says there is nothing to delete', async () => {
    const d = await meta('delete', '--talosconfig', talosconfig, '-n', cp1);
    expect(d).toMatchObject({ code: 0, stdout: `${cp1}: META network config (key 0x0a) deleted\n`, stderr: '' });
    expect(sim.node('cp1')!.machine.meta.has(0x0a)).toBe(false);
    const g = await meta('get', '--talosconfig', talosconfig, '-n', cp1);
    expect(g.code).toBe(1);
    expect(g.stderr).toMatch(/has no META network config \(key 0x0a is not set\)/);
    const d2 = await meta('delete', '--talosconfig', talosconfig, '-n', cp1);
    expect(d2.code).toBe(1);
    expect(d2.stderr).toBe(`talos-tui meta: ${cp1} has no META network config (key 0x0a is not set): nothing to delete\n`);
  });

  it('usage errors exit 2', async () => {
    expect((await meta('get')).code).toBe(2);
    expect((await meta('write', '-n', cp1)).code).toBe(2);
    expect((await meta('get', '-n', `${cp1},${m1}`)).code).toBe(2);
    expect((await meta('delete', '-n', cp1, 'extra')).code).toBe(2);
  });
});
