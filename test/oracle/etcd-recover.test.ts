// Etcd recovery through machinery's own client (what talosctl bootstrap --recover-from runs): its
// EtcdRecover upload (client streaming of common.Data) and Bootstrap(recover_etcd) against the
// simulator. The simulator must take Talos's upload, restore from it, and refuse as Talos does.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { encodeSnapshot } from '../../src/sim/etcd-snapshot.js';
import type { SimCluster } from '../../src/sim/index.js';
import { createRng } from '../../src/sim/rng.js';
import { startSimOnFreeLoopback } from '../helpers/loopback.js';
import { describeOracle, runOracleAsync } from './oracle.js';

interface CallResult {
  call: string;
  result?: unknown;
  error?: { code: string; message: string };
}

describeOracle("etcd recovery vs Talos's own client (machinery/client)", () => {
  let sim: SimCluster;

  beforeAll(async () => {
    sim = await startSimOnFreeLoopback({ configured: 2, maintenance: 0, bootstrapped: false, logLinesPerSecond: 0 });
  });
  afterAll(() => sim?.stop());

  const calls = (node: string, list: Record<string, unknown>[]) =>
    runOracleAsync<CallResult[]>('client', JSON.stringify({ talosconfig: sim.talosconfigText, node, timeoutMs: 10_000, calls: list }));

  it('uploads with EtcdRecover and recovers with Bootstrap(recover_etcd)', async () => {
    const data = { revision: 4193, totalKeys: 1287, dbSize: 3_035_136, dbSizeInUse: 2_015_264 };
    const snapshot = encodeSnapshot(data, createRng(7));
    const cp1 = sim.node('cp1')!;
    const results = await calls(cp1.ip, [
      { call: 'EtcdRecover', dataBase64: snapshot.toString('base64') },
      { call: 'Bootstrap', recoverEtcd: true },
    ]);
    expect(results.map((r) => r.error)).toEqual([undefined, undefined]);
    expect(cp1.machine.etcdRecoverCalls).toBe(1);
    expect(cp1.machine.etcd.restored).toEqual(data);
    expect(cp1.machine.services.get('etcd')?.state).toBe('Running');
  });

  it('refuses the upload on a worker as Talos does (Unimplemented)', async () => {
    const [r] = await calls(sim.node('w1')!.ip, [{ call: 'EtcdRecover', dataBase64: Buffer.from('x').toString('base64') }]);
    expect(r!.error).toEqual({ code: 'Unimplemented', message: 'etcd recover is only available on control plane nodes' });
  });

  it('refuses a second Bootstrap once etcd has data (AlreadyExists)', async () => {
    const [r] = await calls(sim.node('cp1')!.ip, [{ call: 'Bootstrap', recoverEtcd: true }]);
    expect(r!.error).toEqual({ code: 'AlreadyExists', message: 'etcd data directory is not empty' });
  });
});
