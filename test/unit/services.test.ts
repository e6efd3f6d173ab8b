import { describe, expect, it } from 'vitest';
import { buildServiceRows, relativeTime, timestampMs, type ServiceInfoLike } from '../../src/core/services.js';

const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);
const ts = (msAgo: number) => ({ seconds: BigInt(Math.floor((NOW - msAgo) / 1000)), nanos: 0 });

function svc(id: string, state: string, health: ServiceInfoLike['health'], events: Array<[string, string, number]> = []): ServiceInfoLike {
  return { id, state, health, events: { events: events.map(([st, msg, ago]) => ({ state: st, msg, ts: ts(ago) })) } };
}

describe('relativeTime / timestampMs', () => {
  it('formats elapsed time compactly and shows clock skew as future', () => {
    expect(relativeTime(NOW - 42_000, NOW)).toBe('42s ago');
    expect(relativeTime(NOW - 5 * 60_000, NOW)).toBe('5m ago');
    expect(relativeTime(NOW - 3 * 3_600_000, NOW)).toBe('3h ago');
    expect(relativeTime(NOW - 2 * 86_400_000, NOW)).toBe('2d ago');
    expect(relativeTime(NOW + 5_000, NOW)).toBe('in 5s');
    expect(relativeTime(undefined, NOW)).toBe('');
  });

  it('treats unset and zero timestamps as unknown', () => {
    expect(timestampMs({ seconds: 0n, nanos: 0 })).toBeUndefined();
    expect(timestampMs({ seconds: -62135596800n })).toBeUndefined();
    expect(timestampMs({ seconds: 1714564800n, nanos: 500_000_000 })).toBe(1714564800500);
  });
});

describe('buildServiceRows', () => {
  const etcd = svc('etcd', 'Running', { unknown: false, healthy: false, lastMessage: 'context deadline exceeded', lastChange: ts(90_000) }, [
    ['Preparing', 'Running pre state', 600_000],
    ['Running', 'Service started as goroutine', 300_000],
  ]);
  const apid = svc('apid', 'Running', { unknown: false, healthy: true, lastMessage: '', lastChange: ts(3_600_000) });
  const udevd = svc('udevd', 'Finished', { unknown: true, healthy: false, lastMessage: '' });
  const cri = svc('cri', 'Waiting', undefined);

  it('one row per node and service, nodes in the given order, services by id; health text and times', () => {
    const rows = buildServiceRows(
      [
        { node: 'cp2', services: [etcd, apid] },
        { node: 'cp1', services: [udevd, cri] },
      ],
      NOW,
    );
    expect(rows.map((r) => r.key)).toEqual(['cp2/apid', 'cp2/etcd', 'cp1/cri', 'cp1/udevd']);
    const e = rows[1]!;
    expect(e).toMatchObject({ health: 'unhealthy', healthMessage: 'context deadline exceeded', healthChanged: '1m ago', lastEvent: 'Service started as goroutine', lastEventAgo: '5m ago', stateTone: 'ok' });
    expect(e.events.map((x) => x.state)).toEqual(['Running', 'Preparing']); // newest first
    expect(rows[0]!.health).toBe('healthy');
    expect(rows[2]).toMatchObject({ health: '?', stateTone: 'pending', lastEvent: '' });
    expect(rows[3]).toMatchObject({ health: 'unknown', stateTone: 'neutral' });
  });

  it('a node that failed gets a "node failed: <reason>" row in its place', () => {
    const rows = buildServiceRows([{ node: 'cp1', services: [apid] }, { node: 'cp2', error: 'connection refused' }, { node: 'cp3', services: [apid] }], NOW);
    expect(rows.map((r) => r.node)).toEqual(['cp1', 'cp2', 'cp3']);
    expect(rows[1]).toMatchObject({ failed: 'connection refused', lastEvent: 'node failed: connection refused', stateTone: 'bad' });
  });

  it('problems-first puts failed nodes, then failed/unhealthy services, then pending ones on top', () => {
    const failed = svc('kubelet', 'Failed', { unknown: true, healthy: false, lastMessage: '' });
    const rows = buildServiceRows([{ node: 'cp1', services: [apid, cri, etcd, failed] }, { node: 'cp2', error: 'timeout' }], NOW, { sort: 'problems-first' });
    expect(rows.map((r) => r.key)).toEqual(['cp2/!failed', 'cp1/etcd', 'cp1/kubelet', 'cp1/cri', 'cp1/apid']);
  });

  it('keeps at most maxEvents events', () => {
    const many = svc('x', 'Running', undefined, Array.from({ length: 10 }, (_, i) => ['Running', `e${i}`, 10_000 - i] as [string, string, number]));
    expect(buildServiceRows([{ node: 'n', services: [many] }], NOW, { maxEvents: 3 })[0]!.events.map((e) => e.msg)).toEqual(['e9', 'e8', 'e7']);
  });
});
