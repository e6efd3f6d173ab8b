// Secrets never reach the screen: the Apply pane's rendered config and the Provision pane's node view
// of a config generated from a fresh secrets bundle show none of the bundle's secret values (tokens,
// the cluster secret, the encryption secret, every CA's private key), while the rest stays readable.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { render, cleanup } from 'ink-testing-library';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import ApplyPane from '../../src/features/apply/index.js';
import { nodeLines } from '../../src/features/provision/views.js';
import { parseInventory, type InventoryNode } from '../../src/core/inventory.js';
import { generateBundle } from '../../src/core/gen/secrets.js';
import { parseContract, type Contract } from '../../src/core/gen/contract.js';
import { renderMachineConfig } from '../../src/core/gen/machine-config.js';
import type { SecretsBundle } from '../../src/core/gen/bundle.js';
import type { PaneProps, ShellApi } from '../../src/ui/pane-types.js';
import { strip } from '../helpers/ink.js';

afterEach(() => cleanup());

let bundle: SecretsBundle;
let config: string;
beforeAll(async () => {
  const contract = parseContract('v1.13') as Contract;
  bundle = await generateBundle(contract);
  config = renderMachineConfig({ bundle, contract, clusterName: 'sec', endpoint: 'https://sec:6443', kubernetesVersion: '1.30.0' }, 'controlplane');
});

/** Every secret value of the bundle, as it appears in a config (keys base64 PEM). */
function secretValues(b: SecretsBundle): string[] {
  const c = b.certs;
  return [b.cluster.secret, b.secrets.bootstrapToken, b.secrets.secretboxEncryptionSecret ?? '', b.trustdToken, c.os.key, c.k8s.key, c.etcd.key, c.k8sAggregator.key, c.k8sServiceAccount.key].filter((s) => s !== '');
}

/** No secret appears, not even the start a line cut at the width would leave (past the common PEM header). */
function expectNoSecret(screen: string): void {
  const flat = screen.replace(/\s+/g, '');
  for (const s of secretValues(bundle)) {
    expect(config).toContain(s); // the value really is in what was rendered
    expect(flat).not.toContain(s.length > 40 ? s.slice(0, 40) : s);
  }
}

describe('secrets on screen', () => {
  it('the Provision node view shows the rendered config redacted', () => {
    const lines = nodeLines({ name: 'cp1', role: 'controlplane', state: 'found', at: '', target: '', stage: 'planned', detail: 'apply', macs: '', pin: '' }, config).join('\n');
    expectNoSecret(lines);
    expect(lines).toContain("  token: '******'");
    expect(lines).toContain('clusterName: sec');
    expect(lines).toContain('    crt: LS0t'); // certificates are public and stay
  });

  it('the Apply pane shows the rendered config redacted, the whole of it on a tall terminal', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'apply-secrets-'));
    mkdirSync(path.join(dir, 'talos'));
    writeFileSync(path.join(dir, 'talos', 'controlplane.yaml'), config);
    const inv = path.join(dir, 'inventory.yaml');
    const invText = 'configDir: ./talos\nnodes:\n  - name: cp1\n    role: controlplane\n';
    writeFileSync(inv, invText);
    const entry: InventoryNode = { name: 'cp1', role: 'controlplane', macs: [], mac: null, address: null, ip: null, hostname: 'cp1', installDisk: null, patches: [] };
    const shell = { setActions: vi.fn(), setStatus: vi.fn(), announce: vi.fn(), navigate: vi.fn(), captureInput: vi.fn(), captureKeys: vi.fn(), getSelectedNodes: () => [], setSelectedNodes: vi.fn(), record: vi.fn(), setWork: vi.fn(), offerNodes: vi.fn() } as ShellApi;
    const props: PaneProps = { session: null, sessionProblem: 'none', width: 240, height: config.split('\n').length + 20, active: true, shell, selectedNodes: [], demo: false };
    const r = render(<ApplyPane {...props} params={{ node: '127.0.0.2', port: 50000, inventoryEntry: entry, inventory: parseInventory(invText, inv), insecure: true, certFingerprint: 'abc=' }} />);
    await vi.waitFor(() => expect(strip(r.lastFrame()!)).toContain('clusterName: sec'));
    const frame = strip(r.lastFrame()!);
    expect(frame).toContain("token: '******'");
    expect(frame).toContain("secretboxEncryptionSecret: '******'");
    expectNoSecret(frame);
  });
});
