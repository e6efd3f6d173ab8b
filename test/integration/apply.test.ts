// `talos-tui apply` against the simulator over real TLS on a free loopback /24: the runbook's
// `apply-config --insecure -n DHCP_IP -f controlplane.yaml --config-patch @node.yaml` to maintenance
// nodes (the node reboots into its config at the static address the patch names), fingerprint pinning
// (a wrong pin sends nothing), dry runs (nothing changes), Talos's validation text on a bad config,
// configured nodes through the talosconfig (no-reboot, staged, try), and usage errors (exit 2).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { commandLoaders } from '../../src/cli/commands/index.js';
import { applyConfig, flattenMultiError, parseGoDuration, type ApplyConnector } from '../../src/ops/apply-run.js';
import { MachineService } from '../../src/talos/proto/gen/machine/machine_pb.js';
import type { NodeTarget, TalosSession } from '../../src/talos/index.js';
import { runCommand } from '../helpers/run-command.js';
import { freeLoopback24 } from '../helpers/loopback.js';

// Free loopback /24s (test/helpers/loopback.ts): two runs side by side never collide. `length` keeps
// addresses as wide as the columns and messages below expect.
const NET = await freeLoopback24({ length: 9 });
const NET_RE = NET.replaceAll('.', '\\.');

const CP1 = `${NET}.11`;
const M1 = `${NET}.101`;
const M2 = `${NET}.102`;
const M1_STATIC = `${NET}.51`;
const M2_STATIC = `${NET}.52`;
// A wrong but well-formed pin (the siderolabs/crypto test vector).
const WRONG_PIN = 'pnduMqbUZ/sQyDW1o4kP6c1u1PoB2gRQu8KEV38guAM=';

let sim: SimCluster;
const events: string[] = [];
let dir: string;
let talosconfig: string;

/** `talos-tui apply ARGV` in-process, as main.ts runs it. */
const apply = (...argv: string[]) => runCommand('apply', argv);

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

// A trimmed `talosctl gen config` controlplane.yaml: enough for the simulator's (Talos-worded) validation.
const CONTROLPLANE = `version: v1alpha1 # comments survive when sent without patches
debug: false
persist: true
machine:
  type: controlplane
  token: 9hw2qz.abcdefghijklmnop
  certSANs: []
  network: {}
  install:
    disk: /dev/sda
    image: ghcr.io/siderolabs/installer:v1.13.9
cluster:
  clusterName: sim
  controlPlane:
    endpoint: https://${NET}.15:6443
  network:
    podSubnets:
      - 10.244.0.0/16
`;

/** The runbook's per-node control-plane patch (step 4), with a loopback static address. */
function runbookPatch(name: string, address: string): string {
  return `machine:
  network:
    hostname: ${name}
    interfaces:
      - interface: eth0
        dhcp: false
        addresses:
          - ${address}/24
        routes:
          - network: 0.0.0.0/0
            gateway: ${NET}.1
        vip:
          ip: ${NET}.15
    nameservers:
      - 1.1.1.1
      - 8.8.8.8
`;
}

/** Untouched maintenance node: still in maintenance, no config, nothing staged, no reboot coming. */
/**
 * Resolves once a reboot that a request just sent would have begun: the sentinel m3 is rebooted now,
 * and the simulator starts reboots in the order they were asked (the same grace delay for all).
 */
async function rebootOrdered(): Promise<void> {
  const m3 = sim.node('m3')!;
  const seen = events.length;
  m3.reboot();
  await vi.waitFor(() => expect(events.slice(seen).some((e) => e.startsWith('m3 ') && e.endsWith(' is rebooting'))).toBe(true), { timeout: 3000, interval: 10 });
  await m3.whenUp();
}

function expectUntouched(name: string, ip: string): void {
  const node = sim.node(name)!;
  expect(node.mode).toBe('maintenance');
  expect(node.ip).toBe(ip);
  expect(node.up).toBe(true);
  expect(node.machine.config).toBeUndefined();
  expect(node.machine.stagedConfig).toBeUndefined();
  expect(node.machine.rebootPending).toBeFalsy();
}

beforeAll(async () => {
  // m3 is the sentinel of rebootOrdered(); the runbook uses m1 and m2.
  sim = await startSimCluster({ listen: `${NET}.1`, configured: 1, maintenance: 3, rebootMs: 300, logLinesPerSecond: 0, onEvent: (e) => events.push(e) });
  expect(sim.onePortPerNode).toBe(false);
  dir = mkdtempSync(path.join(tmpdir(), 'talos-tui-apply-'));
  talosconfig = file('talosconfig', sim.talosconfigText);
  file('controlplane.yaml', CONTROLPLANE);
  file('m1.yaml', runbookPatch('cp-m1', M1_STATIC));
  file('m2.yaml', runbookPatch('cp-m2', M2_STATIC));
});

afterAll(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('apply is registered', () => {
  it('is a command', () => {
    expect(Object.keys(commandLoaders)).toContain('apply');
  });
});

describe('apply -i to maintenance nodes (the runbook)', () => {
  it('a wrong --cert-fingerprint exits 1 naming the mismatch, and the node receives nothing', async () => {
    const r = await apply('-i', '-n', M1, '-f', path.join(dir, 'controlplane.yaml'), '--config-patch', `@${path.join(dir, 'm1.yaml')}`, '--cert-fingerprint', WRONG_PIN);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(String.raw`^talos-tui apply: certificate fingerprint of ${NET_RE}\.101 does not match any --cert-fingerprint: got \S+=\n$`));
    expect(r.stdout).toBe('');
    await rebootOrdered();
    expectUntouched('m1', M1);
  });

  it('--dry-run prints the node\'s summary and diff, and nothing changes (no reboot)', async () => {
    const r = await apply('-i', '-n', M1, '-f', path.join(dir, 'controlplane.yaml'), '-p', `@${path.join(dir, 'm1.yaml')}`, '--dry-run', '--cert-fingerprint', sim.node('m1')!.leafFingerprint);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^Dry run summary:\nApplied configuration without a reboot \(skipped in dry-run\)\./);
    // The diff against the (empty) maintenance config shows the rendered, patched config.
    expect(r.stdout).toContain(`+          - ${M1_STATIC}/24`);
    expect(r.stdout).toContain('+    hostname: cp-m1');
    // The reply is the event: the simulator decides on a reboot (rebootPending, the reboot scheduled)
    // before it answers, as Talos does, so what it did to the node is final once the command exited.
    expectUntouched('m1', M1);
  });

  it("an invalid config exits 1 with Talos's validation sentence, and the node stays in maintenance", async () => {
    const bad = file('bad.yaml', CONTROLPLANE.replace('type: controlplane', 'type: kontrolplane'));
    const r = await apply('-i', '-n', M1, '-f', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`talos-tui apply: ${NET}.101 rejected the config: unknown machine type "kontrolplane"\n`);
    expectUntouched('m1', M1);
  });

  it('the right --cert-fingerprint applies; the node reboots configured at the static address of the patch', async () => {
    const m1 = sim.node('m1')!;
    const r = await apply('-i', '-n', M1, '-f', path.join(dir, 'controlplane.yaml'), '--config-patch', `@${path.join(dir, 'm1.yaml')}`, '--cert-fingerprint', m1.leafFingerprint);
    expect(r).toMatchObject({ code: 0, stderr: '', stdout: 'Applied configuration without a reboot\n' });
    await expect.poll(() => m1.ip, { timeout: 5000, interval: 25 }).toBe(M1_STATIC);
    await m1.whenUp();
    expect(m1.mode).toBe('configured');
    expect(m1.role).toBe('controlplane');
    expect(m1.hostname).toBe('cp-m1');
    // What was sent is the patched config: the patch's nameservers and the base's pod subnet.
    const sent = m1.machine.config!.text;
    expect(sent).toContain('- 8.8.8.8');
    expect(sent).toContain('- 10.244.0.0/16');
    expect(sim.node(M1_STATIC)).toBe(m1);
  });

  it('without a pin (plain -i, inline JSON 6902 patch too) the second node comes up at its address', async () => {
    const m2 = sim.node('m2')!;
    const r = await apply(
      '--insecure',
      '--nodes',
      M2,
      '--file',
      path.join(dir, 'controlplane.yaml'),
      '--config-patch',
      path.join(dir, 'm2.yaml'), // a bare file name, as talosctl reads it
      '--config-patch',
      '[{"op": "add", "path": "/machine/network/nameservers/-", "value": "9.9.9.9"}]',
    );
    expect(r).toMatchObject({ code: 0, stderr: '' });
    await expect.poll(() => m2.ip, { timeout: 5000, interval: 25 }).toBe(M2_STATIC);
    await m2.whenUp();
    expect(m2.mode).toBe('configured');
    expect(m2.machine.config!.text).toMatch(/- "?9\.9\.9\.9"?\n/);
  });

  it('-i to a node that is already configured exits 1 saying to drop -i', async () => {
    const r = await apply('-i', '-n', M1_STATIC, '-f', path.join(dir, 'controlplane.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(String.raw`^talos-tui apply: .*${NET_RE}\.51.* asks for a client certificate: it is configured, not in maintenance mode; drop -i and use the talosconfig\n$`));
  });

  it('an unreachable node exits 1 with one sentence', async () => {
    const r = await apply('-i', '-n', `${NET}.199`, '-f', path.join(dir, 'controlplane.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(String.raw`^talos-tui apply: nothing listens on ${NET_RE}\.199:50000: connection refused\n$`));
  });
});

describe('apply to configured nodes through the talosconfig', () => {
  /** cp1's current config with a patch on top, as an operator would re-apply it. */
  const cp1Config = () => file('cp1.yaml', sim.node('cp1')!.machine.config!.text);

  it('--mode no-reboot applies a live change without a reboot', async () => {
    const cp1 = sim.node('cp1')!;
    const r = await apply('--talosconfig', talosconfig, '-n', CP1, '-f', cp1Config(), '--config-patch', 'machine: {network: {hostname: cp1-renamed}}', '--mode', 'no-reboot');
    expect(r).toMatchObject({ code: 0, stderr: '', stdout: 'Applied configuration without a reboot\n' });
    expect(cp1.hostname).toBe('cp1-renamed');
    // The reply is the event: a reboot is decided (rebootPending set, scheduled) before the simulator
    // answers, so none was once the command has exited.
    expect(cp1.up).toBe(true);
    expect(cp1.machine.rebootPending).toBeFalsy();
  });

  it('--mode no-reboot with a change that needs a reboot exits 1 with the node\'s reason on one line', async () => {
    const r = await apply('--talosconfig', talosconfig, '-n', CP1, '-f', cp1Config(), '--config-patch', 'machine: {token: abcdef.0123456789abcdef}', '--mode', 'no-reboot');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(String.raw`^talos-tui apply: ${NET_RE}\.11 rejected the config: this config change can't be applied in immediate mode \(--dry-run shows the change[^\n]*\n$`));
    expect(sim.node('cp1')!.machine.config!.text).not.toContain('abcdef.0123456789abcdef');
  });

  it('--dry-run on a configured node shows the diff and changes nothing', async () => {
    const before = sim.node('cp1')!.machine.config!.text;
    const r = await apply('--talosconfig', talosconfig, '-n', CP1, '-f', cp1Config(), '--config-patch', 'machine: {network: {hostname: cp1-dry}}', '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Dry run summary:');
    expect(r.stdout).toContain('+    hostname: cp1-dry');
    expect(sim.node('cp1')!.machine.config!.text).toBe(before);
  });

  it('--mode staged stages the config for the next reboot', async () => {
    const r = await apply('--talosconfig', talosconfig, '-n', CP1, '-f', cp1Config(), '--config-patch', 'machine: {network: {hostname: cp1-staged}}', '--mode', 'staged');
    expect(r).toMatchObject({ code: 0, stdout: 'Staged configuration to be applied after the next reboot\n' });
    expect(sim.node('cp1')!.machine.stagedConfig?.hostname).toBe('cp1-staged');
    expect(sim.node('cp1')!.hostname).toBe('cp1-renamed');
  });

  it('--mode try sends --timeout as the rollback delay', async () => {
    const r = await apply('--talosconfig', talosconfig, '-n', CP1, '-f', cp1Config(), '--config-patch', 'machine: {network: {hostname: cp1-try}}', '--mode', 'try', '--timeout', '1m30s');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("Applied configuration without a reboot\nThe config is applied in 'try' mode and will be automatically reverted back in 1m30s\n");
  });

  it('without a talosconfig context naming the node, the configured node at its new address is reachable too', async () => {
    const r = await apply('--talosconfig', talosconfig, '-n', M1_STATIC, '-f', file('m1-now.yaml', sim.node('m1')!.machine.config!.text), '-p', 'machine: {network: {hostname: m1-renamed}}', '-m', 'no-reboot');
    expect(r).toMatchObject({ code: 0, stdout: 'Applied configuration without a reboot\n' });
    expect(sim.node('m1')!.hostname).toBe('m1-renamed');
  });
});

describe('the mode is always explicit on the wire', () => {
  /** A NodeTarget that records the request instead of sending it. */
  function recorder(): { target: NodeTarget; sent: unknown[] } {
    const sent: unknown[] = [];
    const target = {
      node: '192.0.2.1',
      unary: async (m: { name: string }, req: unknown) => {
        if (m.name !== 'ApplyConfiguration') return { messages: [] }; // the Version read before applying
        sent.push(req);
        return { messages: [{ mode: 2, modeDetails: 'ok', warnings: ['w'] }] };
      },
      stream: () => ({ [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true, value: undefined }) }) }),
    } as unknown as NodeTarget;
    return { target, sent };
  }
  const via = (target: NodeTarget): ApplyConnector => ({ insecure: () => target, session: () => ({ target: () => target }) as unknown as TalosSession });

  it('default mode is AUTO (1), never the deprecated REBOOT (0); try gets the 1 min default timeout', async () => {
    const { target, sent } = recorder();
    const out = await applyConfig(via(target), { node: '192.0.2.1', config: 'version: v1alpha1\n' });
    expect(out).toMatchObject({ requestedMode: 'auto', mode: 'no-reboot', warnings: ['w'], modeDetails: 'ok' });
    await applyConfig(via(target), { node: '192.0.2.1', config: 'x: 1\n', mode: 'try', dryRun: true });
    await applyConfig(via(target), { node: '192.0.2.1', config: 'x: 1\n', mode: 'reboot', insecure: true });
    const reqs = sent as { mode: number; dryRun: boolean; tryModeTimeout?: { seconds: bigint } }[];
    expect(reqs.map((r) => r.mode)).toEqual([1, 4, 0]);
    expect(reqs[0]!.tryModeTimeout).toBeUndefined();
    expect(reqs[1]).toMatchObject({ dryRun: true });
    expect(reqs[1]!.tryModeTimeout?.seconds).toBe(60n);
    expect(MachineService.method.applyConfiguration.name).toBe('ApplyConfiguration');
  });

  it('reads Go durations and go-multierror text', () => {
    expect(parseGoDuration('1m')).toBe(60_000);
    expect(parseGoDuration('1m30s')).toBe(90_000);
    expect(parseGoDuration('1.5h')).toBe(5_400_000);
    expect(parseGoDuration('90')).toBeUndefined();
    expect(parseGoDuration('soon')).toBeUndefined();
    expect(flattenMultiError('2 errors occurred:\n\t* a is bad\n\t* b is worse\n\n')).toBe('a is bad; b is worse');
    expect(flattenMultiError('plain')).toBe('plain');
  });
});

describe('usage errors exit 2 naming the input', () => {
  const base = () => path.join(dir, 'controlplane.yaml');
  it.each([
    [['-f', 'controlplane.yaml'], /^talos-tui apply: name the node with -n IP\n$/],
    [['-n', M1, '-i'], /^talos-tui apply: name the base machine config with -f BASE\n$/],
    [['-n', `${M1},${M2}`, '-i', '-f', 'BASE'], new RegExp(String.raw`^talos-tui apply: name one node, not 2 \(-n ${NET_RE}\.101,${NET_RE}\.102\)`)],
    [['-n', M1, '-n', M2, '-i', '-f', 'BASE'], /^talos-tui apply: name one node, not 2/],
    [['-n', M1, '-i', '-f', 'BASE', '--mode', 'reboot-now'], /^talos-tui apply: --mode "reboot-now" is not one of auto, no-reboot, reboot, staged, try\n$/],
    [['-n', M1, '-i', '-f', 'BASE', '--timeout', '30s'], /^talos-tui apply: --timeout 30s applies only to --mode try\n$/],
    [['-n', M1, '-i', '-f', 'BASE', '--mode', 'try', '--timeout', 'soon'], /^talos-tui apply: --timeout takes a duration .* not "soon"\n$/],
    [['-n', M1, '-f', 'BASE', '--cert-fingerprint', WRONG_PIN], /^talos-tui apply: --cert-fingerprint pins a maintenance node's certificate and needs -i/],
    [['-n', M1, '-i', '-f', 'BASE', '--cert-fingerprint', 'abc'], /^talos-tui apply: --cert-fingerprint "abc" is not a base64 SHA-256 fingerprint/],
    [['-n', M1, '-i', '-f', '/nonexistent/controlplane.yaml'], /^talos-tui apply: base config \/nonexistent\/controlplane\.yaml does not exist\n$/],
    [['-n', M1, '-i', '-f', 'BASE', '--config-patch', '@/nonexistent/p.yaml'], /^talos-tui apply: patch file \/nonexistent\/p\.yaml does not exist\n$/],
    [['-n', M1, '-i', '-f', 'BASE', '--config-patch', '@'], /^talos-tui apply: --config-patch @ names no file\n$/],
    [['-n', M1, '-i', '-f', 'BASE', '--config-patch', 'machine: [oops'], /^talos-tui apply: inline patch 1 /],
    [['-n', M1, '-i', '-f', 'BASE', 'extra'], /^talos-tui apply: unexpected argument "extra"/],
    [['-n', M1, '-i', '-f', 'BASE', '--force'], /^talos-tui apply: Unknown option '--force'/],
  ])('%j', async (args, message) => {
    const r = await apply(...args.map((a) => (a === 'BASE' ? base() : a)));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('an empty base config is a usage error', async () => {
    const r = await apply('-n', M1, '-i', '-f', file('empty.yaml', '\n'));
    expect(r).toMatchObject({ code: 2, stderr: expect.stringMatching(/^talos-tui apply: base config \S+empty\.yaml is empty\n$/) });
  });

  it('a patch that does not apply is exit 1 (as config render)', async () => {
    const r = await apply('-n', M1, '-i', '-f', base(), '--config-patch', 'machine: {network: {$patch: delete}, nosuch: {$patch: delete}}');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^talos-tui apply: /);
  });
});
