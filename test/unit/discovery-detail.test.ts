// The Discovery detail view: its first line ("version ?" only for Talos) and the hint to close it.
import { describe, expect, it } from 'vitest';
import { detailLines } from '../../src/features/discovery/view-model.js';
import { discoveryActions, type ActionHandlers } from '../../src/features/discovery/actions.js';
import { hintSegments } from '../../src/ui/shell/hints.js';
import type { DiscoveryRow } from '../../src/features/discovery/source.js';
import type { IdentifiedNode } from '../../src/talos/identify.js';

function row(node: Partial<IdentifiedNode>): DiscoveryRow {
  const n = { ip: '127.0.251.1', port: 50000, kind: 'not-talos', via: null, mac: null, macs: [], links: [], disks: [], elapsedMs: 3000, ...node } as IdentifiedNode;
  return { key: 'k', ip: n.ip, port: n.port, node: n, change: 'first', match: { state: 'none', names: [] } };
}
const first = (r: DiscoveryRow) => detailLines(r, 78, 50000)[0]!.map((s) => s.text).join('');

describe('discovery detail head line', () => {
  it('a port that is not Talos shows no "version ?"; a Talos node without a version does', () => {
    const other = first(row({ kind: 'not-talos', error: 'accepted the connection but sent no TLS answer within 3 s' }));
    expect(other).toContain('127.0.251.1');
    expect(other).not.toContain('version');
    expect(first(row({ kind: 'configured' }))).toContain('version ?');
    expect(first(row({ kind: 'maintenance', talosVersion: 'v1.13.9' }))).toContain('v1.13.9');
  });
});

describe('discovery hint bar', () => {
  it('while the details are open, the hint bar says how to close them', () => {
    const noop = () => {};
    const h: ActionHandlers = { editTargets: noop, rescan: noop, cancel: noop, closeDetail: noop, openDetail: noop, editInventory: noop, apply: noop, copy: noop, move: noop };
    const hints = (detail: boolean) =>
      hintSegments(discoveryActions({ running: false, hasTargets: true, detail, rowCount: 3, selected: null }, h), false, 80).map((s) => s.text).join('');
    expect(hints(true)).toMatch(/Esc close/);
    expect(hints(false)).not.toMatch(/close/);
  });
});
