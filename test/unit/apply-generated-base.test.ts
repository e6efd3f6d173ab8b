// The Apply pane's inputs from a profile that names a secrets bundle instead of ready base configs
// (issue 8, "everywhere else"): the role's base is generated from the bundle, as provisioning does,
// and read again on every render, so an edited profile is never rendered stale.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { inputsFromInventory, renderInputs } from '../../src/ops/apply-inputs.js';
import { parseInventory } from '../../src/core/inventory.js';

/** The profile as Discovery hands it to Apply: parsed. */
const parsed = (file: string) => parseInventory(readFileSync(file, 'utf8'), file);
import { newSecretsBundle, resolveContract } from '../../src/ops/gen.js';

describe('Apply inputs from a secrets: profile', () => {
  let dir: string;
  let profile: string;
  let bundle: { trustdinfo?: unknown; certs: { os: { crt: string } } };

  const writeProfile = (name: string) =>
    writeFileSync(
      profile,
      `cluster: { name: ${name}, endpoint: "https://127.0.0.1:6443", talosVersion: v1.13 }\nsecrets: secrets.yaml\nnodes:\n  - { name: cp1, role: controlplane, mac: "02:00:00:00:00:01", patches: [cp1.yaml] }\n  - { name: w1, role: worker, mac: "02:00:00:00:00:02" }\n`,
    );

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'apply-generated-'));
    const text = await newSecretsBundle(resolveContract('v1.13'));
    bundle = parse(text) as typeof bundle;
    writeFileSync(path.join(dir, 'secrets.yaml'), text, { mode: 0o600 });
    writeFileSync(path.join(dir, 'cp1.yaml'), 'machine:\n  network:\n    hostname: cp1\n');
    profile = path.join(dir, 'cluster.yaml');
    writeProfile('first');
  }, 60_000);

  it("generates the role's base from the bundle and applies the node's patches", () => {
    const inputs = inputsFromInventory({ role: 'controlplane', patches: ['cp1.yaml'] }, parsed(profile));
    expect(inputs.base).toBeNull();
    expect(inputs.generated).toEqual({ profile, role: 'controlplane' });
    const r = renderInputs(inputs);
    if (!r.ok) throw new Error(r.error);
    const v1alpha1 = parseAllDocuments(r.config)[0]!.toJS() as { machine: { type: string; ca: { crt: string }; network: { hostname: string } }; cluster: { clusterName: string } };
    expect(v1alpha1.machine.type).toBe('controlplane');
    expect(v1alpha1.machine.ca.crt).toBe(bundle.certs.os.crt);
    expect(v1alpha1.machine.network.hostname).toBe('cp1');
    expect(v1alpha1.cluster.clusterName).toBe('first');
  });

  it('renders a worker base for a worker, and follows an edited profile', () => {
    writeProfile('second');
    const r = renderInputs(inputsFromInventory({ role: 'worker', patches: [] }, parsed(profile)));
    if (!r.ok) throw new Error(r.error);
    const v1alpha1 = parseAllDocuments(r.config)[0]!.toJS() as { machine: { type: string }; cluster: { clusterName: string } };
    expect(v1alpha1.machine.type).toBe('worker');
    expect(v1alpha1.cluster.clusterName).toBe('second');
  });

  it('refuses a secrets: profile whose version contract is not pinned (a later release would regenerate other bytes)', () => {
    const other = path.join(dir, 'unpinned.yaml');
    writeFileSync(other, `cluster: { name: x, endpoint: "https://127.0.0.1:6443" }\nsecrets: secrets.yaml\nnodes:\n  - { name: cp1, role: controlplane, mac: "02:00:00:00:00:01" }\n`);
    const r = renderInputs(inputsFromInventory({ role: 'controlplane', patches: [] }, parsed(other)));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/cluster\.talosVersion is missing.*add talosVersion: v1\.\d+/);
  });

  it('says which file is at fault when the bundle is missing', () => {
    const other = path.join(dir, 'broken.yaml');
    writeFileSync(other, `cluster: { name: x, endpoint: "https://127.0.0.1:6443", talosVersion: v1.13 }\nsecrets: nowhere.yaml\nnodes:\n  - { name: cp1, role: controlplane, mac: "02:00:00:00:00:01" }\n`);
    const r = renderInputs(inputsFromInventory({ role: 'controlplane', patches: [] }, parsed(other)));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/nowhere\.yaml/);
  });
});
