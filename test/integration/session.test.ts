// src/talos against the simulator (src/sim) over real TLS on a free loopback /24: the session as every pane
// uses it. Configured nodes are cp1..cp3 at .11-.13 (endpoints = all three), maintenance m1, m2 at
// .101-.102.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { initialConfigText } from '../../src/sim/machine-config.js';
import { parseTalosconfig } from '../../src/talos/talosconfig.js';
import { TalosSession } from '../../src/talos/session.js';
import { TalosError } from '../../src/talos/errors.js';
import { Code } from '../../src/talos/status-codes.js';
import { resilientStream, type StreamEvent } from '../../src/talos/resilient-stream.js';
import * as machine from '../../src/talos/api/machine.js';
import * as storage from '../../src/talos/api/storage.js';
import * as cosi from '../../src/talos/api/cosi.js';
import { b64, fixture, talosKeyPem } from '../fixtures/talos/index.js';
import { parse, stringify } from 'yaml';
import { freeLoopback24 } from '../helpers/loopback.js';

// Free loopback /24s (test/helpers/loopback.ts): two runs side by side never collide. `length` keeps
// addresses as wide as the columns and messages below expect.
const NET = await freeLoopback24({ length: 8 });

let sim: SimCluster;
const sessions: TalosSession[] = [];

function session(text = sim.talosconfigText, sel = {}): TalosSession {
  const s = new TalosSession(parseTalosconfig(text, 'sim-talosconfig', sel), { connectTimeoutMs: 2000 });
  sessions.push(s);
  return s;
}

/** The simulator's talosconfig with some fields of its context replaced. */
function talosconfigWith(fields: Record<string, string>): string {
  const doc = parse(sim.talosconfigText) as { context: string; contexts: Record<string, Record<string, unknown>> };
  Object.assign(doc.contexts[doc.context], fields);
  return stringify(doc);
}

const node = (name: string) => {
  const n = sim.node(name);
  if (!n) throw new Error(`no sim node ${name}`);
  return n;
};

beforeAll(async () => {
  sim = await startSimCluster({ configured: 3, maintenance: 2, listen: `${NET}.1`, rebootMs: 300, logLinesPerSecond: 50 });
});

afterAll(async () => {
  for (const s of sessions) s.close();
  await sim?.stop();
});

describe('TalosSession against the simulator', () => {
  it('talks mutual TLS with the talosconfig and fans out over every node with the node header', async () => {
    const s = session();
    expect(s.info.roles).toEqual(['os:admin']);
    const results = await s.forNodes(undefined, async (t) => ({ version: await machine.version(t), services: await machine.serviceList(t) }));
    expect(results.map((r) => [r.node, r.ok])).toEqual([
      [node('cp1').ip, true],
      [node('cp2').ip, true],
      [node('cp3').ip, true],
    ]);
    for (const r of results) {
      if (!r.ok) continue;
      // apid passes a one-to-one (`node`) reply through untouched: no metadata.hostname; the result is named by the node asked.
      expect(r.value.version.metadata?.hostname).toBeUndefined();
      expect(r.value.version.version?.tag).toMatch(/^v1\.\d+\.\d+/);
      expect(r.value.services.map((svc) => svc.id)).toContain('apid');
    }
    expect(s.info.activeEndpoint).toBe(node('cp1').address);
  });

  it('refuses a server whose certificate is not from the talosconfig CA, and says the CA is at fault', async () => {
    const s = session(talosconfigWith({ ca: b64(fixture('other-ca.crt')) }));
    const [r] = await s.forNodes([node('cp1').ip], (t) => machine.version(t));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(TalosError);
    expect(r.error.code).toBe(Code.UNAVAILABLE);
    expect(r.error.message).toBe(
      `the server certificate of ${node('cp1').address} is not signed by the talosconfig CA of context "${sim.contextName}" of sim-talosconfig (wrong cluster, or a node still in maintenance mode: try -i)`,
    );

    // The other way round: a client certificate the cluster's CA did not sign.
    const stranger = session(talosconfigWith({ crt: b64(fixture('admin.crt')), key: b64(talosKeyPem(fixture('admin.key'))) }));
    const [r2] = await stranger.forNodes([node('cp1').ip], (t) => machine.version(t));
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.error.message).toMatch(new RegExp(`^${node('cp1').address.replace(/\./g, '\\.')} refused the client certificate of context "${sim.contextName}"`));
  });

  it('talks to a maintenance node insecurely, with the right pin, and sends nothing with a wrong one', async () => {
    const s = session();
    const m1 = node('m1');
    const m2 = node('m2');
    const config = initialConfigText({ type: 'worker', hostname: 'w9', address: m1.ip, clusterName: sim.contextName, endpoint: `https://${NET}.11:6443` });

    // No pin: unverified TLS, no client certificate; the node answers reads.
    const open = s.insecure(m1.address);
    expect((await storage.disks(open)).length).toBeGreaterThan(0);
    expect((await cosi.machineStatus(open)).stage).toBe('maintenance');

    // Wrong pin (m2's key): the error names the fingerprint we got, and the config never arrives.
    const wrong = s.insecure(m1.address, { fingerprints: [m2.leafFingerprint] });
    const err = await machine.applyConfiguration(wrong, { config, mode: 'staged' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TalosError);
    expect((err as TalosError).message).toBe(`certificate fingerprint of ${m1.ip} does not match any --cert-fingerprint: got ${m1.leafFingerprint}`);
    expect(m1.machine.stagedConfig).toBeUndefined();

    // Right pin: the same request goes through.
    const pinned = s.insecure(m1.address, { fingerprints: [m2.leafFingerprint, m1.leafFingerprint] });
    const applied = await machine.applyConfiguration(pinned, { config, mode: 'staged' });
    expect(applied.mode).toBe('staged');
    expect(m1.machine.stagedConfig).toBeDefined();

    // What a maintenance node refuses comes back as advice, not as "PermissionDenied".
    const meta = await machine.metaWrite(pinned, 0x0a, 'addresses: []').catch((e: unknown) => e);
    expect((meta as TalosError).message).toMatch(new RegExp(`^${m1.ip.replace(/\./g, '\\.')} is in maintenance mode: `));
  });

  it('fans out over 3 nodes with one down: the others answer, the down one is reported', async () => {
    const s = session();
    const cp3 = node('cp3');
    await cp3.stop();
    try {
      const results = await s.forNodes(undefined, (t) => machine.version(t));
      expect(results.map((r) => [r.node, r.ok])).toEqual([
        [node('cp1').ip, true],
        [node('cp2').ip, true],
        [cp3.ip, false],
      ]);
      const failed = results[2];
      if (failed.ok) return;
      expect(failed.error.code).toBe(Code.UNAVAILABLE);
      expect(failed.error.message).toBe(`nothing listens on ${cp3.ip} (via endpoint ${node('cp1').address}): connection refused`);

      // The first endpoint down too: calls fail over to the next one and the session shows it.
      await node('cp1').stop();
      const again = await s.forNodes([node('cp2').ip], (t) => machine.version(t));
      expect(again[0].ok).toBe(true);
      expect(s.info.activeEndpoint).toBe(node('cp2').address);
    } finally {
      await Promise.all([cp3.start(), node('cp1').start()]);
    }
  });

  it('decodes typed replies: kubeconfig archive, COSI specs and watch events, etcd', async () => {
    const s = session();
    const t = s.target(node('cp1').ip);
    expect(await machine.kubeconfig(t)).toMatch(/^apiVersion: v1/m);
    expect(await cosi.machineType(t)).toBe('controlplane');
    const links = await cosi.linkStatuses(t);
    expect(links.length).toBeGreaterThan(0);
    expect(links.every((l) => typeof l.id === 'string' && l.id !== '')).toBe(true);
    expect((await machine.etcdMemberList(t)).length).toBeGreaterThan(0);

    const ac = new AbortController();
    const seen: string[] = [];
    const watching = (async () => {
      for await (const ev of cosi.watch(t, cosi.Kinds.machineType, {}, { signal: ac.signal })) {
        seen.push(ev.type);
        if (ev.type === 'bootstrapped') ac.abort();
      }
    })();
    await expect(watching).rejects.toMatchObject({ code: Code.CANCELLED });
    expect(seen).toEqual(['ready', 'created', 'bootstrapped']);
  });

  it('reconnects a follow stream the server dropped, reporting the gap and the resume', async () => {
    const s = session();
    const cp2 = node('cp2');
    const ac = new AbortController();
    const events: StreamEvent<string>[] = [];
    const t = s.target(cp2.ip);
    let dropped = false;
    const opens: number[] = [];
    const stream = resilientStream(
      ({ signal, attempt }) => {
        opens.push(attempt);
        return (async function* () {
          for await (const chunk of machine.logs(t, { id: 'apid', follow: true, tailLines: 1 }, { signal })) yield Buffer.from(chunk).toString();
        })();
      },
      { signal: ac.signal, initialDelayMs: 50 },
    );
    for await (const ev of stream) {
      events.push(ev);
      if (ev.kind === 'data' && !dropped) {
        dropped = true;
        cp2.dropStreams();
      }
      if (ev.kind === 'resumed') ac.abort();
    }
    const kinds = events.map((e) => e.kind);
    expect(kinds[0]).toBe('data');
    expect(kinds.filter((k) => k === 'gap')).toHaveLength(1);
    expect(kinds[kinds.length - 1]).toBe('resumed');
    const gap = events.find((e) => e.kind === 'gap');
    if (gap?.kind !== 'gap') throw new Error('expected a gap');
    expect(gap.error.code).toBe(Code.UNAVAILABLE);
    expect(gap.attempt).toBe(1);
    expect(opens).toEqual([0, 1]);
  });
});
