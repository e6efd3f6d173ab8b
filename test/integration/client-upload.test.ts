// The client-streaming call (EtcdRecover) over real TLS: the upload is read as the node takes it
// (back-pressure: a node that reads nothing holds the reader after a bounded amount), a node that
// stops taking data fails the call after the idle time, the caller's signal cancels it, and a node
// that refuses early ends the upload with its own error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registration, serveGrpc, type RunningServer } from '../../src/talos/server.js';
import { MachineService } from '../../src/talos/proto/gen/machine/machine_pb.js';
import { Code, insecureClient, machine, RpcError, TalosError, type TalosClient } from '../../src/talos/index.js';
import { fixture } from '../fixtures/talos/index.js';
import { freeLoopback24 } from '../helpers/loopback.js';

const CHUNK = 64 * 1024;
type Mode = 'read-all' | 'read-none' | 'refuse';
let mode: Mode = 'read-all';
let received = 0;
let server: RunningServer;
let client: TalosClient;

beforeAll(async () => {
  server = await serveGrpc({
    host: `${await freeLoopback24()}.7`,
    port: 0,
    tls: { keyPem: fixture('server.key'), certChainPem: fixture('server.crt') },
    services: [
      registration(MachineService, {
        etcdRecover: async (requests, ctx) => {
          if (mode === 'refuse') throw new RpcError(Code.FAILED_PRECONDITION, 'etcd service is not ready for recovery yet');
          if (mode === 'read-none') {
            await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
            return { messages: [] };
          }
          for await (const r of requests) received += r.bytes.length;
          return { messages: [{}] };
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

/** `total` bytes in 64 KiB chunks, counting how many were produced. */
function source(total: number): { chunks: AsyncGenerator<Uint8Array>; produced: () => number } {
  let produced = 0;
  async function* chunks() {
    for (let off = 0; off < total; off += CHUNK) {
      produced += Math.min(CHUNK, total - off);
      yield Buffer.alloc(Math.min(CHUNK, total - off), off & 0xff);
    }
  }
  return { chunks: chunks(), produced: () => produced };
}

describe('client-streaming upload', () => {
  it('sends every byte to a node that reads them', async () => {
    mode = 'read-all';
    received = 0;
    const s = source(5 * 1024 * 1024 + 123);
    await machine.etcdRecover(client, s.chunks, { idleTimeoutMs: 5_000 });
    expect(received).toBe(5 * 1024 * 1024 + 123);
  });

  it('stops reading the source when the node takes nothing, then fails after the idle time', async () => {
    mode = 'read-none';
    const s = source(256 * 1024 * 1024);
    const started = Date.now();
    const err = await machine.etcdRecover(client, s.chunks, { idleTimeoutMs: 700 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TalosError);
    expect((err as TalosError).code).toBe(Code.DEADLINE_EXCEEDED);
    expect((err as TalosError).message).toMatch(/took nothing for 0.7 s \(EtcdRecover/);
    expect(Date.now() - started).toBeLessThan(5_000);
    // Flow control holds the reader: a few MiB at most were read of the 256 MiB.
    expect(s.produced()).toBeLessThan(16 * 1024 * 1024);
  });

  it('is cancelled by the caller', async () => {
    mode = 'read-none';
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const err = await machine.etcdRecover(client, source(64 * 1024 * 1024).chunks, { signal: ac.signal }).catch((e: unknown) => e);
    expect((err as TalosError).code).toBe(Code.CANCELLED);
  });

  it('ends with the node\'s own refusal when it answers before the end', async () => {
    mode = 'refuse';
    const err = await machine.etcdRecover(client, source(64 * 1024 * 1024).chunks, { idleTimeoutMs: 5_000 }).catch((e: unknown) => e);
    expect((err as TalosError).code).toBe(Code.FAILED_PRECONDITION);
    expect((err as TalosError).message).toContain('etcd service is not ready for recovery yet');
  });
});
