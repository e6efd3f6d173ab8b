// gen config against Talos's own generator (oracle `gen`): for every contract the pinned machinery knows,
// both of upstream's stability flavours ("base" and "overrides") and talosctl's defaults, controlplane and
// worker, the bytes with comments disabled must be identical. The secrets bundle is the pinned module's
// stability secrets.yaml, read from the Go module cache at test time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { parseBundle, renderBundle, type SecretsBundle } from '../../src/core/gen/bundle.js';
import { generateBundle } from '../../src/core/gen/secrets.js';
import { parseContract, SUPPORTED_CONTRACTS, type Contract } from '../../src/core/gen/contract.js';
import { renderMachineConfig } from '../../src/core/gen/machine-config.js';
import { FLAVOURS, oracleRequest, type OracleGen } from './gen-helpers.js';
import { describeOracle, runOracle } from './oracle.js';
import { stabilityDir, stabilitySecrets } from './stability.js';

describeOracle('gen config: byte-identical to Talos machinery with comments disabled', () => {
  let secrets = '';
  let bundle: SecretsBundle;
  beforeAll(() => {
    secrets = stabilitySecrets();
    bundle = parseBundle(secrets, 'stability secrets.yaml');
  });

  for (const name of SUPPORTED_CONTRACTS) {
    for (const [flavour, options] of Object.entries(FLAVOURS)) {
      it(`${name} ${flavour}: controlplane and worker`, () => {
        const contract = parseContract(name) as Contract;
        const inputs = { clusterName: 'base', endpoint: 'https://base:6443', kubernetesVersion: '1.28.0', ...options };
        const talos = runOracle<OracleGen>('gen', JSON.stringify(oracleRequest(secrets, name, inputs)));
        expect(talos.error).toBeUndefined();
        for (const machineType of ['controlplane', 'worker'] as const) {
          expect(renderMachineConfig({ ...inputs, bundle, contract }, machineType)).toBe(talos[machineType]);
        }
      });
    }
  }

  it('a bundle of our own (RSA-4096 service-account key, fresh CAs) gives Talos\'s bytes too', async () => {
    for (const name of ['v1.6', 'v1.13', 'v1.14']) {
      const contract = parseContract(name) as Contract;
      const ours = await generateBundle(contract);
      const inputs = { clusterName: 'fresh', endpoint: 'https://[fd00::5]:6443', kubernetesVersion: '1.30.0', ...FLAVOURS.talosctl };
      const talos = runOracle<OracleGen>('gen', JSON.stringify(oracleRequest(renderBundle(ours), name, inputs)));
      for (const machineType of ['controlplane', 'worker'] as const) {
        expect(renderMachineConfig({ ...inputs, bundle: ours, contract }, machineType), `${name} ${machineType}`).toBe(talos[machineType]);
      }
    }
  }, 60_000);

  it('an install disk that needs escaping lands in the v1.14 disk selector as Go quotes it', () => {
    const contract = parseContract('v1.14') as Contract;
    const inputs = { clusterName: 'q', endpoint: 'https://q:6443', kubernetesVersion: '1.30.0', installDisk: '/dev/we"ird\\path\tx\u0001' };
    const talos = runOracle<OracleGen>('gen', JSON.stringify(oracleRequest(secrets, 'v1.14', inputs)));
    expect(talos.error).toBeUndefined();
    expect(renderMachineConfig({ ...inputs, bundle, contract }, 'worker')).toBe(talos.worker);
  });

  it('the "base" flavour also equals upstream\'s recorded fixtures (which need no patch)', () => {
    for (const name of SUPPORTED_CONTRACTS) {
      const contract = parseContract(name) as Contract;
      for (const machineType of ['controlplane', 'worker'] as const) {
        const recorded = readFileSync(join(stabilityDir(), name, `base-${machineType}.yaml`), 'utf8');
        const ours = renderMachineConfig({ clusterName: 'base', endpoint: 'https://base:6443', kubernetesVersion: '1.28.0', bundle, contract }, machineType);
        expect(ours, `${name} ${machineType}`).toBe(recorded);
      }
    }
  });
});
