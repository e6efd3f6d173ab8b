// A small gRPC server facade over grpc-js, used by the simulator (src/sim) so that it never imports
// grpc-js itself. Handlers are plain async functions over protobuf-es messages.
import * as grpc from '@grpc/grpc-js';
import { create, type DescMethod, type DescService, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import { grpcServiceDefinition, MAX_MESSAGE_BYTES } from './rpc-definitions.js';
import { Code, RpcError } from './status-codes.js';

export interface CallContext {
  /** Request metadata, keys lower-case, every value as a string. */
  metadata: Record<string, string[]>;
  /** DER of the client certificate when the connection is mutual TLS, else null. */
  peerCertificate: Buffer | null;
  /** Aborted when the client cancels or the connection drops. */
  signal: AbortSignal;
}

type In<M extends DescMethod> = MessageShape<M['input']>;
type Out<M extends DescMethod> = MessageInitShape<M['output']>;

// The context type is a parameter so the simulator can type its own handlers (which see a routed
// machine instead of raw metadata) with the same shapes: src/sim/handlers/types.ts.
export type UnaryHandler<M extends DescMethod, C = CallContext> = (req: In<M>, ctx: C) => Promise<Out<M>>;
export type ServerStreamHandler<M extends DescMethod, C = CallContext> = (
  req: In<M>,
  ctx: C,
  send: (msg: Out<M>) => Promise<void>,
) => Promise<void>;

/** A client stream (an upload): the requests arrive as the client sends them; one reply at the end. */
export type ClientStreamHandler<M extends DescMethod, C = CallContext> = (requests: AsyncIterable<In<M>>, ctx: C) => Promise<Out<M>>;

/** Implementation of some methods of a service, keyed by the generated method's localName (e.g. `serviceList`). */
export type ServiceHandlers<S extends DescService, C = CallContext> = {
  [K in keyof S['method']]?: S['method'][K] extends DescMethod
    ? S['method'][K]['methodKind'] extends 'server_streaming'
      ? ServerStreamHandler<S['method'][K], C>
      : S['method'][K]['methodKind'] extends 'client_streaming'
        ? ClientStreamHandler<S['method'][K], C>
        : UnaryHandler<S['method'][K], C>
    : never;
};

export interface ServerTls {
  keyPem: string;
  /** The server's certificate chain as sent to clients (maintenance nodes send only the leaf). */
  certChainPem: string;
  /** When set, clients must present a certificate signed by this CA (mutual TLS). */
  clientCaPem?: string;
}

export interface ServiceRegistration {
  service: DescService;
  handlers: Record<string, unknown>;
}

export interface RunningServer {
  /** host:port actually bound (port resolved when 0 was asked for). */
  address: string;
  port: number;
  /** Stop accepting, cancel every call in flight, close connections. */
  forceClose(): void;
  /**
   * Stop accepting at once, let the calls in flight finish writing their replies (a machine that
   * reboots after an apply has answered it first), then close; whatever is left after `graceMs` is cut.
   */
  drainClose(graceMs: number): void;
}

function toMetadataRecord(md: grpc.Metadata): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, values] of Object.entries(md.getMap())) {
    out[key.toLowerCase()] = md.get(key).map((v) => (typeof v === 'string' ? v : v.toString('utf8')));
    void values;
  }
  return out;
}

function callContext(call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown> | grpc.ServerReadableStream<unknown, unknown>): CallContext {
  const controller = new AbortController();
  (call as grpc.ServerUnaryCall<unknown, unknown>).on('cancelled', () => controller.abort());
  const cert = call.getAuthContext()?.sslPeerCertificate;
  return {
    metadata: toMetadataRecord(call.metadata),
    peerCertificate: cert && cert.raw && cert.raw.length > 0 ? cert.raw : null,
    signal: controller.signal,
  };
}

function toServiceError(err: unknown): Partial<grpc.StatusObject> {
  if (err instanceof RpcError) return { code: err.code as grpc.status, details: err.details };
  const message = err instanceof Error ? err.message : String(err);
  return { code: Code.INTERNAL as grpc.status, details: message };
}

function wrapHandlers(service: DescService, handlers: Record<string, unknown>): grpc.UntypedServiceImplementation {
  const impl: grpc.UntypedServiceImplementation = {};
  for (const method of service.methods) {
    const handler = handlers[method.localName] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (method.methodKind === 'server_streaming') {
      impl[method.name] = (call: grpc.ServerWritableStream<unknown, unknown>) => {
        if (!handler) {
          call.destroy(Object.assign(new Error('not implemented'), { code: Code.UNIMPLEMENTED }));
          return;
        }
        const ctx = callContext(call);
        const send = (msg: unknown) =>
          new Promise<void>((resolve) => {
            if (ctx.signal.aborted) return resolve();
            // Respect back-pressure: resolve once the chunk has been accepted by the stream.
            const ok = call.write(create(method.output, msg as never));
            if (ok) resolve();
            else call.once('drain', () => resolve());
          });
        handler(call.request, ctx, send).then(
          () => {
            if (!ctx.signal.aborted) call.end();
          },
          (err) => {
            if (!ctx.signal.aborted) call.emit('error', toServiceError(err));
          },
        );
      };
    } else if (method.methodKind === 'client_streaming') {
      impl[method.name] = (call: grpc.ServerReadableStream<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        if (!handler) {
          callback({ code: Code.UNIMPLEMENTED as grpc.status, details: 'not implemented' });
          return;
        }
        // The readable stream is the request iterable: reading it at the handler's pace is the back-pressure.
        handler(call as AsyncIterable<unknown>, callContext(call)).then(
          (res) => callback(null, create(method.output, res as never)),
          (err) => callback(toServiceError(err)),
        );
      };
    } else if (method.methodKind === 'unary') {
      impl[method.name] = (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        if (!handler) {
          callback({ code: Code.UNIMPLEMENTED as grpc.status, details: 'not implemented' });
          return;
        }
        handler(call.request, callContext(call)).then(
          (res) => callback(null, create(method.output, res as never)),
          (err) => callback(toServiceError(err)),
        );
      };
    }
  }
  return impl;
}

/** Start a TLS gRPC server on host:port serving the given services; methods without a handler answer UNIMPLEMENTED. */
export async function serveGrpc(opts: {
  host: string;
  port: number;
  tls: ServerTls;
  services: ServiceRegistration[];
  /** SETTINGS_MAX_CONCURRENT_STREAMS to advertise (default none: any number, as Talos's apid). */
  maxConcurrentStreams?: number;
}): Promise<RunningServer> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    ...(opts.maxConcurrentStreams !== undefined ? { 'grpc.max_concurrent_streams': opts.maxConcurrentStreams } : {}),
  });
  for (const { service, handlers } of opts.services) {
    server.addService(grpcServiceDefinition(service), wrapHandlers(service, handlers));
  }
  // Without a client CA, grpc-js would put Node's ~140 default root certificates into every server's
  // TLS context, parsed anew each time (~17 ms a server: 85% of the start-up of a simulator with 500
  // maintenance nodes), and of no use when no client certificate is asked for; the server's own chain
  // stands in for them.
  const creds = grpc.ServerCredentials.createSsl(
    Buffer.from(opts.tls.clientCaPem ? opts.tls.clientCaPem : opts.tls.certChainPem),
    [{ private_key: Buffer.from(opts.tls.keyPem), cert_chain: Buffer.from(opts.tls.certChainPem) }],
    Boolean(opts.tls.clientCaPem),
  );
  const hostForBind = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${hostForBind}:${opts.port}`, creds, (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    address: `${opts.host}:${port}`,
    port,
    forceClose: () => server.forceShutdown(),
    drainClose: (graceMs) => {
      const cut = setTimeout(() => server.forceShutdown(), graceMs);
      server.tryShutdown(() => clearTimeout(cut));
    },
  };
}

/** Helper for handlers: make a typed registration without casting at each call site. */
export function registration<S extends DescService>(service: S, handlers: ServiceHandlers<S>): ServiceRegistration {
  return { service, handlers: handlers as Record<string, unknown> };
}
