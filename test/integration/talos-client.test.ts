// src/talos against fake nodes on 127.0.81.x over real TLS: the cases that need a controllable
// server (hanging handler, swapped certificate, per-server call counts). The same behaviours
// against the simulator are in session.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTalosconfig } from '../../src/talos/talosconfig.js';
import { TalosSession } from '../../src/talos/session.js';
import { TalosError } from '../../src/talos/errors.js';
import { Code, RpcError } from '../../src/talos/status-codes.js';
import { resilientStream, type StreamEvent } from '../../src/talos/resilient-stream.js';
import * as machine from '../../src/talos/api/machine.js';
import { b64, fixture, talosconfigYaml, talosKeyPem } from '../fixtures/talos/index.js';
import { startTestNodes, stopAll, type TestNode } from './talos-test-nodes.js';

const text = (chunk: Uint8Array) => Buffer.from(chunk).toString();

describe('mutual TLS session over fake configured nodes', () => {
  let nodes: TestNode[];
  const sessions: TalosSession[] = [];
  const session = (ctx: Parameters<typeof talosconfigYaml>[1][string], sel = {}) => {
    const s = new TalosSession(parseTalosconfig(talosconfigYaml('test', { test: ctx }), 'test-config', sel), { connectTimeoutMs: 2000 });
    sessions.push(s);
    return s;
  };

  beforeAll(async () => {
    nodes = await startTestNodes({
      ips: ['127.0.81.1', '127.0.81.2', '127.0.81.3'],
      hooks: {
        versionDelayMs: 0,
        logs: async (send, ctx) => {
          await send('first\n');
          // Hold the stream open until the client goes away.
          await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
        },
      },
    });
  });
  afterAll(async () => {
    for (const s of sessions) s.close();
    await stopAll(nodes);
  });

  it('fails over to the next endpoint when the first is down, and remembers the good one', async () => {
    const down = nodes[2];
    await down.stop();
    try {
      const s = session({ endpoints: [down.address, nodes[0].address] });
      const seen: (string | null)[] = [];
      s.subscribe(() => seen.push(s.info.activeEndpoint));
      const [r] = await s.forNodes([nodes[1].ip], (t) => machine.version(t));
      expect(r).toMatchObject({ ok: true, node: '127.0.81.2' });
      expect(s.info.activeEndpoint).toBe(nodes[0].address);
      expect(seen).toEqual([nodes[0].address]);
      // Later calls start at the endpoint that answered: no new attempt on the dead one.
      await s.forNodes([nodes[1].ip], (t) => machine.version(t));
      expect(s.info.activeEndpoint).toBe(nodes[0].address);
    } finally {
      await down.start();
    }
  });

  it('refuses to use an expired client certificate, naming its date, before anything is sent', async () => {
    // reader.crt is signed by the right CA; expired.crt is signed by it too but is out of date.
    const s = session({ endpoints: [nodes[0].address], crt: b64(fixture('expired.crt')), key: b64(talosKeyPem(fixture('expired.key'))) });
    const [r] = await s.forNodes(['127.0.81.1'], (t) => machine.version(t));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe('the client certificate of context "test" of test-config expired on 2021-01-01: nothing was sent; get a fresh talosconfig (talosctl config new)');
  });

  it('gives unary calls a deadline and names it in the error', async () => {
    const slow = await startTestNodes({ ips: ['127.0.81.6'], hooks: { versionDelayMs: 3000 } });
    try {
      const s = session({ endpoints: [slow[0].address] });
      const started = Date.now();
      const err = await machine.version(s.target('127.0.81.6'), { deadlineMs: 300 }).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(err).toBeInstanceOf(TalosError);
      expect((err as TalosError).code).toBe(Code.DEADLINE_EXCEEDED);
      expect((err as TalosError).message).toBe('no answer from 127.0.81.6 to Version within 0.3 s');
    } finally {
      await stopAll(slow);
    }
  });

  it('cancels a stream on the server when the signal aborts, and when the consumer stops', async () => {
    const s = session({ endpoints: [nodes[0].address] });
    const ac = new AbortController();
    const iter = machine.logs(s.target('127.0.81.1'), { id: 'kubelet', follow: true }, { signal: ac.signal })[Symbol.asyncIterator]();
    expect(text((await iter.next()).value as Uint8Array)).toBe('first\n');
    const pending = iter.next();
    ac.abort();
    await expect(pending).rejects.toMatchObject({ code: Code.CANCELLED });

    // break out of for-await: the generator's finally cancels the call, the server sees it go.
    for await (const chunk of machine.logs(s.target('127.0.81.1'), { id: 'kubelet', follow: true })) {
      expect(text(chunk)).toBe('first\n');
      break;
    }
  });
});

describe('insecure (maintenance) connections with fingerprint pinning', () => {
  let nodes: TestNode[];
  const fp = () => fixture('server.spki-sha256').trim();
  const sessions: TalosSession[] = [];
  const newSession = () => {
    const s = new TalosSession(parseTalosconfig(talosconfigYaml('test', { test: {} }), 'cfg'));
    sessions.push(s);
    return s;
  };

  beforeAll(async () => {
    nodes = await startTestNodes({ ips: ['127.0.81.4', '127.0.81.5'], maintenance: true });
  });
  afterAll(async () => {
    for (const s of sessions) s.close();
    await stopAll(nodes);
  });

  it('caches one client per address and pins', () => {
    const s = newSession();
    expect(s.insecure(nodes[0].address)).toBe(s.insecure(nodes[0].address));
    expect(s.insecure(nodes[0].address, { fingerprints: [fp()] })).not.toBe(s.insecure(nodes[0].address));
    expect(() => s.insecure(nodes[0].address, { fingerprints: ['nope'] })).toThrow('--cert-fingerprint "nope" is not a base64 SHA-256 fingerprint');
  });

  it('re-checks the pin when the node comes back with another certificate: nothing is sent to it', async () => {
    const node = nodes[1];
    const client = newSession().insecure(node.address, { fingerprints: [fp()] });
    await expect(machine.version(client)).resolves.toMatchObject({ version: { tag: 'v1.13.0' } });
    await node.stop();
    // Let the client see its connection close, as it would during a real reboot.
    await new Promise((r) => setTimeout(r, 200));
    await node.start({ certName: 'server2' }); // same address, different key
    node.calls.length = 0;
    const err = await machine.version(client).catch((e: unknown) => e);
    expect((err as TalosError).message).toBe(
      `certificate fingerprint of 127.0.81.5 does not match any --cert-fingerprint: got ${fixture('server2.spki-sha256').trim()}`,
    );
    expect(node.calls).toEqual([]);
  });

  it('explains that MetaWrite is refused because the node is in maintenance mode', async () => {
    const err = await machine.metaWrite(newSession().insecure(nodes[0].address), 0x0a, 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TalosError);
    expect((err as TalosError).code).toBe(Code.PERMISSION_DENIED);
    expect((err as TalosError).message).toMatch(/^127\.0\.81\.4 is in maintenance mode: it does not allow MetaWrite without a client certificate; .*talos\.environment=INSTALLER_META_BASE64/);
  });
});

describe('resilient stream against a node that drops the stream', () => {
  let nodes: TestNode[];
  let session: TalosSession;
  let opened = 0;

  beforeAll(async () => {
    nodes = await startTestNodes({
      ips: ['127.0.81.6'],
      hooks: {
        logs: async (send) => {
          opened++;
          await send(`line ${opened}\n`);
          // The first stream dies like a rebooting node's; the second stays open.
          if (opened === 1) throw new RpcError(Code.UNAVAILABLE, 'node is rebooting');
          await new Promise((r) => setTimeout(r, 5000));
        },
      },
    });
    session = new TalosSession(parseTalosconfig(talosconfigYaml('test', { test: { endpoints: [nodes[0].address] } }), 'cfg'));
  });
  afterAll(async () => {
    session.close();
    await stopAll(nodes);
  });

  it('reconnects, reports the gap and the resume, and keeps the data', async () => {
    const ac = new AbortController();
    const events: StreamEvent<string>[] = [];
    const t = session.target('127.0.81.6');
    const stream = resilientStream(
      ({ signal }) => (async function* () {
        for await (const chunk of machine.logs(t, { id: 'apid', follow: true }, { signal })) yield text(chunk);
      })(),
      { signal: ac.signal, initialDelayMs: 50 },
    );
    for await (const ev of stream) {
      events.push(ev);
      if (ev.kind === 'data' && ev.msg === 'line 2\n') ac.abort();
    }
    expect(events.map((e) => e.kind)).toEqual(['data', 'gap', 'resumed', 'data']);
    const gap = events[1];
    if (gap.kind !== 'gap') throw new Error('expected a gap');
    expect(gap.error.code).toBe(Code.UNAVAILABLE);
    expect(gap.error.message).toContain('node is rebooting');
    expect(gap.attempt).toBe(1);
  });
});
