// Shared by the gen differential tests: the oracle's `gen` answer, upstream's stability option sets and
// talosctl's defaults, and the oracle request for a set of generator inputs.
import type { GenerateOptions } from '../../src/core/gen/machine-config.js';

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
