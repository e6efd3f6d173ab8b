// The Provision pane's etcd recovery option in a real terminal: tmux runs the BUILT console with
// --demo; on the plan, `e` takes a snapshot path (checked at once: a copy without the sha256 trailer
// is refused with the pane's own advice), `E` skips the hash check, the plan's bootstrap line then
// says the etcd is recovered, and so does the confirmation (cancelled: nothing is run here; the run
// itself is covered against the simulator in test/integration/etcd-recover.test.ts).
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { encodeSnapshot } from '../../src/sim/etcd-snapshot.js';
import { createRng } from '../../src/sim/rng.js';
import { freeSimListen } from '../helpers/loopback.js';
import { hasTmux, reportingScript, tmuxServer } from './tmux.js';
import { describeBuilt, repoRoot as root } from '../helpers/built.js';

const { tmux, keys, waitForScreen, kill } = tmuxServer(`talos-tui-e2e-provision-recover-${process.pid}`, 20_000);

describeBuilt('Provision pane: recover etcd from a snapshot (tmux, --demo)', () => {
  afterAll(() => kill());

  it('e names the snapshot, E skips its hash check, the plan and the confirmation say etcd is recovered', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'provision-recover-e2e-'));
    // A copy of a data directory: the database without etcd's sha256 trailer.
    const snapshot = path.join(home, 'db');
    writeFileSync(snapshot, encodeSnapshot({ revision: 7, totalKeys: 3, dbSize: 1 << 20, dbSizeInUse: 1 << 19 }, createRng(1)).subarray(0, -32));
    const listen = await freeSimListen();
    const script = reportingScript(`cd ${root} && env CI=true NO_COLOR=1 HOME=${home} TMPDIR=${home} TALOS_TUI_DEMO_LISTEN=${listen} node dist/talos-tui.js --demo`);
    tmux('new-session', '-d', '-s', 'r', '-x', '120', '-y', '30', 'sh', '-c', script);
    await waitForScreen('r', (t) => t.includes('demo: a cluster to provision'), 'the demo profile in the status line');
    const profile = path.join(home, readdirSync(home).find((d) => d.startsWith('talos-tui-demo-'))!, 'cluster.yaml');

    keys('r', '6');
    await waitForScreen('r', (t) => t.includes('Press o to open one'), 'the Provision pane');
    keys('r', 'o');
    await waitForScreen('r', (t) => t.includes('cluster profile>'), 'the profile field');
    keys('r', '-l', profile);
    keys('r', 'Enter');
    await waitForScreen('r', (t) => t.includes('plan ready: p provisions demo-new') && /^\s*bootstrap: new-cp1\s*$/m.test(t), 'the plan, a fresh bootstrap');

    keys('r', 'e');
    await waitForScreen('r', (t) => t.includes('etcd snapshot to recover from>'), 'the snapshot field');
    keys('r', '-l', snapshot);
    keys('r', 'Enter');
    const refused = await waitForScreen('r', (t) => t.includes('has no sha256 trailer'), 'the local check refusing it');
    expect(refused.replace(/\s+/g, ' ')).toContain('press E to skip the hash check');
    keys('r', 'E');
    const planned = await waitForScreen('r', (t) => t.includes('hash check skipped)'), 'the recovery in the plan');
    expect(planned.replace(/\s*\n\s*/g, ' ')).toMatch(/bootstrap: new-cp1 \(recovering etcd from \S*db, \d+ bytes, hash check skipped\)/);

    keys('r', 'p');
    const confirm = await waitForScreen('r', (t) => t.includes('Provision cluster demo-new?'), 'the confirmation');
    expect(confirm).toContain('etcd is RECOVERED from the snapshot on new-cp1');
    keys('r', 'Escape');
    await waitForScreen('r', (t) => !t.includes('Provision cluster demo-new?') && t.includes('plan ready'), 'the confirmation cancelled');
  }, 60_000);
}, hasTmux ? null : 'tmux is not installed');
