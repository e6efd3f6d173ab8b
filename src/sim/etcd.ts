// The simulated etcd cluster shared by the control-plane nodes: one source of truth, so that member lists,
// leaders and alarms agree whichever node is asked (as they do in a real cluster).
import type { EtcdMemberStatus } from '../talos/proto/gen/machine/machine_pb.js';
import type { EtcdData } from './etcd-snapshot.js';
import type { Rng } from './rng.js';

export type EtcdAlarmName = 'NOSPACE' | 'CORRUPT';

/** What etcd needs to know about the node a member runs on. */
export interface EtcdPeer {
  memberId: bigint;
  hostname: string;
  ip: string;
  /** False while the node is down or its etcd service is not running. */
  etcdRunning(): boolean;
}

export interface EtcdMemberState {
  id: bigint;
  peer: EtcdPeer;
  /** etcd member name: the node's hostname when it joined. */
  name: string;
  isLearner: boolean;
  dbSize: number;
  dbSizeInUse: number;
}

/** The wire message's fields, without protobuf-es's bookkeeping: what a node's EtcdStatus reports. */
export type EtcdMemberStatusInfo = Omit<EtcdMemberStatus, '$typeName' | '$unknown'>;

export const ETCD_VERSION = '3.6.5';

export class EtcdCluster {
  bootstrapped = false;
  /** Set when the cluster was bootstrapped from a snapshot: what it restored (every member's db). */
  restored?: EtcdData;
  leader = 0n;
  alarms: { memberId: bigint; alarm: EtcdAlarmName }[] = [];
  private readonly members = new Map<bigint, EtcdMemberState>();
  private raftTerm = 0;
  private readonly raftBase: number;
  private readonly raftEpoch = Date.now();

  constructor(private readonly rng: Rng) {
    this.raftBase = 20_000 + rng.int(80_000);
    this.fresh = { revision: 1_000 + rng.int(9_000), totalKeys: 300 + rng.int(1_200) };
  }

  /** What a snapshot taken on member `id` holds. */
  snapshotData(id: bigint): EtcdData {
    const m = this.members.get(id)!;
    const { revision, totalKeys } = this.restored ?? this.fresh;
    return { revision, totalKeys, dbSize: m.dbSize, dbSizeInUse: m.dbSizeInUse };
  }

  memberList(): EtcdMemberState[] {
    return [...this.members.values()];
  }

  member(id: bigint): EtcdMemberState | undefined {
    return this.members.get(id);
  }

  /** Revision and key count of what the cluster holds (a fresh one: the objects a new cluster makes). */
  private readonly fresh: { revision: number; totalKeys: number };

  /** `talosctl bootstrap`: a one-member cluster led by this peer; with `restored`, one recovered from a snapshot. */
  bootstrap(peer: EtcdPeer, restored?: EtcdData): void {
    this.bootstrapped = true;
    this.restored = restored;
    this.add(peer);
    this.leader = peer.memberId;
    this.raftTerm = 2;
  }

  /** A control-plane node joins an already bootstrapped cluster. */
  join(peer: EtcdPeer): void {
    if (!this.bootstrapped || this.members.has(peer.memberId)) return;
    this.add(peer);
  }

  remove(id: bigint): boolean {
    const removed = this.members.delete(id);
    this.alarms = this.alarms.filter((a) => a.memberId !== id);
    if (removed && this.leader === id) this.elect();
    return removed;
  }

  private add(peer: EtcdPeer): void {
    if (this.restored) {
      // A recovered cluster's members all hold the restored database.
      const { dbSize, dbSizeInUse } = this.restored;
      this.members.set(peer.memberId, { id: peer.memberId, peer, name: peer.hostname, isLearner: false, dbSize, dbSizeInUse });
      return;
    }
    const dbSize = (18 + this.rng.int(40)) * 1024 * 1024 + this.rng.int(1024 * 1024);
    const dbSizeInUse = Math.floor(dbSize * (0.35 + this.rng.next() * 0.35));
    this.members.set(peer.memberId, { id: peer.memberId, peer, name: peer.hostname, isLearner: false, dbSize, dbSizeInUse });
  }

  /** Pick a new leader when the current one is gone or not running (a new raft term). */
  elect(): void {
    const current = this.members.get(this.leader);
    if (current && current.peer.etcdRunning()) return;
    const next = this.memberList().find((m) => m.id !== this.leader && m.peer.etcdRunning());
    const leader = next ? next.id : 0n;
    if (leader === this.leader) return;
    this.leader = leader;
    // A new election is a new term (also when the old leader comes back and wins it).
    this.raftTerm += 1;
  }

  /** Move leadership away from `id` when it leads; returns the new leader's name, '' when it did not lead. */
  forfeit(id: bigint): string {
    if (this.members.size === 1) throw new Error('cannot forfeit leadership, only one member');
    if (this.leader !== id) return '';
    const next = this.memberList().find((m) => m.id !== id && m.peer.etcdRunning());
    if (!next) return '';
    this.leader = next.id;
    this.raftTerm += 1;
    return next.name;
  }

  /** Defragmentations in progress now, the most ever in progress at once, and each one's span:
   *  lets tests check that a client defragments one member at a time. */
  defragsRunning = 0;
  maxConcurrentDefrags = 0;
  defragLog: { memberId: bigint; startedAt: number; finishedAt: number }[] = [];

  /** Defragmentation frees the unused pages: the file shrinks to what is in use. */
  defragment(id: bigint): void {
    const m = this.members.get(id);
    if (m) m.dbSize = m.dbSizeInUse;
  }

  raise(id: bigint, alarm: EtcdAlarmName): void {
    if (!this.alarms.some((a) => a.memberId === id && a.alarm === alarm)) this.alarms.push({ memberId: id, alarm });
  }

  /** Disarm every alarm; returns the ones that were active (as etcd's AlarmDisarm answers). */
  disarm(): { memberId: bigint; alarm: EtcdAlarmName }[] {
    const was = this.alarms;
    this.alarms = [];
    return was;
  }

  /** The raft index keeps moving while the cluster lives: ~15 entries a second. */
  private raftIndex(): bigint {
    return BigInt(this.raftBase + Math.floor(((Date.now() - this.raftEpoch) / 1000) * 15));
  }

  status(id: bigint): EtcdMemberStatusInfo {
    this.elect();
    const m = this.members.get(id)!;
    const index = this.raftIndex();
    return {
      protocolVersion: ETCD_VERSION,
      storageVersion: '3.6.0',
      dbSize: BigInt(m.dbSize),
      dbSizeInUse: BigInt(m.dbSizeInUse),
      leader: this.leader,
      raftIndex: index,
      raftTerm: BigInt(this.raftTerm),
      raftAppliedIndex: index,
      // etcd reports every active alarm of the cluster in each member's status.
      errors: this.alarms.map((a) => `alarm:${a.alarm}`),
      isLearner: m.isLearner,
      memberId: m.id,
    };
  }
}
