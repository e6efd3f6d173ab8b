// gen: how long native generation takes, against Talos's own Go generator (the oracle) in the same run.
//   node test/bench/run.mjs test/bench/gen.ts
// Prints per-call times for: rendering controlplane+worker for a contract (in-process), the whole
// generateClusterConfigs (configs + an Ed25519 client certificate + talosconfig), the oracle doing the
// same (one process per call, as talosctl would run), and a new secrets bundle (RSA-4096 dominates).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseContract, type Contract } from '../../src/core/gen/contract.js';
import { renderBundle } from '../../src/core/gen/bundle.js';
import { renderMachineConfig } from '../../src/core/gen/machine-config.js';
import { generateBundle } from '../../src/core/gen/secrets.js';
import { generateClusterConfigs } from '../../src/ops/gen.js';
import { time } from './time-per-call.js';

const ORACLE = join(process.cwd(), 'oracle', 'bin', 'talos-oracle');

const contract = parseContract('v1.14') as Contract;
let start = performance.now();
const bundle = await generateBundle(contract);
console.log(`${'gen secrets: new bundle (v1.14, RSA-4096 service-account key)'.padEnd(58)} ${(performance.now() - start).toFixed(1).padStart(9)} ms`);
start = performance.now();
await generateBundle(parseContract('v1.6') as Contract);
console.log(`${'gen secrets: new bundle (v1.6, ECDSA service-account key)'.padEnd(58)} ${(performance.now() - start).toFixed(1).padStart(9)} ms`);

const inputs = { clusterName: 'bench', endpoint: 'https://10.0.0.5:6443', kubernetesVersion: '1.37.0', bundle, installDisk: '/dev/sda' };
for (const name of ['v1.3', 'v1.13', 'v1.14']) {
  const c = parseContract(name) as Contract;
  time(`render controlplane + worker, ${name}`, 500, () => {
    renderMachineConfig({ ...inputs, contract: c }, 'controlplane');
    renderMachineConfig({ ...inputs, contract: c }, 'worker');
  });
}
const ours = time('generateClusterConfigs v1.14 (configs + client cert)', 200, () => generateClusterConfigs({ ...inputs, secrets: bundle, contract: 'v1.14' }));

if (existsSync(ORACLE)) {
  const request = JSON.stringify({ secrets: renderBundle(bundle), clusterName: 'bench', endpoint: 'https://10.0.0.5:6443', kubernetesVersion: '1.37.0', contract: 'v1.14', options: { installDisk: '/dev/sda' } });
  const theirs = time('Talos machinery via the oracle, v1.14 (one process per call)', 20, () => spawnSync(ORACLE, ['gen'], { input: request }));
  console.log(`ratio oracle / native: ${(theirs / ours).toFixed(1)}x`);
} else {
  console.log('oracle not built (npm run oracle:build): no Go baseline');
}
