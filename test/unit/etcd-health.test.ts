import { describe, expect, it } from 'vitest';
import { analyzeEtcd, formatMemberId, humanBytes, type EtcdMemberLike, type EtcdNodeResult, type EtcdStatusLike } from '../../src/core/etcd/health.js';

// The three members of the etcd Maintenance guide's `talosctl etcd status` example.
const CP1 = 0xecebb05b59a776f1n;
const CP2 = 0xa49c021e76e707dbn;
const CP3 = 0xeb47fb33e59bf0e2n;

const member = (id: bigint, hostname: string, isLearner = false): EtcdMemberLike => ({
  id,
  hostname,
  peerUrls: [`https://${hostname}:2380`],
  clientUrls: [`https://${hostname}:2379`],
  isLearner,
});
const MEMBERS = [member(CP1, 'cp1'), member(CP2, 'cp2'), member(CP3, 'cp3')];

function status(memberId: bigint, dbSize: number, inUse: number, over: Partial<EtcdStatusLike> = {}): EtcdStatusLike {
  return {
    memberId,
    dbSize: BigInt(Math.round(dbSize)),
    dbSizeInUse: BigInt(Math.round(inUse)),
    leader: CP1,
    raftIndex: 53391n,
    raftTerm: 4n,
    raftAppliedIndex: 53391n,
    errors: [],
    isLearner: false,
    ...over,
  };
}

/** A healthy, freshly defragmented cluster. */
function healthy(): EtcdNodeResult[] {
  return [
    { node: '10.0.0.11', members: MEMBERS, status: status(CP1, 4_500_000, 4_500_000), alarms: [] },
    { node: '10.0.0.12', members: MEMBERS, status: status(CP2, 4_600_000, 4_400_000), alarms: [] },
    { node: '10.0.0.13', members: MEMBERS, status: status(CP3, 4_400_000, 4_300_000), alarms: [] },
  ];
}
const codes = (r: EtcdNodeResult[]) => analyzeEtcd(r).findings.map((f) => f.code);

describe('formatting', () => {
  it('formats 64-bit member ids as 16 hex digits without losing precision', () => {
    expect(formatMemberId(CP1)).toBe('ecebb05b59a776f1');
    expect(formatMemberId(0x1n)).toBe('0000000000000001');
    expect(formatMemberId(-1n)).toBe('ffffffffffffffff'); // a signed view of the same bits
  });

  it('humanBytes uses IEC units', () => {
    expect(humanBytes(512)).toBe('512 B');
    expect(humanBytes(21_000_000)).toBe('20.0 MiB');
    expect(humanBytes(2n * 1024n ** 3n)).toBe('2.0 GiB');
  });
});

describe('analyzeEtcd', () => {
  it('a healthy cluster has no findings above info, and rows like talosctl etcd status', () => {
    const h = analyzeEtcd(healthy());
    expect(h.overall).toBe('ok');
    expect(h.findings).toEqual([]);
    expect(h.statusRows[0]).toMatchObject({
      node: '10.0.0.11',
      memberId: 'ecebb05b59a776f1',
      hostname: 'cp1',
      leader: 'ecebb05b59a776f1',
      isLeader: true,
      raftIndex: '53391',
      inUseText: '4.3 MiB (100.00%)',
      flags: [],
    });
    expect(h.statusRows[1]!.isLeader).toBe(false);
    expect(h.memberRows.map((m) => [m.hostname, m.seenBy.length, m.missingFrom])).toEqual([
      ['cp1', 3, []],
      ['cp2', 3, []],
      ['cp3', 3, []],
    ]);
  });

  it('suggests defragmentation below 0.5 in use (the guide example: 21 MB, 6.0 MB in use)', () => {
    const r = healthy();
    r[0]!.status = status(CP1, 21_000_000, 6_000_000);
    const h = analyzeEtcd(r);
    expect(h.statusRows[0]!.inUseText).toBe('5.7 MiB (28.57%)');
    expect(h.statusRows[0]!.flags).toContain('defrag');
    expect(h.findings).toEqual([expect.objectContaining({ severity: 'warning', node: '10.0.0.11', code: 'defrag-suggested' })]);
    expect(h.overall).toBe('warning');
  });

  it('requires defragmentation when the file is over quota but little is in use', () => {
    const r = healthy();
    r[1]!.status = status(CP2, 2.2 * 1024 ** 3, 300 * 1024 ** 2);
    expect(analyzeEtcd(r).findings).toEqual([expect.objectContaining({ severity: 'error', code: 'defrag-required', node: '10.0.0.12' })]);
  });

  it('warns when the database nears the quota', () => {
    const r = healthy();
    r[2]!.status = status(CP3, 1.8 * 1024 ** 3, 1.7 * 1024 ** 3);
    expect(codes(r)).toEqual(['near-quota']);
    expect(analyzeEtcd(r, { quotaBytes: 8 * 1024 ** 3 }).findings).toEqual([]);
  });

  it('reports NOSPACE and CORRUPT alarms once per member even when every node lists them', () => {
    const r = healthy();
    for (const n of r) n.alarms = [{ memberId: CP2, alarm: 1 }, { memberId: CP3, alarm: 'CORRUPT' }, { memberId: CP1, alarm: 0 }];
    const h = analyzeEtcd(r);
    expect(h.findings.map((f) => f.code).sort()).toEqual(['alarm-corrupt', 'alarm-nospace']);
    expect(h.findings.find((f) => f.code === 'alarm-nospace')!.text).toContain('a49c021e76e707db (cp2)');
    expect(h.statusRows[1]!.alarms).toEqual(['NOSPACE']);
    expect(h.statusRows[1]!.flags).toContain('nospace');
    expect(h.overall).toBe('error');
  });

  it('does not repeat an active alarm as a "member reports" finding for every member', () => {
    const r = healthy();
    for (const n of r) {
      n.alarms = [{ memberId: CP2, alarm: 1 }];
      n.status = { ...n.status!, errors: ['alarm:NOSPACE'] };
    }
    r[0]!.status = { ...r[0]!.status!, errors: ['memberID:11862425520883255259 alarm:NOSPACE ', 'slow fdatasync'] };
    const h = analyzeEtcd(r);
    expect(h.findings.filter((f) => f.code === 'alarm-nospace')).toHaveLength(1);
    const others = h.findings.filter((f) => f.code === 'member-errors');
    expect(others.map((f) => f.text)).toEqual(['10.0.0.11: member reports: slow fdatasync']);
    expect(h.statusRows[1]!.flags).not.toContain('errors');
    // The raw errors stay in the table.
    expect(h.statusRows[1]!.errors).toEqual(['alarm:NOSPACE']);
  });

  it('separates a member\'s own errors from the echoes of another member\'s alarm', () => {
    const r = healthy();
    for (const n of r) {
      n.alarms = [{ memberId: CP2, alarm: 1 }];
      n.status = { ...n.status!, errors: ['alarm:NOSPACE'] };
    }
    r[0]!.status = { ...r[0]!.status!, errors: ['memberID:11862425520883255259 alarm:NOSPACE ', 'slow fdatasync'] };
    const h = analyzeEtcd(r);
    // cp1 carries no alarm of its own: only its real error is its own.
    expect(h.statusRows[0]!.alarms).toEqual([]);
    expect(h.statusRows[0]!.memberErrors).toEqual(['slow fdatasync']);
    expect(h.statusRows[1]!.alarms).toEqual(['NOSPACE']);
    expect(h.statusRows[1]!.memberErrors).toEqual([]);
  });

  it('keeps an alarm named in the errors when the alarm list did not show it', () => {
    const r = healthy();
    r[1]!.status = { ...r[1]!.status!, errors: ['alarm:CORRUPT'] };
    expect(analyzeEtcd(r).findings.map((f) => f.code)).toEqual(['member-errors']);
  });

  it('flags members that disagree on the member list', () => {
    const r = healthy();
    r[2]!.members = [member(CP1, 'cp1'), member(CP3, 'cp3')];
    const h = analyzeEtcd(r);
    const f = h.findings.find((x) => x.code === 'members-disagree');
    expect(f?.severity).toBe('error');
    expect(f?.text).toContain('10.0.0.13 see');
    expect(h.memberRows.find((m) => m.hostname === 'cp2')!.missingFrom).toEqual(['10.0.0.13']);
  });

  it('a learner flag difference is a disagreement too; a learner is noted', () => {
    const r = healthy();
    r[0]!.members = [member(CP1, 'cp1'), member(CP2, 'cp2'), member(CP3, 'cp3', true)];
    expect(codes(r)).toContain('members-disagree');
    for (const n of r) n.members = [member(CP1, 'cp1'), member(CP2, 'cp2'), member(CP3, 'cp3', true)];
    expect(codes(r)).toEqual(['learner', 'even-members']);
  });

  it('the even-members note finishes its sentence (issue 12 item 4)', () => {
    const r = healthy();
    const four = [member(CP1, 'cp1'), member(CP2, 'cp2'), member(CP3, 'cp3'), member(0x1234567890abcdefn, 'cp4')];
    for (const n of r) n.members = four;
    const note = analyzeEtcd(r).findings.find((f) => f.code === 'even-members')!.text;
    expect(note).toBe('4 voting members tolerate 1 failure(s), no more than 3 members would: an odd count is as safe with one member fewer');
  });

  it('flags a node with no leader and nodes that name different leaders', () => {
    const r = healthy();
    r[0]!.status = status(CP1, 4_500_000, 4_500_000, { leader: 0n });
    r[2]!.status = status(CP3, 4_400_000, 4_300_000, { leader: CP3 });
    const h = analyzeEtcd(r);
    expect(h.statusRows[0]).toMatchObject({ leader: 'none', flags: ['no-leader'] });
    expect(h.findings.map((f) => [f.severity, f.code])).toEqual([
      ['error', 'no-leader'],
      ['warning', 'leaders-disagree'],
    ]);
  });

  it('reports member errors, raft apply lag and failed nodes (with a row for each failed node)', () => {
    const r = healthy();
    r[0]!.status = status(CP1, 4_500_000, 4_500_000, { errors: ['etcdserver: mvcc: database space exceeded'] });
    r[1]!.status = status(CP2, 4_500_000, 4_500_000, { raftIndex: 20000n, raftAppliedIndex: 10000n });
    r[2] = { node: '10.0.0.13', error: 'rpc error: code = Unavailable desc = connection refused' };
    const h = analyzeEtcd(r);
    expect(h.findings.map((f) => f.code)).toEqual(['member-errors', 'query-failed', 'apply-lag']);
    expect(h.statusRows.map((row) => row.node)).toEqual(['10.0.0.11', '10.0.0.12', '10.0.0.13']);
    expect(h.statusRows[2]).toMatchObject({ flags: ['failed'], error: expect.stringContaining('connection refused') });
  });
});
