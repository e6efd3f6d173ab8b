// gen config against Talos's own generator (oracle `gen`): for every contract the pinned machinery knows,
// both of upstream's stability flavours ("base" and "overrides") and talosctl's defaults, controlplane and
// worker, the bytes with comments disabled must be identical. The secrets bundle is the pinned module's
// stability secrets.yaml, read from the Go module cache at test time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parseBundle } from '../../src/core/gen/bundle.js';
import { parseContract, SUPPORTED_CONTRACTS, type Contract } from '../../src/core/gen/contract.js';
import { renderMachineConfig, type GenerateOptions } from '../../src/core/gen/machine-config.js';
import { describeOracle, runOracle } from './oracle.js';
import { stabilityDir } from './stability.js';

export interface OracleGen {
  error?: string;
  controlplane: string;
  worker: string;
  controlplaneDocumented: string;
  workerDocumented: string;
  talosconfig: string;
  clientCert: Record<string, unknown>;
}

type Flavour = Omit<GenerateOptions, 'bundle' | 'contract' | 'clusterName' | 'endpoint' | 'kubernetesVersion'>;

// Upstream's stability test option sets (v1alpha1_stability_test.go), and talosctl gen config's defaults.
export const FLAVOURS: Record<string, Flavour> = {
  base: {},
  overrides: {
    additionalSANs: ['foo', 'bar'],
    allowSchedulingOnControlPlanes: true,
    dnsDomain: 'example.com',
    installDisk: '/dev/vda',
    installExtraKernelArgs: ['foo=bar', 'bar=baz'],
    localAPIServerPort: 5443,
    sysctls: { foo: 'bar' },
    cniURL: 'https://example.com/cni.yaml',
    registryMirrors: [['ghcr.io', 'https://ghcr.io.my-mirror.com']],
  },
  talosctl: { installDisk: '/dev/sda', installImage: 'ghcr.io/siderolabs/installer:v1.14.1', dnsDomain: 'cluster.local', discovery: true, kubespan: true },
};

/** The oracle's request for the same inputs. */
export function oracleRequest(secrets: string, contract: string, o: Omit<GenerateOptions, 'bundle' | 'contract'>) {
  return {
    secrets,
    clusterName: o.clusterName,
    endpoint: o.endpoint,
    kubernetesVersion: o.kubernetesVersion,
    contract,
    options: {
      installDisk: o.installDisk,
      installImage: o.installImage,
      additionalSANs: o.additionalSANs,
      dnsDomain: o.dnsDomain,
      allowSchedulingOnControlPlanes: o.allowSchedulingOnControlPlanes ?? false,
      installExtraKernelArgs: o.installExtraKernelArgs,
      localAPIServerPort: o.localAPIServerPort ?? 0,
      sysctls: o.sysctls,
      cniURL: o.cniURL ?? '',
      registryMirrors: o.registryMirrors,
      discovery: o.discovery,
      kubespan: o.kubespan ?? false,
    },
  };
}

describeOracle('gen config: byte-identical to Talos machinery with comments disabled', () => {
  const secrets = readFileSync(join(stabilityDir(), 'secrets.yaml'), 'utf8');
  const bundle = parseBundle(secrets, 'stability secrets.yaml');

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
