// Talos version contracts ("--talos-version v1.X"): which config a given Talos release expects. Config
// generation is only backwards compatible, so the contract fixed when a cluster was created must be used
// for every regeneration. The supported set is exactly what the pinned Talos machinery (v1.14.1) knows:
// v1.3 .. v1.14. The feature switches below are machinery's `VersionContract` methods, by the contract
// that first has each behaviour.

export interface Contract {
  major: 1;
  minor: number;
}

export const OLDEST_MINOR = 3;
export const NEWEST_MINOR = 14;

/** Every supported contract, oldest first. */
export const SUPPORTED_CONTRACTS: readonly string[] = Array.from({ length: NEWEST_MINOR - OLDEST_MINOR + 1 }, (_, i) => `v1.${OLDEST_MINOR + i}`);

/** The Talos release of the pinned machinery; talosctl of that release uses it for the default installer. */
export const MACHINERY_VERSION = 'v1.14.1';

/** Why `text` is not a supported contract, or the contract. Accepts "v1.13", "1.13", "v1.13.2" like talosctl. */
export function parseContract(text: string): Contract | string {
  const m = /^v?(\d+)\.(\d+)($|\.)/.exec(text.trim());
  if (!m) return `"${text}" is not a Talos version (write it as v1.X, for example ${SUPPORTED_CONTRACTS.at(-1)})`;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major !== 1 || minor < OLDEST_MINOR || minor > NEWEST_MINOR) {
    return `Talos version contract v${major}.${minor} is not supported (supported: ${SUPPORTED_CONTRACTS.join(', ')})`;
  }
  return { major: 1, minor };
}

export const contractName = (c: Contract): string => `v${c.major}.${c.minor}`;

/** "newer than v1.N": machinery's `contract.Greater(TalosVersion1_N)`. */
const after = (c: Contract, minor: number): boolean => c.minor > minor;

/** The behaviours of a contract that change what gets generated. */
export function features(c: Contract) {
  return {
    kubeletSeccompDefault: after(c, 1),
    discoveryKubernetesBackendDisabled: after(c, 1),
    apidExtKeyUsageCheck: after(c, 2),
    kubeletManifestsDirectoryDisabled: after(c, 2),
    stableHostname: after(c, 1),
    diskQuotaSupport: after(c, 4),
    kubePrism: after(c, 5),
    hostDNS: after(c, 6),
    rsaServiceAccountKey: after(c, 6),
    clusterNameForWorkers: after(c, 7),
    hostDNSForwardKubeDNSToHost: after(c, 7),
    excludeFromExternalLoadBalancer: after(c, 7),
    multidocNetwork: after(c, 11),
    hideDisablePSP: after(c, 11),
    hideRBACAndKeyUsage: after(c, 11),
    populateClusterSANsFromEndpoint: !after(c, 11),
    grubUseUKICmdline: after(c, 11),
    kubeSpanMultidoc: after(c, 12),
    multidocKubernetes: after(c, 13), // also: discovery service/identity, host DNS, unattended install,
    // sysctls, filesystem trim and workload isolation move to their own documents with v1.14
  };
}
export type ContractFeatures = ReturnType<typeof features>;

/**
 * The Kubernetes version a contract's clusters get by default: the newest minor that Talos release supports
 * (machinery's compatibility tables: v1.3 runs up to Kubernetes 1.26, ..., v1.14 up to 1.37). For v1.14 this
 * is talosctl's own default (constants.DefaultKubernetesVersion, 1.37.0).
 */
export function defaultKubernetesVersion(c: Contract): string {
  return `1.${c.minor + 23}.0`;
}

/** talosctl's default --install-image: the installer of its own release (the pinned machinery's). */
export const DEFAULT_INSTALL_IMAGE = `ghcr.io/siderolabs/installer:${MACHINERY_VERSION}`;
/** talosctl's default --install-disk. */
export const DEFAULT_INSTALL_DISK = '/dev/sda';
