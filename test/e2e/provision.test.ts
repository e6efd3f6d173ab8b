// The Provision pane end to end in a real terminal: tmux runs the BUILT console with --demo, which
// starts five maintenance machines and writes a profile for them; the pane (6) opens that profile,
// shows the plan from a scan, and after the typed cluster name provisions a fresh 5-node cluster to
// healthy, one row per node. Loopback only (a free /24); HOME and TMPDIR are the test's own.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { freeSimListen } from '../helpers/loopback.js';
import { hasTmux, reportingScript, tmuxServer } from './tmux.js';
import { describeBuilt, repoRoot as root } from '../helpers/built.js';

const { tmux, keys, waitForScreen, kill } = tmuxServer(`talos-tui-e2e-provision-${process.pid}`, 20_000);

describeBuilt('Provision pane in tmux (--demo)', () => {
  afterAll(() => kill());

  it('plans from a scan, asks for the cluster name, provisions five nodes to healthy', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'provision-e2e-'));
    const listen = await freeSimListen();
    const script = reportingScript(`cd ${root} && env CI=true NO_COLOR=1 HOME=${home} TMPDIR=${home} TALOS_TUI_DEMO_LISTEN=${listen} node dist/talos-tui.js --demo`);
    tmux('new-session', '-d', '-s', 'p', '-x', '100', '-y', '30', 'sh', '-c', script);
    await waitForScreen('p', (t) => t.includes('demo: a cluster to provision'), 'the demo profile in the status line');
    const dir = readdirSync(home).find((d) => d.startsWith('talos-tui-demo-'))!;
    const profile = path.join(home, dir, 'cluster.yaml');

    keys('p', '6');
    await waitForScreen('p', (t) => t.includes('[6 Provision]') && t.includes('Press o to open one'), 'the Provision pane');
    keys('p', 'o');
    await waitForScreen('p', (t) => t.includes('cluster profile>'), 'the profile field');
    keys('p', '-l', profile);
    keys('p', 'Enter');
    const planned = await waitForScreen('p', (t) => t.includes('plan ready: p provisions demo-new'), 'the plan');
    expect(planned.split('\n').filter((l) => /^\s*>?new-(cp|w)\d\s+(cp|worker)\s+found\s+\S+\s+\S+\s+planned\s+apply \(matched by mac\)/.test(l))).toHaveLength(5);
    expect(planned).toContain('bootstrap: new-cp1');
    // The node view shows the rendered config with its secrets replaced: none of the values the demo's
    // controlplane.yaml carries reaches the screen, not even the start of a key cut at the width.
    keys('p', 'Enter');
    const view = await waitForScreen('p', (t) => t.includes('rendered config:') && t.includes("token: '******'"), 'the node view, redacted');
    const cp = readFileSync(path.join(home, dir, 'controlplane.yaml'), 'utf8');
    const secrets = [...cp.matchAll(/^\s*(?:token|key|secret|secretboxEncryptionSecret|privateKey): (\S{12,})$/gm)].map((m) => m[1]!);
    expect(secrets.length).toBe(2); // the demo's config carries machine.token and machine.ca.key
    // 40 characters: past the base64 of "-----BEGIN " that the certificate beside the key starts with too.
    for (const secret of secrets) expect(view).not.toContain(secret.slice(0, 40));
    expect(view).toContain("key: '******'");
    keys('p', 'Escape');
    await waitForScreen('p', (t) => t.includes('plan ready') && !t.includes('rendered config:'), 'back to the plan');

    keys('p', 'p');
    await waitForScreen('p', (t) => t.includes('Provision cluster demo-new?') && t.includes('Type the cluster name (demo-new)'), 'the confirmation');
    keys('p', '-l', 'demo-new');
    keys('p', 'Enter');
    const done = await waitForScreen('p', (t) => t.includes('cluster demo-new is healthy'), 'a healthy cluster', 60_000);
    expect(done.split('\n').filter((l) => /^\s*>?new-(cp|w)\d\s.*\bservices-up\b/.test(l))).toHaveLength(5);
    expect(done).toContain('bootstrap new-cp1: sent');
    // Tab selects the next node, Enter shows the config the profile rendered for it, Esc goes back.
    keys('p', 'Tab');
    keys('p', 'Enter');
    const node = await waitForScreen('p', (t) => t.includes('node new-cp2') && t.includes('rendered config:'), 'the node detail');
    expect(node).toContain('hostname: new-cp2');
    keys('p', 'Escape');
    await waitForScreen('p', (t) => t.includes('cluster demo-new is healthy') && !t.includes('rendered config:'), 'back to the plan');

    // Drift on the live cluster: the profile now regenerates something else; a rerun applies nothing
    // new, shows the drift per node, and `a` applies it to the selected one.
    writeFileSync(path.join(home, dir, 'extra.yaml'), 'machine:\n  kubelet:\n    extraArgs:\n      rotate-server-certificates: "true"\n');
    writeFileSync(profile, readFileSync(profile, 'utf8').replace('nodes:', 'patches: { all: [extra.yaml] }\nnodes:'));
    keys('p', 'r');
    await waitForScreen('p', (t) => t.includes('plan ready') && t.split('\n').filter((l) => /configured\s.*check-drift|configured\s+\S+\s+\S+\s+planned/.test(l)).length === 5, 'a plan of configured nodes');
    keys('p', 'p');
    await waitForScreen('p', (t) => t.includes('Type the cluster name (demo-new)'), 'the confirmation');
    keys('p', '-l', 'demo-new');
    keys('p', 'Enter');
    const drift = await waitForScreen('p', (t) => t.includes('cluster demo-new is healthy') && t.split('\n').filter((l) => /\bdrift\b.*runs a config that differs/.test(l)).length === 5, 'drift on every node', 60_000);
    expect(drift).not.toMatch(/\bsending\b/);
    keys('p', 'a');
    await waitForScreen('p', (t) => t.includes('Type the node name (new-cp2)'), 'the drift confirmation');
    keys('p', '-l', 'new-cp2');
    keys('p', 'Enter');
    await waitForScreen('p', (t) => /new-cp2\s.*\bdrift-applied\b/.test(t), 'the drift applied to new-cp2', 30_000);
    // q walks back to where the pane was opened from (k9s history), then quits at the top.
    keys('p', 'q');
    await waitForScreen('p', (t) => t.includes('[1 Discovery]'), 'q to go back to Discovery');
    keys('p', 'q');
    await waitForScreen('p', (t) => t.includes('EXITED rc=0'), 'the console to quit');
  }, 120_000);
}, hasTmux ? null : 'tmux is not installed');
