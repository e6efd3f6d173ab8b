// Pure pieces of the Status pane: the defragmentation order and sequence (one at a time, leader
// last, stop at the first failure), the table layout at 80 columns, and the findings list.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { planDefragOrder, runDefragSequence } from '../../src/core/etcd/defrag-plan.js';
import { layoutColumns, MARKER_WIDTH, rowSegments, windowStart } from '../../src/ui/table-layout.js';
import { ETCD_STATUS_COLUMNS, findingLines, leaderLabel, MEMBER_COLUMNS, nodeStripSegments, SERVICE_COLUMNS, staleReasonLines, statusFlagsText } from '../../src/features/status/view-model.js';
import { analyzeEtcd, formatMemberId } from '../../src/core/etcd/health.js';
import type { EtcdFinding, EtcdStatusRow } from '../../src/core/etcd/health.js';
import { displayWidth } from '../../src/ui/text.js';

describe('planDefragOrder', () => {
  it('puts followers first in the given order, unknown nodes next, the leader last', () => {
    expect(
      planDefragOrder([
        { node: 'a', isLeader: true },
        { node: 'b', isLeader: false },
        { node: 'c' },
        { node: 'd', isLeader: false },
        { node: 'b', isLeader: true },
      ]),
    ).toEqual(['b', 'd', 'c', 'a']);
  });

  it('keeps every node exactly once and never puts a follower after the leader', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ node: fc.constantFrom('a', 'b', 'c', 'd', 'e'), isLeader: fc.option(fc.boolean(), { nil: undefined }) })), (cands) => {
        const order = planDefragOrder(cands);
        expect(new Set(order).size).toBe(order.length);
        expect(new Set(order)).toEqual(new Set(cands.map((c) => c.node)));
        const first = new Map<string, boolean | undefined>();
        for (const c of cands) if (!first.has(c.node)) first.set(c.node, c.isLeader);
        const rank = (n: string) => (first.get(n) === false ? 0 : first.get(n) === undefined ? 1 : 2);
        for (let i = 1; i < order.length; i++) expect(rank(order[i]!)).toBeGreaterThanOrEqual(rank(order[i - 1]!));
      }),
    );
  });
});

describe('runDefragSequence', () => {
  it('never has two defragmentations in flight and measures before and after each', async () => {
    let inFlight = 0;
    let max = 0;
    const sizes = new Map([
      ['a', 100],
      ['b', 200],
    ]);
    const result = await runDefragSequence(['a', 'b'], {
      measure: async (n) => ({ dbSize: sizes.get(n)!, inUse: 50 }),
      defragment: async (n) => {
        max = Math.max(max, ++inFlight);
        await new Promise((r) => setTimeout(r, 20));
        sizes.set(n, 50);
        inFlight--;
      },
    });
    expect(max).toBe(1);
    expect(result.steps.map((s) => [s.node, s.before?.dbSize, s.after?.dbSize])).toEqual([
      ['a', 100, 50],
      ['b', 200, 50],
    ]);
    expect(result.skipped).toEqual([]);
  });

  it('stops at the first failure and lists the nodes not attempted', async () => {
    const done: string[] = [];
    const result = await runDefragSequence(['a', 'b', 'c'], {
      measure: async () => ({ dbSize: 10, inUse: 5 }),
      defragment: async (n) => {
        if (n === 'b') throw new Error('etcdserver: request timed out');
        done.push(n);
      },
    });
    expect(done).toEqual(['a']);
    expect(result.steps[1]).toMatchObject({ node: 'b', error: 'etcdserver: request timed out', before: { dbSize: 10, inUse: 5 } });
    expect(result.skipped).toEqual(['c']);
  });
});

describe('table layout', () => {
  it('fills exactly the width for every table at 80 and 132 columns', () => {
    for (const columns of [SERVICE_COLUMNS, ETCD_STATUS_COLUMNS, MEMBER_COLUMNS]) {
      for (const width of [80, 132]) {
        const layout = layoutColumns(columns, width);
        const row = rowSegments(layout.map(() => 'x'.repeat(200)), layout).map((s) => s.text).join('');
        expect(displayWidth(row) + MARKER_WIDTH).toBe(width);
      }
    }
  });

  it('drops optional etcd columns below their width and keeps NODE, DB SIZE, IN USE, LEADER, FLAGS', () => {
    const headers = (w: number) => layoutColumns(ETCD_STATUS_COLUMNS, w).map((l) => ETCD_STATUS_COLUMNS[l.index]!.header);
    expect(headers(80)).toEqual(['NODE', 'DB SIZE', 'IN USE', 'LEADER', 'RAFT IDX', 'FLAGS']);
    expect(headers(140)).toContain('MEMBER');
    expect(headers(140)).toContain('APPLIED');
  });

  it('shows IN USE in full at 80 columns, up to "999.9 MiB (100.00%)"', () => {
    const layout = layoutColumns(ETCD_STATUS_COLUMNS, 80);
    const inUse = layout.find((l) => ETCD_STATUS_COLUMNS[l.index]!.header === 'IN USE')!;
    expect(inUse.width).toBeGreaterThanOrEqual('999.9 MiB (100.00%)'.length);
  });

  it('scrolls so the cursor row is always inside the window', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 20 }), fc.nat(60), (total, height, cursor) => {
        const start = windowStart(total, cursor, height);
        if (total <= height) expect(start).toBe(0);
        else {
          const c = Math.min(cursor, total - 1);
          expect(c).toBeGreaterThanOrEqual(start);
          expect(c).toBeLessThan(start + height);
          expect(start + height).toBeLessThanOrEqual(total);
        }
      }),
    );
  });
});

describe('findings and flags', () => {
  const finding = (severity: EtcdFinding['severity'], text: string): EtcdFinding => ({ severity, code: 'defrag-suggested', text });

  it('wraps findings under their tag and says how many did not fit', () => {
    const long = 'word '.repeat(40).trim();
    const lines = findingLines([finding('error', long), finding('warning', 'short one'), finding('info', 'third')], 40, 4);
    expect(lines).toHaveLength(4);
    expect(lines[0]!.segments[0]!.text).toBe('[ERROR] ');
    expect(lines[1]!.segments[0]!.text).toBe(' '.repeat(8));
    expect(lines[3]!.segments[0]!.text).toBe('… 3 more finding(s) not shown in full');
    for (const l of lines) expect(displayWidth(l.segments.map((s) => s.text).join(''))).toBeLessThanOrEqual(40);
    expect(findingLines([], 80, 3)[0]!.segments[0]!.text).toContain('healthy');
  });

  it('does not repeat an alarm as an error flag, but keeps real member errors', () => {
    const row = (errors: string[]): EtcdStatusRow =>
      ({ flags: ['nospace', 'errors'], errors, alarms: ['NOSPACE'] }) as unknown as EtcdStatusRow;
    expect(statusFlagsText(row(['alarm:NOSPACE']))).toBe('NOSPACE');
    expect(statusFlagsText(row(['alarm:NOSPACE', 'slow disk']))).toBe('NOSPACE errors');
  });
});

describe('leaderLabel', () => {
  const CP1 = 0xecebb05b59a776f1n;
  const CP2 = 0xa49c021e76e707dbn;
  const members = [CP1, CP2].map((id, i) => ({ id, hostname: `cp${i + 1}`, peerUrls: [], clientUrls: [], isLearner: false }));
  const status = (memberId: bigint) => ({
    memberId, dbSize: 100n, dbSizeInUse: 90n, leader: CP1, raftIndex: 1n, raftTerm: 1n, raftAppliedIndex: 1n, errors: [], isLearner: false,
  });

  it('names the polled node when it leads', () => {
    const h = analyzeEtcd([{ node: '127.0.0.11', members, status: status(CP1) }, { node: '127.0.0.12', members, status: status(CP2) }]);
    expect(leaderLabel(h)).toBe('127.0.0.11');
  });

  it('names the leader from the member list when only a follower is polled', () => {
    const h = analyzeEtcd([{ node: '127.0.0.12', members, status: status(CP2) }]);
    expect(leaderLabel(h)).toBe(`cp1 (${formatMemberId(CP1)})`);
  });

  it('says unknown when no member reports a leader', () => {
    const h = analyzeEtcd([{ node: '127.0.0.12', members, status: { ...status(CP2), leader: 0n } }]);
    expect(leaderLabel(h)).toBe('unknown');
  });
});

describe('a stale node at 80 columns', () => {
  const summary = {
    node: '127.0.92.13', role: 'controlplane' as const, loading: false, stale: true, servicesAt: 1_000,
    error: '127.0.92.13 is unavailable via endpoint 127.0.92.11:50000: connection refused', running: 12, total: 12, problems: 0,
  };

  it('keeps the strip short and gives the whole reason its own wrapped lines', () => {
    const strip = nodeStripSegments(summary, 2, 3, 15_000).map((s) => s.text).join('');
    expect(strip).toContain('STALE (data 14s ago)');
    expect(strip).not.toContain('connection refused');
    const lines = staleReasonLines(summary, 80);
    expect(lines.join(' ')).toContain('via endpoint 127.0.92.11:50000: connection refused');
    for (const l of lines) expect(displayWidth(l)).toBeLessThanOrEqual(80);
  });

  it('adds nothing for a node that answers', () => {
    expect(staleReasonLines({ ...summary, stale: false }, 80)).toEqual([]);
  });
});
