// A NodeTarget over one HTTP/2 session on an already established TLS socket: identification reads
// a maintenance node over the very connection whose handshake gave the server leaf. One TLS
// handshake per node instead of two (probe + grpc-js channel), and none of grpc-js's per-channel
// machinery (resolver, load balancer, subchannel, retries), which profiles showed costing more
// client CPU than the reads themselves. Plain gRPC over HTTP/2: one request message, any number of
// length-prefixed response messages, status in the trailers. Read-only, no `node` header, no
// compression (none is offered, so a server must not compress).
import type { DescMethod } from '@bufbuild/protobuf';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import * as http2 from 'node:http2';
import type { TLSSocket } from 'node:tls';
import { describeError, TalosError, type ErrorContext } from './errors.js';
import { methodPath, MAX_MESSAGE_BYTES } from './rpc-definitions.js';
import { safeMessage } from './safe-message.js';
import { Code } from './status-codes.js';
import { DEFAULT_DEADLINE_MS, type CallOptions, type NodeTarget, type RequestOf, type ResponseOf } from './target.js';

const { HTTP2_HEADER_METHOD, HTTP2_HEADER_PATH, HTTP2_HEADER_STATUS, HTTP2_HEADER_CONTENT_TYPE, HTTP2_HEADER_TE } = http2.constants;

/** What a failed call rejects with before describeError: the shape grpc-js errors have. */
interface CallError {
  code: number;
  details: string;
  message: string;
}

const callError = (code: number, details: string): CallError => ({ code, details, message: details });

function grpcMessage(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** HTTP status without a grpc-status: the mapping of gRPC's http-grpc-status-mapping.md. */
function httpToCode(status: number): number {
  switch (status) {
    case 400:
      return Code.INTERNAL;
    case 401:
      return Code.UNAUTHENTICATED;
    case 403:
      return Code.PERMISSION_DENIED;
    case 404:
      return Code.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return Code.UNAVAILABLE;
    default:
      return Code.UNKNOWN;
  }
}

export class H2Target implements NodeTarget {
  readonly node: string;
  private readonly session: http2.ClientHttp2Session;
  /** The session's failure (socket error, TLS alert): every call in flight and later fails with it. */
  private failure: CallError | null = null;
  private readonly failed: Array<(e: CallError) => void> = [];

  constructor(
    socket: TLSSocket,
    private readonly address: string,
    node: string,
    private readonly errorContext: Omit<ErrorContext, 'node' | 'endpoint' | 'method' | 'deadlineMs'> = {},
  ) {
    this.node = node;
    this.session = http2.connect(`https://${address}`, { createConnection: () => socket, maxSessionMemory: 64 });
    const fail = this.fail;
    this.session.on('error', fail);
    socket.on('error', fail);
    this.session.on('close', () => fail(new Error('connection closed')));
    this.session.on('goaway', () => undefined);
  }

  private readonly fail = (err: Error): void => {
    // Same code and text as grpc-js gives for a connection that fails (a TLS alert, a reset).
    this.failure ??= callError(Code.UNAVAILABLE, `No connection established. Last error: ${err.message}. Resolution note: `);
    for (const f of this.failed.splice(0)) f(this.failure);
  };

  close(): void {
    this.session.destroy();
  }

  private describe(method: DescMethod, err: CallError, deadlineMs: number | undefined): TalosError {
    return describeError(err, { ...this.errorContext, node: this.node, endpoint: this.address, method: method.name, deadlineMs });
  }

  private cancelled(method: DescMethod): TalosError {
    return new TalosError({ code: Code.CANCELLED, message: `${method.name} to ${this.node} was cancelled`, node: this.node, endpoint: this.address });
  }

  /**
   * One call: `onMessage` gets each response message; resolves at an OK status, rejects with a
   * TalosError otherwise. `stop()` cancels it (a consumer that stopped reading).
   */
  private call<M extends DescMethod>(
    method: M,
    request: RequestOf<M>,
    opts: CallOptions,
    deadlineMs: number | undefined,
    onMessage: (msg: ResponseOf<M>) => void,
  ): { done: Promise<void>; stop: () => void } {
    let stop = () => undefined as void;
    const done = new Promise<void>((resolve, reject) => {
      const { signal } = opts;
      if (signal?.aborted) return reject(this.cancelled(method));
      if (this.failure) return reject(this.describe(method, this.failure, deadlineMs));
      const body = toBinary(method.input, create(method.input, request as never));
      const frame = Buffer.allocUnsafe(5 + body.length);
      frame[0] = 0;
      frame.writeUInt32BE(body.length, 1);
      frame.set(body, 5);
      const headers: http2.OutgoingHttpHeaders = {
        [HTTP2_HEADER_METHOD]: 'POST',
        [HTTP2_HEADER_PATH]: methodPath(method),
        [HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc+proto',
        [HTTP2_HEADER_TE]: 'trailers',
      };
      if (deadlineMs !== undefined) headers['grpc-timeout'] = `${Math.max(1, Math.ceil(deadlineMs))}m`;
      let stream: http2.ClientHttp2Stream;
      try {
        stream = this.session.request(headers, { endStream: false });
      } catch (err) {
        return reject(this.describe(method, callError(Code.UNAVAILABLE, (err as Error).message), deadlineMs));
      }
      let settled = false;
      const finish = (err: TalosError | null) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const i = this.failed.indexOf(onFailure);
        if (i >= 0) this.failed.splice(i, 1);
        if (!stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
        if (err) reject(err);
        else resolve();
      };
      const onFailure = (e: CallError) => finish(this.describe(method, e, deadlineMs));
      this.failed.push(onFailure);
      const onAbort = () => finish(this.cancelled(method));
      signal?.addEventListener('abort', onAbort, { once: true });
      stop = () => finish(this.cancelled(method));
      const timer =
        deadlineMs !== undefined
          ? setTimeout(() => finish(this.describe(method, callError(Code.DEADLINE_EXCEEDED, 'Deadline exceeded'), deadlineMs)), deadlineMs)
          : null;

      let buffered: Buffer = Buffer.alloc(0);
      let status: { code: number; details: string } | null = null;
      const settle = () => {
        if (!status) return;
        if (status.code === Code.OK) finish(null);
        else finish(this.describe(method, callError(status.code, status.details), deadlineMs));
      };
      const statusFrom = (h: http2.IncomingHttpHeaders) => {
        const raw = h['grpc-status'];
        if (raw === undefined) return;
        const code = Number(raw);
        status = { code: Number.isInteger(code) && code >= 0 && code <= 16 ? code : Code.UNKNOWN, details: grpcMessage(h['grpc-message']) };
      };
      stream.on('response', (h) => {
        const http = Number(h[HTTP2_HEADER_STATUS]);
        const type = String(h[HTTP2_HEADER_CONTENT_TYPE] ?? '');
        statusFrom(h); // trailers-only response
        if (!status && http !== 200) status = { code: httpToCode(http), details: `Received HTTP status code ${http}` };
        else if (!status && !type.startsWith('application/grpc')) status = { code: Code.UNKNOWN, details: `Received invalid content-type ${type || '(none)'}` };
        if (status && status.code !== Code.OK) settle();
      });
      stream.on('trailers', (h) => statusFrom(h));
      stream.on('data', (chunk: Buffer) => {
        if (settled) return;
        buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
        while (buffered.length >= 5) {
          if (buffered[0] !== 0) return finish(this.describe(method, callError(Code.INTERNAL, 'compressed message without a negotiated encoding'), deadlineMs));
          const len = buffered.readUInt32BE(1);
          if (len > MAX_MESSAGE_BYTES) return finish(this.describe(method, callError(Code.RESOURCE_EXHAUSTED, `message larger than max (${len} vs. ${MAX_MESSAGE_BYTES})`), deadlineMs));
          if (buffered.length < 5 + len) break;
          const payload = buffered.subarray(5, 5 + len);
          buffered = buffered.subarray(5 + len);
          let msg: ResponseOf<M>;
          try {
            msg = safeMessage(fromBinary(method.output, payload) as ResponseOf<M>);
          } catch (err) {
            return finish(this.describe(method, callError(Code.INTERNAL, `response message parsing error: ${(err as Error).message}`), deadlineMs));
          }
          onMessage(msg);
          if (settled) return;
        }
      });
      stream.on('error', (err) => {
        if (!status) status = { code: Code.UNAVAILABLE, details: err.message };
      });
      stream.on('close', () => {
        // A connection closed without an error (FIN, or the server's forced shutdown) closes its
        // streams before the session's own 'close' event: that is the connection failing, not a
        // stream ending without a status.
        if (!status && !this.failure && this.session.destroyed) this.fail(new Error('connection closed'));
        if (settled) return;
        if (!status) status = this.failure ?? { code: Code.INTERNAL, details: `stream closed without a gRPC status (RST_STREAM code ${stream.rstCode})` };
        if (status.code === Code.OK && buffered.length > 0) status = { code: Code.INTERNAL, details: 'truncated message at the end of the stream' };
        settle();
      });
      stream.end(frame);
    });
    return { done, stop: () => stop() };
  }

  async unary<M extends DescMethod>(method: M, request: RequestOf<M>, opts: CallOptions = {}): Promise<ResponseOf<M>> {
    const deadlineMs = opts.deadlineMs ?? DEFAULT_DEADLINE_MS;
    const got: ResponseOf<M>[] = [];
    await this.call(method, request, opts, deadlineMs, (m) => got.push(m)).done;
    if (got.length !== 1) {
      throw this.describe(method, callError(Code.UNIMPLEMENTED, `${got.length === 0 ? 'No' : 'Too many'} message(s) received for a unary call`), deadlineMs);
    }
    return got[0];
  }

  stream<M extends DescMethod>(method: M, request: RequestOf<M>, opts: CallOptions = {}): AsyncIterable<ResponseOf<M>> {
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        const queue: ResponseOf<M>[] = [];
        let wake: (() => void) | null = null;
        let ended = false;
        let failure: unknown = null;
        const call = self.call(method, request, opts, opts.deadlineMs, (m) => {
          queue.push(m);
          wake?.();
        });
        call.done.then(
          () => {
            ended = true;
            wake?.();
          },
          (err) => {
            failure = err;
            ended = true;
            wake?.();
          },
        );
        try {
          for (;;) {
            if (queue.length > 0) {
              yield queue.shift()!;
              continue;
            }
            if (ended) break;
            await new Promise<void>((r) => (wake = r));
            wake = null;
          }
          if (failure) throw failure;
        } finally {
          call.stop(); // a no-op once the call ended
        }
      },
    };
  }
}
