// The Talos API simulator: fake Talos nodes on loopback that speak the real wire protocol, for
// `talos-tui --demo`, `talos-tui sim`, integration tests and benchmarks.
export { startSimCluster, type SimCluster, type SimClusterOptions } from './cluster.js';
export type { SimNode } from './node.js';
export { writeTalosconfig, endpointFor } from './talosconfig.js';
export { spkiFingerprint } from './pki.js';
export { TALOS_VERSION } from './machine-state.js';
