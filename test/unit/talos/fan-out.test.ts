// forNodes and reply unpacking without a network: the callback decides what each node answers.
import { describe, expect, it } from 'vitest';
import { parseTalosconfig } from '../../../src/talos/talosconfig.js';
import { TalosSession } from '../../../src/talos/session.js';
import { replyResults, singleEntry } from '../../../src/talos/replies.js';
import { Code } from '../../../src/talos/status-codes.js';
import { talosconfigYaml } from '../../fixtures/talos/index.js';

const session = (nodes?: string[], opts = {}) =>
  new TalosSession(parseTalosconfig(talosconfigYaml('c', { c: { nodes } }), 'cfg'), opts);

const reply = (node: string, error = '') => ({
  messages: [{ metadata: { hostname: node, error, status: error ? { code: Code.NOT_FOUND, message: error } : undefined }, value: node.length }],
});

describe('TalosSession.forNodes', () => {
  it('keeps node order, turns an entry with metadata.error into that node\'s failure, and bounds concurrency', async () => {
    const s = session(['n1', 'n2', 'n3', 'n4']);
    let running = 0;
    let peak = 0;
    const results = await s.forNodes(
      undefined,
      async (t, node) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, node === 'n1' ? 30 : 5));
        running--;
        return singleEntry(reply(t.node, node === 'n3' ? 'service "x" not found' : ''), t.node, 'ServiceStart')!.value;
      },
      { concurrency: 2 },
    );
    expect(results.map((r) => [r.node, r.ok])).toEqual([
      ['n1', true],
      ['n2', true],
      ['n3', false],
      ['n4', true],
    ]);
    const failed = results[2];
    if (failed.ok) throw new Error('n3 should fail');
    expect(failed.error.code).toBe(Code.NOT_FOUND);
    expect(failed.error.message).toBe('n3: ServiceStart failed: service "x" not found');
    expect(peak).toBe(2);
    s.close();
  });

  it('says where to set nodes when there are none', async () => {
    const s = session();
    await expect(s.forNodes(undefined, async () => 1)).rejects.toThrow('no nodes to talk to: pass -n/--nodes or set nodes in context "c" of cfg');
    s.close();
  });

  it('exposes the session info as a frozen snapshot', () => {
    const s = session(['n1']);
    expect(s.info).toEqual({
      contextName: 'c',
      endpoints: ['127.0.81.1:50000'],
      nodes: ['n1'],
      roles: ['os:admin'],
      certNotAfter: expect.any(Date),
      activeEndpoint: null,
    });
    expect(Object.isFrozen(s.info)).toBe(true);
    s.close();
  });
});

describe('replyResults', () => {
  it('names each entry by its hostname and fails the ones with metadata.error', () => {
    const r = replyResults({ messages: [...reply('a').messages, ...reply('b', 'boom').messages] }, 'fallback', 'Version');
    expect(r.map((x) => [x.node, x.ok])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });
});
