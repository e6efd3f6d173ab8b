// Headless `dmesg` (no -f) of a large kernel ring through a slow pipe: every line printed in order,
// printing starts while the node still sends (the ring is never held whole), no listener piling up on the abort signal, and no process warning
// (MaxListenersExceededWarning) for the user to see. Memory is measured by test/bench/dmesg-memory.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEventListeners } from 'node:events';
import { Writable } from 'node:stream';
import { runHeadlessLogs } from '../../src/cli/headless-logs.js';
import { registration, serveGrpc, type RunningServer } from '../../src/talos/server.js';
import { MachineService } from '../../src/talos/proto/gen/machine/machine_pb.js';
import { insecureClient, type TalosClient } from '../../src/talos/index.js';
import { fixture } from '../fixtures/talos/index.js';
import { freeLoopback24 } from '../helpers/loopback.js';

const COUNT = 30_000;
let server: RunningServer;
let client: TalosClient;
let sent = 0;
let ringSize = COUNT;

beforeAll(async () => {
  server = await serveGrpc({
    host: `${await freeLoopback24()}.5`,
    port: 0,
    tls: { keyPem: fixture('server.key'), certChainPem: fixture('server.crt') },
    services: [
      registration(MachineService, {
        dmesg: async (_req, ctx, send) => {
          for (let i = 0; i < ringSize && !ctx.signal.aborted; i++, sent++) await send({ bytes: Buffer.from(`kern:    info: [2026-01-01T00:00:00Z]: message ${i}\n`) });
        },
      }),
    ],
  });
  client = insecureClient(server.address);
});

afterAll(() => {
  client?.close();
  server?.forceClose();
});

describe('dmesg of a large ring through a slow pipe', () => {
  it('prints every line, keeps the abort listeners bounded and warns about nothing', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    let lines = 0;
    let last = '';
    let sentAtFirstWrite = -1;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk, _enc, cb) {
        const text = String(chunk);
        if (sentAtFirstWrite < 0) sentAtFirstWrite = sent;
        for (const c of text) if (c === '\n') lines++;
        last = text;
        setImmediate(cb);
      },
    });
    const ac = new AbortController();
    let maxListeners = 0;
    const probe = setInterval(() => (maxListeners = Math.max(maxListeners, getEventListeners(ac.signal, 'abort').length)), 5);
    const err: string[] = [];
    const code = await runHeadlessLogs({
      command: 'dmesg',
      nodes: [server.address],
      targetFor: () => client,
      selector: { kind: 'dmesg' },
      tail: -1,
      follow: false,
      stdout: slow,
      stderr: new Writable({ write: (c, _e, cb) => (err.push(String(c)), cb()) }),
      signal: ac.signal,
    });
    clearInterval(probe);
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    expect(err.join('')).toBe('');
    expect(code).toBe(0);
    expect(lines).toBe(COUNT);
    expect(last.trimEnd().endsWith(`message ${COUNT - 1}`)).toBe(true);
    expect(maxListeners).toBeLessThanOrEqual(2);
    // Printed while the node was still sending: nothing waits for (or holds) the whole ring.
    expect(sentAtFirstWrite).toBeGreaterThanOrEqual(0);
    expect(sentAtFirstWrite).toBeLessThan(COUNT / 2);
    expect(warnings.map((w) => w.message)).toEqual([]);
  }, 60_000);

  it('twelve nodes at once: no MaxListenersExceededWarning reaches the user', async () => {
    ringSize = 200;
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    const nodes = Array.from({ length: 12 }, (_, i) => `node-${i}`);
    let text = '';
    const code = await runHeadlessLogs({
      command: 'dmesg',
      nodes,
      targetFor: () => client,
      selector: { kind: 'dmesg' },
      tail: -1,
      follow: false,
      stdout: new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) }),
      stderr: new Writable({ write: (_c, _e, cb) => cb() }),
      signal: new AbortController().signal,
    });
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    expect(code).toBe(0);
    expect(text.split('\n').filter((l) => l.startsWith('node-11: ')).length).toBe(200);
    expect(warnings.map((w) => w.message)).toEqual([]);
  });
});
