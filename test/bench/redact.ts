// redact: what keeping secrets off the screen costs. The Apply pane redacts a config once per render
// (state.ts) and the Provision pane once per change of its node view (useMemo), not per frame; a baseline from
// the same run is splitting the config into lines (what a frame does with it), and the ratio is printed.
//   node test/bench/run.mjs test/bench/redact.ts
import { parseContract, type Contract } from '../../src/core/gen/contract.js';
import { renderMachineConfig } from '../../src/core/gen/machine-config.js';
import { generateBundle } from '../../src/core/gen/secrets.js';
import { redactConfig } from '../../src/core/config-redact.js';
import { redactNodeReply } from '../../src/core/secret-lines.js';
import { unifiedDiff } from '../../src/core/diff/unified.js';
import { time } from './time-per-call.js';

const contract = parseContract('v1.13') as Contract;
const bundle = await generateBundle(contract);
const config = renderMachineConfig({ bundle, contract, clusterName: 'b', endpoint: 'https://b:6443', kubernetesVersion: '1.30.0' }, 'controlplane');
console.log(`controlplane config: ${config.length} bytes, ${config.split('\n').length} lines`);
const base = time('baseline: split into lines (the view before)', 2000, () => config.split('\n'));
let n = 0;
const red = time('redactConfig (a new config each call)', 200, () => redactConfig(`${config}# ${n++}\n`));
const reply = `Dry run summary:\nApplied configuration without a reboot (skipped in dry-run).\n\nConfig diff:\n\n${unifiedDiff(config, config.replace(/token: .*/g, 'token: x').replace('type: controlplane', 'type: worker'), { context: 1000 }).join('\n')}\n`;
time(`redactNodeReply (a ${reply.split('\n').length}-line dry-run reply)`, 200, () => redactNodeReply(reply, '******'));
console.log(`ratio redactConfig/baseline ${(red / base).toFixed(0)}x`);
