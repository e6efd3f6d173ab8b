// Calls in flight per connection (src/talos/call-slots.ts, endpoint-pool.ts) against the simulator over
// real gRPC + mutual TLS, with the simulator advertising SETTINGS_MAX_CONCURRENT_STREAMS = 6 on every
// node. Every follow goes through the one endpoint (the `node` header), as with Talos's apid.
//   - without a client bound, streams past the server's limit stall without a word (the premise);
//   - with the bound, more follows than one connection allows all deliver, over more connections;
//   - past the connections allowed, follows say "queued" and start when others close;
//   - a unary call is not starved behind a connection full of streams.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogModel } from '../../src/core/logs/log-model.js';
import { LogStreams } from '../../src/features/logs/source.js';
import { startSimCluster, type SimCluster } from '../../src/sim/index.js';
import { machine, parseTalosconfig, TalosSession, type SessionOptions } from '../../src/talos/index.js';
import { freeLoopback24 } from '../helpers/loopback.js';
import { until } from '../helpers/until.js';

const SERVER_LIMIT = 6;
const NODES = 14;

let sim: SimCluster;
const sessions: TalosSession[] = [];
const streams: LogStreams[] = [];

beforeAll(async () => {
  sim = await startSimCluster({ configured: NODES, maintenance: 0, listen: `${await freeLoopback24()}.1`, logLinesPerSecond: 0, maxConcurrentStreams: SERVER_LIMIT });
});

afterAll(async () => {
  for (const s of streams) s.dispose();
  for (const s of sessions) s.close();
  await sim?.stop();
});

/** dmesg followed on every node through one endpoint, as the Logs pane does. */
function followAll(opts: SessionOptions) {
  const session = new TalosSession(parseTalosconfig(sim.talosconfigText, 'sim'), opts);
  sessions.push(session);
  const model = new LogModel({ tailLines: 5 });
  const logs = new LogStreams(model, { targetFor: (node) => session.target(node) });
  streams.push(logs);
  const nodes = sim.nodes.map((n) => n.ip);
  for (const node of nodes) logs.open({ node, selector: { kind: 'dmesg' } });
  const delivering = () => model.snapshot().sources.filter((s) => s.lines > 0).map((s) => s.node);
  return { session, logs, model, nodes, delivering };
}

const endpointLoad = (session: TalosSession) => Object.values(session.callLoad())[0]!;

describe('calls in flight per connection', () => {
  it('premise: with no bound on the client, streams past what the server allows stall silently', async () => {
    const { logs, delivering } = followAll({ callLimits: { maxCalls: 1000, maxStreams: 999 } });
    await until(() => delivering().length >= SERVER_LIMIT, 'the first streams to deliver', { timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 1500));
    expect(delivering().length).toBe(SERVER_LIMIT);
    // And nothing says why: the rest look like any connecting stream.
    expect(logs.list().filter((s) => s.state === 'queued')).toEqual([]);
  });

  it('more follows than one connection allows: another connection opens and every node delivers', async () => {
    const { session, logs, nodes, delivering } = followAll({ callLimits: { maxCalls: SERVER_LIMIT, maxStreams: SERVER_LIMIT - 1 } });
    await until(() => delivering().length === nodes.length, () => `every node's dmesg (${delivering().length} of ${nodes.length})`, { timeout: 15_000 });
    const load = endpointLoad(session);
    expect(load.connections).toBe(Math.ceil(NODES / (SERVER_LIMIT - 1)));
    expect(load.streams).toBe(NODES);
    expect(load.queued).toBe(0);
    // Every slot goes back when the follows stop.
    logs.dispose();
    await until(() => endpointLoad(session).inFlight === 0, () => `every slot back (${JSON.stringify(endpointLoad(session))})`);
  });

  it('past the connections allowed, follows say "queued", and start once others close', async () => {
    const { session, logs, nodes, delivering } = followAll({ callLimits: { maxCalls: SERVER_LIMIT, maxStreams: SERVER_LIMIT - 1 }, connectionsPerEndpoint: 2 });
    const capacity = 2 * (SERVER_LIMIT - 1);
    await until(() => delivering().length === capacity, () => `${capacity} nodes delivering (${delivering().length})`, { timeout: 15_000 });
    const queued = logs.list().filter((s) => s.state === 'queued');
    expect(queued).toHaveLength(NODES - capacity);
    expect(queued[0]!.detail).toMatch(/waiting for a free call/);
    expect(endpointLoad(session)).toMatchObject({ connections: 2, streams: capacity, queued: NODES - capacity });

    // A unary call still gets through at once: streams never take the last slot of a connection.
    const started = performance.now();
    await machine.version(session.target(nodes[0]!), { deadlineMs: 5000 });
    expect(performance.now() - started).toBeLessThan(2000);

    // Closing delivering follows lets the queued ones start, in the order they were opened.
    const open = logs.list().filter((s) => s.state === 'live').slice(0, NODES - capacity);
    for (const s of open) logs.close(s.id);
    const waited = queued.map((s) => s.node);
    await until(() => waited.every((n) => delivering().includes(n)), 'the queued follows to deliver', { timeout: 15_000 });
    expect(logs.list().filter((s) => s.state === 'queued')).toEqual([]);
  });
});
