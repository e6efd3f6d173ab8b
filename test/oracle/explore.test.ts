import { it } from 'vitest';
import { startSimOnFreeLoopback } from '../helpers/loopback.js';
import { runOracleAsync } from './oracle.js';

it('explore', async () => {
  const sim = await startSimOnFreeLoopback({ configured: 1, maintenance: 1 });
  try {
    const cp = sim.node('cp1')!;
    const m = sim.node('m1')!;
    const calls = [
      { call: 'Version' }, { call: 'ServiceList' }, { call: 'EtcdStatus' }, { call: 'EtcdMemberList' }, { call: 'EtcdAlarmList' },
      { call: 'Get', namespace: 'network', type: 'HostnameStatuses.net.talos.dev', id: 'hostname' },
      { call: 'List', namespace: 'network', type: 'LinkStatuses.net.talos.dev' },
      { call: 'Watch', namespace: 'runtime', type: 'MetaKeys.runtime.talos.dev' },
      { call: 'Logs', id: 'apid', tail: 3 }, { call: 'Dmesg' },
      { call: 'Kubeconfig' },
    ];
    const r = await runOracleAsync('client', JSON.stringify({ talosconfig: sim.talosconfigText, node: cp.ip, timeoutMs: 3000, calls }));
    console.log((r as any[]).map((x) => `${x.call}: ${x.error ? JSON.stringify(x.error) : JSON.stringify(x.result).slice(0, 400)}`).join('\n'));
    const mcalls = [{ call: 'Version' }, { call: 'List', namespace: 'network', type: 'LinkStatuses.net.talos.dev' }, { call: 'List', namespace: 'runtime', type: 'MachineStatuses.runtime.talos.dev' }, { call: 'Get', namespace: 'config', type: 'MachineTypes.config.talos.dev', id: 'machine-type' }, { call: 'List', namespace: 'secrets', type: 'OSRootSecrets.secrets.talos.dev' }, { call: 'MetaWrite', key: 10, data: 'a: b' }, { call: 'ServiceList' }];
    const r2 = await runOracleAsync('client', JSON.stringify({ maintenance: m.address, fingerprints: [m.leafFingerprint], timeoutMs: 3000, calls: mcalls }));
    console.log((r2 as any[]).map((x) => `${x.call}: ${x.error ? JSON.stringify(x.error) : JSON.stringify(x.result).slice(0, 300)}`).join('\n'));
  } finally {
    await sim.stop();
  }
});
