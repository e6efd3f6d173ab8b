// etcd methods of MachineService, answered from the shared EtcdCluster so that every control-plane node
// tells the same story. Talos refuses them on non-control-plane machines with Unimplemented.
import { EtcdMemberAlarm_AlarmType as AlarmType, type MachineService } from '../../talos/proto/gen/machine/machine_pb.js';
import { Code, RpcError } from '../../talos/status-codes.js';
import { encodeSnapshot } from '../etcd-snapshot.js';
import type { SimMachine } from '../machine-state.js';
import { createRng, hashSeed } from '../rng.js';
import { sleep, type SimHandlers } from './types.js';

const DEFRAG_MS = 300;
const SNAPSHOT_CHUNK = 32 * 1024;
/** An upload larger than this is refused: the simulator keeps it in memory. */
const MAX_RECOVER_BYTES = 64 * 1024 * 1024;

function requireControlPlane(machine: SimMachine, apiName: string): void {
  if (machine.mode !== 'configured' || machine.role !== 'controlplane') {
    throw new RpcError(Code.UNIMPLEMENTED, `${apiName} is only available on control plane nodes`);
  }
}

/** The local etcd must be up for status/defrag/alarms/snapshot (machined dials 127.0.0.1:2379). */
function requireLocalEtcd(machine: SimMachine, what: string): void {
  if (!machine.etcdRunning()) {
    throw new RpcError(Code.UNKNOWN, `${what}: dial tcp 127.0.0.1:2379: connect: connection refused`);
  }
}

function alarmType(name: 'NOSPACE' | 'CORRUPT'): AlarmType {
  return name === 'NOSPACE' ? AlarmType.NOSPACE : AlarmType.CORRUPT;
}

export const etcdHandlers: SimHandlers<typeof MachineService> = {
  async etcdMemberList(req, { machine }) {
    requireControlPlane(machine, 'member list');
    const etcd = machine.etcd;
    if (req.queryLocal) requireLocalEtcd(machine, 'failed to create etcd client');
    else if (!etcd.memberList().some((m) => m.peer.etcdRunning())) {
      throw new RpcError(Code.UNKNOWN, 'failed to create etcd client: context deadline exceeded');
    }
    const members = etcd.memberList();
    return {
      messages: [
        {
          legacyMembers: members.map((m) => m.name),
          members: members.map((m) => ({
            id: m.id,
            hostname: m.name,
            peerUrls: [`https://${m.peer.ip}:2380`],
            clientUrls: [`https://${m.peer.ip}:2379`],
            isLearner: m.isLearner,
          })),
        },
      ],
    };
  },

  async etcdStatus(_req, { machine }) {
    requireControlPlane(machine, 'etcd status');
    requireLocalEtcd(machine, 'failed to query etcd status');
    const s = machine.etcd.status(machine.memberId);
    return { messages: [{ memberStatus: s }] };
  },

  async etcdAlarmList(_req, { machine }) {
    requireControlPlane(machine, 'etcd alarm list');
    requireLocalEtcd(machine, 'failed to list etcd alarms');
    const alarms = machine.etcd.alarms;
    return { messages: [{ memberAlarms: alarms.map((a) => ({ memberId: a.memberId, alarm: alarmType(a.alarm) })) }] };
  },

  async etcdAlarmDisarm(_req, { machine }) {
    requireControlPlane(machine, 'etcd alarm disarm');
    requireLocalEtcd(machine, 'failed to disarm etcd alarm');
    const was = machine.etcd.disarm();
    for (const m of machine.cluster.machines()) m.refresh();
    return { messages: [{ memberAlarms: was.map((a) => ({ memberId: a.memberId, alarm: alarmType(a.alarm) })) }] };
  },

  async etcdDefragment(_req, { machine, signal }) {
    requireControlPlane(machine, 'etcd defragment');
    requireLocalEtcd(machine, 'failed to defragment etcd');
    machine.serviceLog('etcd')?.append(JSON.stringify({ level: 'info', ts: new Date().toISOString(), caller: 'backend/backend.go:497', msg: 'defragmenting', path: '/var/lib/etcd/member/snap/db' }));
    // Defragmentation blocks the member for a moment.
    const etcd = machine.etcd;
    const startedAt = Date.now();
    etcd.defragsRunning++;
    etcd.maxConcurrentDefrags = Math.max(etcd.maxConcurrentDefrags, etcd.defragsRunning);
    try {
      await sleep(DEFRAG_MS, signal);
      etcd.defragment(machine.memberId);
    } finally {
      etcd.defragsRunning--;
      etcd.defragLog.push({ memberId: machine.memberId, startedAt, finishedAt: Date.now() });
    }
    machine.serviceLog('etcd')?.append(JSON.stringify({ level: 'info', ts: new Date().toISOString(), caller: 'backend/backend.go:549', msg: 'finished defragmenting directory' }));
    return { messages: [{}] };
  },

  async etcdForfeitLeadership(_req, { machine }) {
    requireControlPlane(machine, 'etcd forfeit leadership');
    requireLocalEtcd(machine, 'failed to create etcd client');
    try {
      const member = machine.etcd.forfeit(machine.memberId);
      if (member) machine.machinedLog(`[talos] moving leadership from "${machine.hostname}" to "${member}"`);
      return { messages: [{ member }] };
    } catch (err) {
      throw new RpcError(Code.UNKNOWN, `failed to forfeit leadership: ${(err as Error).message}`);
    }
  },

  async etcdLeaveCluster(_req, { machine }) {
    requireControlPlane(machine, 'etcd leave cluster');
    requireLocalEtcd(machine, 'failed to create etcd client');
    machine.etcd.remove(machine.memberId);
    const rec = machine.services.get('etcd');
    if (rec) {
      rec.state = 'Finished';
      rec.events.push({ msg: 'Service finished successfully', state: 'Finished', ts: new Date() });
    }
    for (const m of machine.cluster.machines()) m.refresh();
    return { messages: [{}] };
  },

  async etcdRemoveMemberByID(req, { machine }) {
    requireControlPlane(machine, 'etcd remove member');
    requireLocalEtcd(machine, 'failed to create etcd client');
    if (!machine.etcd.remove(req.memberId)) {
      throw new RpcError(Code.UNKNOWN, `failed to remove member ${req.memberId.toString(16)}: etcdserver: member not found`);
    }
    return { messages: [{}] };
  },

  async etcdSnapshot(_req, { machine, signal }, send) {
    requireControlPlane(machine, 'etcd snapshot');
    requireLocalEtcd(machine, 'failed reading etcd snapshot');
    const rng = createRng(hashSeed(machine.cluster.seed, 'snapshot', machine.memberId.toString()));
    const file = encodeSnapshot(machine.etcd.snapshotData(machine.memberId), rng);
    for (let off = 0; off < file.length && !signal.aborted; off += SNAPSHOT_CHUNK) {
      await send({ bytes: file.subarray(off, off + SNAPSHOT_CHUNK) });
    }
  },

  // Talos v1.13 writes the upload to /var/lib/etcd.snapshot (replacing an earlier one) whatever the
  // state of etcd: the checks come with Bootstrap (recover_etcd). A broken upload leaves nothing.
  async etcdRecover(requests, { machine }) {
    machine.etcdRecoverCalls++;
    requireControlPlane(machine, 'etcd recover');
    machine.recoverySnapshot = undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const { bytes } of requests) {
      size += bytes.length;
      if (size > MAX_RECOVER_BYTES) throw new RpcError(Code.UNKNOWN, 'error writing snapshot: write /var/lib/etcd.snapshot: no space left on device');
      chunks.push(Buffer.from(bytes));
    }
    machine.recoverySnapshot = Buffer.concat(chunks);
    return { messages: [{}] };
  },
};
