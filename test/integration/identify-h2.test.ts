// H2Target (src/talos/identify-h2.ts): the small gRPC-over-HTTP/2 client identification uses on the
// socket of its own TLS handshake. Against real TLS servers on a free loopback /24: the project's grpc-js
// facade (src/talos/server.ts) for what a Talos node answers, and a bare node:http2 server for what
// grpc-js would never do on its own (ignore grpc-timeout, drop the connection mid-stream, dribble a
// message out in tiny DATA frames).
import { create, toBinary } from '@bufbuild/protobuf';
import * as http2 from 'node:http2';
import type * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TalosError } from '../../src/talos/errors.js';
import { H2Target } from '../../src/talos/identify-h2.js';
import { DataSchema } from '../../src/talos/proto/gen/common/common_pb.js';
import { MachineService, VersionResponseSchema } from '../../src/talos/proto/gen/machine/machine_pb.js';
import { registration, serveGrpc, type RunningServer } from '../../src/talos/server.js';
import { Code, RpcError } from '../../src/talos/status-codes.js';
import { fixture } from '../fixtures/talos/index.js';
import { freeLoopback24 } from '../helpers/loopback.js';
import { until as untilHolds } from '../helpers/until.js';

// Free loopback /24s (test/helpers/loopback.ts): two runs side by side never collide. `length` keeps
// addresses as wide as the columns and messages below expect.
const NET = await freeLoopback24({ length: 9 });
const NET_RE = NET.replaceAll('.', '\\.');

const FACADE_IP = `${NET}.1`;
const RAW_IP = `${NET}.2`;
const DROP_IP = `${NET}.3`;
const CONFIGURED_IP = `${NET}.4`;

const text = (b: Uint8Array) => Buffer.from(b).toString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const abortOf = (signal: AbortSignal) => new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener('abort', () => r(), { once: true })));

/** Resolves when `cond` holds (checked every 5 ms), or rejects after `ms`. */
const until = (cond: () => boolean, ms = 2000) => untilHolds(cond, 'a condition', { timeout: ms, interval: 5 });

const targets: H2Target[] = [];

/** What identify.ts does: one TLS handshake with ALPN h2, then HTTP/2 over that very socket. */
async function connect(ip: string, port: number): Promise<{ target: H2Target; socket: tls.TLSSocket }> {
  const socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
    const s = tls.connect({ host: ip, port, rejectUnauthorized: false, ALPNProtocols: ['h2'] });
    s.once('secureConnect', () => resolve(s));
    s.once('error', reject);
  });
  expect(socket.alpnProtocol).toBe('h2');
  const target = new H2Target(socket, `${ip}:${port}`, ip, { insecure: true });
  targets.push(target);
  return { target, socket };
}

afterEach(() => {
  for (const t of targets.splice(0)) t.close();
});

/** A gRPC length-prefixed message, uncompressed. */
function grpcFrame(body: Uint8Array): Buffer {
  const out = Buffer.alloc(5 + body.length);
  out.writeUInt32BE(body.length, 1);
  out.set(body, 5);
  return out;
}

// ---- the grpc-js facade: what a (maintenance) Talos node answers

describe('H2Target against the grpc-js server facade', () => {
  let server: RunningServer;
  /** Server-side cancellations seen, by handler. */
  const cancelled: string[] = [];
  let sentForever = 0;
  const big = Buffer.alloc(200 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 8)) & 0xff;

  beforeAll(async () => {
    server = await serveGrpc({
      host: FACADE_IP,
      port: 0,
      tls: { keyPem: fixture('server.key'), certChainPem: fixture('server.crt') },
      services: [
        registration(MachineService, {
          version: async () => ({ messages: [{ metadata: { hostname: 'talos-abc-def' }, version: { tag: 'v1.13.0', arch: 'amd64' } }] }),
          metaWrite: async () => {
            throw new RpcError(Code.PERMISSION_DENIED, 'not authorized');
          },
          bootstrap: async () => {
            // Percent-encoded on the wire (grpc-message): must come back as written.
            throw new RpcError(Code.UNIMPLEMENTED, 'API is not implemented in maintenance mode: 100% sûr, "quoted"');
          },
          // Never answers until the client goes away.
          serviceList: async (_req, ctx) => {
            await abortOf(ctx.signal);
            cancelled.push('serviceList');
            return {};
          },
          logs: async (req, ctx, send) => {
            const bytes = (s: string) => new TextEncoder().encode(s);
            switch (req.id) {
              case 'several':
                for (let i = 1; i <= 5; i++) await send({ bytes: bytes(`line ${i}\n`) });
                return;
              case 'forever':
                while (!ctx.signal.aborted) {
                  await send({ bytes: bytes(`tick ${++sentForever}\n`) });
                  await sleep(2);
                }
                cancelled.push('forever');
                return;
              case 'big':
                await send({ metadata: { hostname: 'big' }, bytes: big });
                await send({ bytes: bytes('after big') });
                return;
              case 'hang':
                await send({ bytes: bytes('first') });
                await abortOf(ctx.signal);
                cancelled.push('hang');
                return;
              case 'fail-after-one':
                await send({ bytes: bytes('only') });
                throw new RpcError(Code.UNAVAILABLE, 'node is rebooting');
              default:
                return; // no message at all, status OK
            }
          },
        }),
      ],
    });
  });
  afterAll(() => server.forceClose());

  it('decodes a unary response', async () => {
    const { target } = await connect(FACADE_IP, server.port);
    expect(target.node).toBe(FACADE_IP);
    const reply = await target.unary(MachineService.method.version, {});
    expect(reply.$typeName).toBe('machine.VersionResponse');
    expect(reply.messages).toHaveLength(1);
    expect(reply.messages[0].metadata?.hostname).toBe('talos-abc-def');
    expect(reply.messages[0].version).toMatchObject({ tag: 'v1.13.0', arch: 'amd64' });
    // Parallel calls share the one session (identify makes four at once).
    const many = await Promise.all([1, 2, 3, 4].map(() => target.unary(MachineService.method.version, {})));
    expect(many.map((r) => r.messages[0].version?.tag)).toEqual(['v1.13.0', 'v1.13.0', 'v1.13.0', 'v1.13.0']);
  });

  it('turns PERMISSION_DENIED into the maintenance-mode sentence', async () => {
    const { target } = await connect(FACADE_IP, server.port);
    const err = await target.unary(MachineService.method.metaWrite, { key: 0x0a, value: new Uint8Array([1]) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TalosError);
    expect(err).toMatchObject({ code: Code.PERMISSION_DENIED, details: 'not authorized', node: FACADE_IP, endpoint: `${FACADE_IP}:${server.port}` });
    expect((err as TalosError).message).toMatch(
      new RegExp(String.raw`^${NET_RE}\.1 is in maintenance mode: it does not allow MetaWrite without a client certificate; META cannot be changed over the maintenance API`),
    );
  });

  it('reports UNIMPLEMENTED, for a missing method and with a percent-encoded maintenance-mode message', async () => {
    const { target } = await connect(FACADE_IP, server.port);
    const missing = await target.unary(MachineService.method.reboot, {}).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(TalosError);
    expect(missing).toMatchObject({ code: Code.UNIMPLEMENTED, details: 'not implemented' });
    expect((missing as TalosError).message).toBe(`${NET}.1 does not implement Reboot (Talos too old, or not a Talos API?)`);

    const old = await target.unary(MachineService.method.bootstrap, {}).catch((e: unknown) => e);
    expect(old).toMatchObject({ code: Code.UNIMPLEMENTED, details: 'API is not implemented in maintenance mode: 100% sûr, "quoted"' });
    expect((old as TalosError).message).toMatch(new RegExp(String.raw`^${NET_RE}\.1 is in maintenance mode \(Talos 1\.12 or older .*\): Bootstrap is not available`));
  });

  it('streams several messages in order, then ends', async () => {
    const { target } = await connect(FACADE_IP, server.port);
    const got: string[] = [];
    for await (const msg of target.stream(MachineService.method.logs, { id: 'several' })) got.push(text(msg.bytes));
    expect(got).toEqual(['line 1\n', 'line 2\n', 'line 3\n', 'line 4\n', 'line 5\n']);
    // A stream with no message and status OK is an empty stream; a unary call with none is an error.
    const none: unknown[] = [];
    for await (const msg of target.stream(MachineService.method.logs, { id: 'none' })) none.push(msg);
    expect(none).toEqual([]);
  });

  it('fails a stream with the status that follows its messages', async () => {
    const { target } = await connect(FACADE_IP, server.port);
    const got: string[] = [];
    const err = await (async () => {
      for await (const msg of target.stream(MachineService.method.logs, { id: 'fail-after-one' })) got.push(text(msg.bytes));
    })().catch((e: unknown) => e);
    expect(got).toEqual(['only']);
    expect(err).toBeInstanceOf(TalosError);
    expect(err).toMatchObject({ code: Code.UNAVAILABLE, details: 'node is rebooting' });
  });

  it('cancels the call when the consumer breaks out early, and the session stays usable', async () => {
    const { target } = await connect(FACADE_IP, server.port);
    const started = Date.now();
    const got: string[] = [];
    for await (const msg of target.stream(MachineService.method.logs, { id: 'forever' })) {
      got.push(text(msg.bytes));
      if (got.length === 3) break;
    }
    expect(got).toEqual(['tick 1\n', 'tick 2\n', 'tick 3\n']);
    expect(Date.now() - started).toBeLessThan(1000);
    // The server sees the RST_STREAM and stops sending: its loop ends.
    await until(() => cancelled.includes('forever'));
    const sent = sentForever;
    // A round trip on the same connection orders after anything the stream could still have sent.
    await expect(target.unary(MachineService.method.version, {})).resolves.toMatchObject({ messages: [{ version: { tag: 'v1.13.0' } }] });
    expect(sentForever).toBe(sent);
  });

  it('gives DEADLINE_EXCEEDED on a unary call that never answers, on time', async () => {
    const { target } = await connect(FACADE_IP, server.port);
    const started = Date.now();
    const err = await target.unary(MachineService.method.serviceList, {}, { deadlineMs: 250 }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(TalosError);
    expect(err).toMatchObject({ code: Code.DEADLINE_EXCEEDED });
    expect((err as TalosError).message).toBe(`no answer from ${NET}.1 to ServiceList within 0.3 s`);
    expect(elapsed).toBeGreaterThanOrEqual(240);
    expect(elapsed).toBeLessThan(250 + 300);
    await until(() => cancelled.includes('serviceList'));
  });

  it('cancels on abort: before the call, during a unary call, and during a stream', async () => {
    const { target } = await connect(FACADE_IP, server.port);
    const pre = await target.unary(MachineService.method.version, {}, { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(pre).toBeInstanceOf(TalosError);
    expect(pre).toMatchObject({ code: Code.CANCELLED, message: `Version to ${NET}.1 was cancelled` });

    cancelled.length = 0;
    const ac = new AbortController();
    const pending = target.unary(MachineService.method.serviceList, {}, { signal: ac.signal });
    await sleep(50);
    const t0 = Date.now();
    ac.abort();
    await expect(pending).rejects.toMatchObject({ code: Code.CANCELLED, message: `ServiceList to ${NET}.1 was cancelled` });
    expect(Date.now() - t0).toBeLessThan(100);
    await until(() => cancelled.includes('serviceList'));

    const sc = new AbortController();
    const iter = target.stream(MachineService.method.logs, { id: 'hang' }, { signal: sc.signal })[Symbol.asyncIterator]();
    expect(text(((await iter.next()).value as { bytes: Uint8Array }).bytes)).toBe('first');
    const next = iter.next();
    sc.abort();
    await expect(next).rejects.toMatchObject({ code: Code.CANCELLED });
    await until(() => cancelled.includes('hang'));
  });

  it('decodes a message larger than the 64 KiB flow-control window, split over many DATA frames', async () => {
    const { target } = await connect(FACADE_IP, server.port);
    const got: Array<{ host: string | undefined; bytes: Buffer }> = [];
    for await (const msg of target.stream(MachineService.method.logs, { id: 'big' })) got.push({ host: msg.metadata?.hostname, bytes: Buffer.from(msg.bytes) });
    expect(got).toHaveLength(2);
    expect(got[0].host).toBe('big');
    expect(got[0].bytes.length).toBe(big.length);
    expect(got[0].bytes.equals(big)).toBe(true);
    expect(got[1].bytes.toString()).toBe('after big');
  });
});

// ---- a bare HTTP/2 server: misbehaviour grpc-js would not produce

describe('H2Target against a bare HTTP/2 server', () => {
  let server: http2.Http2SecureServer;
  let port: number;
  const sockets = new Set<tls.TLSSocket>();
  const tcpSockets = new Set<net.Socket>();
  const requests: Array<{ headers: http2.IncomingHttpHeaders; body: Buffer }> = [];
  const versionBody = toBinary(VersionResponseSchema, create(VersionResponseSchema, { messages: [{ version: { tag: 'v1.12.4' } }] }));

  beforeAll(async () => {
    server = http2.createSecureServer({ key: fixture('server.key'), cert: fixture('server.crt') });
    server.on('connection', (s: net.Socket) => {
      tcpSockets.add(s);
      s.on('close', () => tcpSockets.delete(s));
    });
    server.on('secureConnection', (s: tls.TLSSocket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    server.on('stream', (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', () => undefined);
      stream.on('end', async () => {
        requests.push({ headers, body: Buffer.concat(chunks) });
        const mode = String(headers[':path']).split('/').pop();
        const ok = { ':status': 200, 'content-type': 'application/grpc+proto' };
        switch (mode) {
          case 'Version': {
            // One message dribbled out: the prefix itself split, then the payload byte-sized.
            stream.respond(ok, { waitForTrailers: true });
            stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
            const frame = grpcFrame(versionBody);
            for (const piece of [frame.subarray(0, 2), frame.subarray(2, 5), ...[...frame.subarray(5)].map((b) => Buffer.from([b]))]) {
              if (stream.destroyed) return;
              stream.write(piece);
              await sleep(1);
            }
            stream.end();
            return;
          }
          case 'ServiceList':
            // Hung: ignores grpc-timeout, answers nothing.
            return;
          case 'Logs': {
            // One message, then the whole connection goes away (node rebooting).
            stream.respond(ok);
            stream.write(grpcFrame(toBinary(DataSchema, create(DataSchema, { bytes: new TextEncoder().encode('before the drop') }))));
            await sleep(30);
            for (const s of sockets) s.destroy();
            return;
          }
          case 'Dmesg': {
            // Same, but an abrupt TCP reset.
            stream.respond(ok);
            stream.write(grpcFrame(toBinary(DataSchema, create(DataSchema, { bytes: new TextEncoder().encode('before the reset') }))));
            await sleep(30);
            for (const s of tcpSockets) s.resetAndDestroy();
            return;
          }
          case undefined:
          default:
            stream.respond({ ':status': 404 }, { endStream: true });
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, RAW_IP, resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });

  it('sends a well-formed gRPC request and decodes a message dribbled over many DATA frames', async () => {
    requests.length = 0;
    const { target } = await connect(RAW_IP, port);
    const reply = await target.unary(MachineService.method.version, {}, { deadlineMs: 2000 });
    expect(reply.messages[0].version?.tag).toBe('v1.12.4');
    expect(requests).toHaveLength(1);
    const [{ headers, body }] = requests;
    expect(headers).toMatchObject({ ':method': 'POST', ':path': '/machine.MachineService/Version', 'content-type': 'application/grpc+proto', te: 'trailers', 'grpc-timeout': '2000m' });
    expect(headers.node).toBeUndefined();
    expect(body).toEqual(Buffer.from([0, 0, 0, 0, 0])); // Empty: a zero-length uncompressed message
  });

  it('maps an HTTP error status without grpc-status', async () => {
    const { target } = await connect(RAW_IP, port);
    const err = await target.unary(MachineService.method.reboot, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TalosError);
    expect(err).toMatchObject({ code: Code.UNIMPLEMENTED, details: 'Received HTTP status code 404' });
  });

  it('times out on its own when the server ignores grpc-timeout', async () => {
    const { target } = await connect(RAW_IP, port);
    const started = Date.now();
    const err = await target.unary(MachineService.method.serviceList, {}, { deadlineMs: 200 }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(TalosError);
    expect(err).toMatchObject({ code: Code.DEADLINE_EXCEEDED, message: `no answer from ${NET}.2 to ServiceList within 0.2 s` });
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(200 + 300);
    // A stream given a deadline too (the bare server does not care which method it is).
    const s0 = Date.now();
    const serr = await (async () => {
      for await (const _ of target.stream(MachineService.method.serviceList, {}, { deadlineMs: 100 })) void _;
    })().catch((e: unknown) => e);
    expect(serr).toMatchObject({ code: Code.DEADLINE_EXCEEDED, message: `no answer from ${NET}.2 to ServiceList within 0.1 s` });
    expect(Date.now() - s0).toBeLessThan(100 + 300);
  });

  it.each([
    ['closes (FIN)', 'logs', 'before the drop', new RegExp(String.raw`^${NET_RE}\.2 is unavailable: connection closed$`)],
    ['resets (RST)', 'dmesg', 'before the reset', new RegExp(String.raw`^the connection to ${NET_RE}\.2:\d+ dropped: read ECONNRESET$`)],
  ] as const)('gives UNAVAILABLE when the connection %s mid-stream, and fails later calls at once', async (_how, method, first, message) => {
    const { target } = await connect(RAW_IP, port);
    const got: string[] = [];
    const started = Date.now();
    const err = await (async () => {
      for await (const msg of target.stream(MachineService.method[method], {})) got.push(text(msg.bytes));
    })().catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(got).toEqual([first]);
    expect(err).toBeInstanceOf(TalosError);
    expect(err).toMatchObject({ code: Code.UNAVAILABLE, node: RAW_IP });
    expect((err as TalosError).message).toMatch(message);
    const later = await target.unary(MachineService.method.version, {}).catch((e: unknown) => e);
    expect(later).toBeInstanceOf(TalosError);
    expect(later).toMatchObject({ code: Code.UNAVAILABLE });
  });
});

describe('H2Target when the grpc-js server goes away mid-call', () => {
  it('gives UNAVAILABLE to the calls in flight', async () => {
    let entered = 0;
    const server = await serveGrpc({
      host: DROP_IP,
      port: 0,
      tls: { keyPem: fixture('server.key'), certChainPem: fixture('server.crt') },
      services: [
        registration(MachineService, {
          serviceList: async (_req, ctx) => {
            entered++;
            await abortOf(ctx.signal);
            return {};
          },
        }),
      ],
    });
    try {
      const { target } = await connect(DROP_IP, server.port);
      const pending = target.unary(MachineService.method.serviceList, {}, { deadlineMs: 3000 }).catch((e: unknown) => e);
      await until(() => entered === 1);
      const t0 = Date.now();
      server.forceClose();
      const err = await pending;
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(err).toBeInstanceOf(TalosError);
        expect(err).toMatchObject({ code: Code.UNAVAILABLE, node: DROP_IP, message: `${NET}.3 is unavailable: connection closed` });
    } finally {
      server.forceClose();
    }
  });
});

describe('H2Target against a configured node (mutual TLS required)', () => {
  it('fails every read with the TLS alert that identify takes for "configured"', async () => {
    const server = await serveGrpc({
      host: CONFIGURED_IP,
      port: 0,
      tls: { keyPem: fixture('server.key'), certChainPem: fixture('server.crt'), clientCaPem: fixture('ca.crt') },
      services: [registration(MachineService, { version: async () => ({ messages: [{ version: { tag: 'v1.13.0' } }] }) })],
    });
    try {
      // TLS 1.3: the client's handshake completes; the server's alert comes with the first reads.
      const { target } = await connect(CONFIGURED_IP, server.port);
      const errs = await Promise.all(
        [0, 1].map(() => target.unary(MachineService.method.version, {}, { deadlineMs: 2000 }).catch((e: unknown) => e)),
      );
      for (const err of errs) {
        expect(err).toBeInstanceOf(TalosError);
        expect(err).toMatchObject({ code: Code.UNAVAILABLE, details: expect.stringMatching(/alert certificate required/) });
        expect((err as TalosError).message).toMatch(new RegExp(String.raw`^${NET_RE}\.4:\d+ asks for a client certificate: it is configured, not in maintenance mode`));
      }
    } finally {
      server.forceClose();
    }
  });
});
