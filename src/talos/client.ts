// One grpc-js channel to one address, with typed unary calls (deadline, abort) and server streams
// as async iterables that cancel the call when the consumer stops. Errors leave as TalosError.
import * as grpc from '@grpc/grpc-js';
import { create, type DescMethod } from '@bufbuild/protobuf';
import { parseEndpoint, type Endpoint } from './address.js';
import { CallSlots, waitSignal, type CallKind, type CallLimits, type Release } from './call-slots.js';
import { describeError, isConnectFailure, isTlsFailure, TalosError, type ErrorContext } from './errors.js';
import { pumpUpload } from './client-upload.js';
import { grpcMethodDefinition, MAX_MESSAGE_BYTES } from './rpc-definitions.js';
import { safeMessage } from './safe-message.js';
import { Code } from './status-codes.js';
import { DEFAULT_DEADLINE_MS, type CallOptions, type NodeTarget, type RequestOf, type ResponseOf } from './target.js';

export interface ClientCallOptions extends CallOptions {
  /** Sets the `node` metadata: the endpoint proxies the call to that node. */
  node?: string;
  /** A call slot already taken on this client's connection (by an endpoint pool, endpoint-pool.ts). */
  slot?: Release;
}

export interface TalosClientOptions {
  /** `ip`, `ip:port`, `host:port` or `[v6]:port`; port 50000 when absent. */
  address: string;
  /** Fixed credentials, or a factory run before the first call (e.g. probe-and-pin for --cert-fingerprint). */
  credentials: grpc.ChannelCredentials | ((signal?: AbortSignal) => Promise<grpc.ChannelCredentials>);
  /** Named in error messages: context, roles, insecure mode... */
  errorContext?: Omit<ErrorContext, 'node' | 'endpoint' | 'method' | 'deadlineMs'>;
  defaultDeadlineMs?: number;
  /**
   * When the credentials come from a factory and a handshake fails on certificate grounds, build
   * them again once (the maintenance node rebooted and made a new certificate) before giving up.
   */
  refreshCredentialsOnTlsFailure?: boolean;
  /** Calls in flight on this client's connection (call-slots.ts); more wait in line. */
  callLimits?: Partial<CallLimits>;
}

export type Connectivity = 'idle' | 'connecting' | 'ready' | 'transient_failure' | 'shutdown';

const CONNECTIVITY: Record<grpc.connectivityState, Connectivity> = {
  [grpc.connectivityState.IDLE]: 'idle',
  [grpc.connectivityState.CONNECTING]: 'connecting',
  [grpc.connectivityState.READY]: 'ready',
  [grpc.connectivityState.TRANSIENT_FAILURE]: 'transient_failure',
  [grpc.connectivityState.SHUTDOWN]: 'shutdown',
};

export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  // Talos (grpc-go) answers pings more often than every 5 minutes with GOAWAY "too_many_pings", so
  // ping at that pace: enough to notice a dead connection under a quiet log follow.
  'grpc.keepalive_time_ms': 300_000,
  'grpc.keepalive_timeout_ms': 20_000,
  // Notice a node that came back within seconds rather than grpc-js's default 2 minutes.
  'grpc.initial_reconnect_backoff_ms': 250,
  'grpc.max_reconnect_backoff_ms': 5_000,
  // Never share a connection with another client (insecure and mTLS channels to one node differ).
  'grpc.use_local_subchannel_pool': 1,
};

const definitions = new WeakMap<DescMethod, grpc.MethodDefinition<unknown, unknown>>();
function definition(method: DescMethod): grpc.MethodDefinition<unknown, unknown> {
  let def = definitions.get(method);
  if (!def) {
    const wire = grpcMethodDefinition(method);
    // Replies are made safe for the terminal as they are decoded: nothing above sees raw node text.
    def = { ...wire, responseDeserialize: (b: Buffer) => safeMessage(wire.responseDeserialize(b)) };
    definitions.set(method, def);
  }
  return def;
}

export class TalosClient implements NodeTarget {
  readonly endpoint: Endpoint;
  /** The host this client's calls are about when no node is given. */
  readonly node: string;
  private readonly opts: TalosClientOptions;
  private grpcClient: Promise<grpc.Client> | null = null;
  /** The same client once made, for synchronous state reads. */
  private ready: grpc.Client | null = null;
  private closed = false;
  /** The calls in flight on this connection and those waiting for a slot. */
  readonly slots: CallSlots;

  constructor(opts: TalosClientOptions) {
    // grpc-js sets TLS SNI to the IP it dials and Node prints DEP0123 for that on stderr, which
    // would tear through the full-screen UI. The warning is harmless here: silence deprecations.
    process.noDeprecation = true;
    this.opts = opts;
    this.endpoint = parseEndpoint(opts.address);
    this.node = this.endpoint.host;
    this.slots = new CallSlots(opts.callLimits);
  }

  get address(): string {
    return this.endpoint.address;
  }

  private client(signal?: AbortSignal): Promise<grpc.Client> {
    if (this.closed) return Promise.reject(new TalosError({ code: Code.CANCELLED, message: `the connection to ${this.address} is closed`, endpoint: this.address }));
    if (!this.grpcClient) {
      const creds = this.opts.credentials;
      const made =
        typeof creds === 'function'
          ? creds(signal).then((c) => new grpc.Client(this.address, c, CHANNEL_OPTIONS))
          : Promise.resolve(new grpc.Client(this.address, creds, CHANNEL_OPTIONS));
      this.grpcClient = made;
      made.then((c) => {
        if (this.grpcClient === made) this.ready = c;
      }, () => undefined);
      // A failed factory (probe refused, fingerprint mismatch) must not stick: try again next call.
      made.catch(() => {
        if (this.grpcClient === made) this.grpcClient = null;
      });
    }
    return this.grpcClient;
  }

  /** Drop the channel; the next call dials again (and re-runs a credentials factory). */
  private resetChannel(): void {
    const old = this.grpcClient;
    this.grpcClient = null;
    this.ready = null;
    old?.then((c) => c.close(), () => undefined);
  }

  private errorContext(method: DescMethod, opts: ClientCallOptions, deadlineMs?: number): ErrorContext {
    return { ...this.opts.errorContext, node: opts.node ?? this.node, endpoint: this.address, method: method.name, deadlineMs };
  }

  private cancelled(method: DescMethod, opts: ClientCallOptions): TalosError {
    return new TalosError({
      code: Code.CANCELLED,
      message: `${method.name} to ${opts.node ?? this.node} was cancelled`,
      node: opts.node ?? this.node,
      endpoint: this.address,
    });
  }

  private shouldRefresh(err: TalosError): boolean {
    return Boolean(this.opts.refreshCredentialsOnTlsFailure) && err.code === Code.UNAVAILABLE && isConnectFailure(err.details) && isTlsFailure(err.details);
  }

  async unary<M extends DescMethod>(method: M, request: RequestOf<M>, opts: ClientCallOptions = {}): Promise<ResponseOf<M>> {
    // The deadline covers the wait for a slot too: a poll queued behind a full connection fails in time.
    const deadlineMs = opts.deadlineMs ?? this.opts.defaultDeadlineMs ?? DEFAULT_DEADLINE_MS;
    const queuedAt = performance.now();
    const release = await this.slot('unary', method, opts, deadlineMs);
    const rest = { ...opts, deadlineMs: Math.max(1, deadlineMs - (performance.now() - queuedAt)) };
    try {
      return await this.unaryOnce(method, request, rest);
    } catch (err) {
      if (err instanceof TalosError && this.shouldRefresh(err)) {
        this.resetChannel();
        return this.unaryOnce(method, request, rest);
      }
      throw err;
    } finally {
      release();
    }
  }

  /** A call slot on this connection (call-slots.ts): given, at once, or after waiting in line (told through opts.onQueued). */
  private async slot(kind: CallKind, method: DescMethod, opts: ClientCallOptions, deadlineMs: number | undefined): Promise<Release> {
    if (opts.slot) return opts.slot;
    const now = this.slots.tryTake(kind);
    if (now) return now;
    try {
      return await this.slots.take(kind, { signal: waitSignal(opts.signal, deadlineMs), onQueued: opts.onQueued });
    } catch {
      throw this.queueFailure(method, opts, deadlineMs);
    }
  }

  /** Why a call waiting in line for a slot (here or in an endpoint pool) stopped waiting. */
  queueFailure(method: DescMethod, opts: ClientCallOptions, deadlineMs: number | undefined): TalosError {
    if (opts.signal?.aborted) return this.cancelled(method, opts);
    const node = opts.node ?? this.node;
    return new TalosError({
      code: Code.DEADLINE_EXCEEDED,
      message: `${method.name} to ${node} waited ${(deadlineMs ?? 0) / 1000} s in line for a free call on the connection to ${this.address}: too many calls in flight`,
      node,
      endpoint: this.address,
    });
  }

  /** The connected client for a call, or the call's error: cancelled when its signal fired, else described. */
  private async connectedFor(method: DescMethod, opts: ClientCallOptions, deadlineMs: number | undefined): Promise<grpc.Client> {
    if (opts.signal?.aborted) throw this.cancelled(method, opts);
    try {
      return await this.client(opts.signal);
    } catch (err) {
      throw opts.signal?.aborted ? this.cancelled(method, opts) : describeError(err, this.errorContext(method, opts, deadlineMs));
    }
  }

  private async unaryOnce<M extends DescMethod>(method: M, request: RequestOf<M>, opts: ClientCallOptions): Promise<ResponseOf<M>> {
    const deadlineMs = opts.deadlineMs ?? this.opts.defaultDeadlineMs ?? DEFAULT_DEADLINE_MS;
    const { signal } = opts;
    const client = await this.connectedFor(method, opts, deadlineMs);
    const def = definition(method);
    const message = create(method.input, request as never);
    return new Promise<ResponseOf<M>>((resolve, reject) => {
      if (signal?.aborted) return reject(this.cancelled(method, opts));
      const onAbort = () => call.cancel();
      const call = client.makeUnaryRequest(
        def.path,
        def.requestSerialize,
        def.responseDeserialize,
        message,
        this.metadata(opts),
        { deadline: Date.now() + deadlineMs },
        (err, response) => {
          signal?.removeEventListener('abort', onAbort);
          if (err) reject(signal?.aborted ? this.cancelled(method, opts) : describeError(err, this.errorContext(method, opts, deadlineMs)));
          else resolve(response as ResponseOf<M>);
        },
      );
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  stream<M extends DescMethod>(method: M, request: RequestOf<M>, opts: ClientCallOptions = {}): AsyncIterable<ResponseOf<M>> {
    const self = this;
    return {
      [Symbol.asyncIterator]() {
        // A slot already taken (an endpoint pool) and no credentials to refresh: the call itself,
        // which gives the slot back when it ends (no extra step per message).
        if (opts.slot && !self.opts.refreshCredentialsOnTlsFailure) return self.streamOnce(method, request, opts);
        return self.streamWithSlot(method, request, opts);
      },
    };
  }

  /** A stream that takes its own slot (or holds the given one) and may refresh its credentials once. */
  private async *streamWithSlot<M extends DescMethod>(method: M, request: RequestOf<M>, opts: ClientCallOptions): AsyncGenerator<ResponseOf<M>> {
    // Held for as long as the stream runs; the wait for it is not counted by idleTimeoutMs.
    const release = await this.slot('stream', method, opts, undefined);
    const call = { ...opts, slot: undefined };
    let received = false;
    try {
      for await (const msg of this.streamOnce(method, request, call)) {
        received = true;
        yield msg;
      }
    } catch (err) {
      if (!received && err instanceof TalosError && this.shouldRefresh(err)) {
        this.resetChannel();
        yield* this.streamOnce(method, request, call);
        return;
      }
      throw err;
    } finally {
      release();
    }
  }

  private streamOnce<M extends DescMethod>(method: M, request: RequestOf<M>, opts: ClientCallOptions): AsyncGenerator<ResponseOf<M>> {
    // Without an idle timeout, the call itself: no generator in between, no extra step per message.
    return opts.idleTimeoutMs === undefined ? this.streamCall(method, request, opts) : this.streamIdle(method, request, opts, opts.idleTimeoutMs);
  }

  private async *streamIdle<M extends DescMethod>(method: M, request: RequestOf<M>, opts: ClientCallOptions, idleMs: number): AsyncGenerator<ResponseOf<M>> {
    // One controller per call: the idle timer aborts it like the caller's signal would.
    const ac = new AbortController();
    const onAbort = () => ac.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) ac.abort();
    let stalled = false;
    const fire = () => {
      stalled = true;
      ac.abort();
    };
    let timer = setTimeout(fire, idleMs);
    try {
      for await (const msg of this.streamCall(method, request, { ...opts, signal: ac.signal })) {
        clearTimeout(timer);
        yield msg;
        timer = setTimeout(fire, idleMs);
      }
    } catch (err) {
      if (!stalled || opts.signal?.aborted) throw err;
      const node = opts.node ?? this.node;
      throw new TalosError({
        code: Code.DEADLINE_EXCEEDED,
        message: `${node} sent nothing for ${idleMs / 1000} s (${method.name} through ${this.address}): the node accepts the connection but does not answer`,
        node,
        endpoint: this.address,
      });
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async *streamCall<M extends DescMethod>(method: M, request: RequestOf<M>, opts: ClientCallOptions): AsyncGenerator<ResponseOf<M>> {
    // The slot an endpoint pool took for this call goes back however the call ends (connecting included).
    try {
      const { signal } = opts;
      const client = await this.connectedFor(method, opts, opts.deadlineMs);
      const def = definition(method);
      const call = client.makeServerStreamRequest(
        def.path,
        def.requestSerialize,
        def.responseDeserialize,
        create(method.input, request as never),
        this.metadata(opts),
        opts.deadlineMs !== undefined ? { deadline: Date.now() + opts.deadlineMs } : {},
      );
      const onAbort = () => call.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
      if (signal?.aborted) call.cancel();
      try {
        for await (const msg of call) yield msg as ResponseOf<M>;
      } catch (err) {
        throw signal?.aborted ? this.cancelled(method, opts) : describeError(err, this.errorContext(method, opts, opts.deadlineMs));
      } finally {
        signal?.removeEventListener('abort', onAbort);
        // The consumer stopped early (break, throw, abort): tell the server. A no-op after the end.
        call.cancel();
      }
      if (signal?.aborted) throw this.cancelled(method, opts);
    } finally {
      opts.slot?.();
    }
  }

  /**
   * A client-streaming call (EtcdRecover): `requests` is read one message at a time as the node takes
   * them. opts.idleTimeoutMs bounds each wait (the node taking the next message, then its answer);
   * opts.deadlineMs, when given, bounds the whole call; the signal cancels it.
   */
  async clientStream<M extends DescMethod>(method: M, requests: AsyncIterable<RequestOf<M>>, opts: ClientCallOptions = {}): Promise<ResponseOf<M>> {
    // An upload holds its HTTP/2 stream for as long as it sends: it counts as a stream (call-slots.ts).
    const release = await this.slot('stream', method, opts, opts.deadlineMs);
    try {
      return await this.clientStreamCall(method, requests, opts);
    } finally {
      release();
    }
  }

  private async clientStreamCall<M extends DescMethod>(method: M, requests: AsyncIterable<RequestOf<M>>, opts: ClientCallOptions): Promise<ResponseOf<M>> {
    const client = await this.connectedFor(method, opts, opts.deadlineMs);
    const def = definition(method);
    let settle!: (r: { err: grpc.ServiceError | null; response?: unknown }) => void;
    const finished = new Promise<{ err: grpc.ServiceError | null; response?: unknown }>((resolve) => (settle = resolve));
    const call = client.makeClientStreamRequest(
      def.path,
      def.requestSerialize,
      def.responseDeserialize,
      this.metadata(opts),
      opts.deadlineMs !== undefined ? { deadline: Date.now() + opts.deadlineMs } : {},
      (err, response) => settle({ err, response }),
    );
    const messages = async function* () {
      for await (const r of requests) yield create(method.input, r as never);
    };
    const idleMs = opts.idleTimeoutMs;
    const stalled = () => {
      call.cancel();
      const node = opts.node ?? this.node;
      return new TalosError({
        code: Code.DEADLINE_EXCEEDED,
        message: `${node} took nothing for ${(idleMs ?? 0) / 1000} s (${method.name} through ${this.address}): the node accepts the connection but does not answer`,
        node,
        endpoint: this.address,
      });
    };
    const end = await pumpUpload(call, messages(), { idleMs, signal: opts.signal, callEnded: finished.then(() => undefined) });
    if (end.kind === 'aborted') {
      call.cancel();
      throw this.cancelled(method, opts);
    }
    if (end.kind === 'stalled') throw stalled();
    // Sent everything (or the node answered early, e.g. a refusal): wait for its answer.
    let timer: NodeJS.Timeout | undefined;
    const answer = await Promise.race([
      finished,
      new Promise<'stalled'>((resolve) => {
        if (idleMs !== undefined) timer = setTimeout(() => resolve('stalled'), idleMs);
      }),
    ]).finally(() => clearTimeout(timer));
    if (answer === 'stalled') throw stalled();
    if (answer.err) throw opts.signal?.aborted ? this.cancelled(method, opts) : describeError(answer.err, this.errorContext(method, opts, opts.deadlineMs));
    return answer.response as ResponseOf<M>;
  }

  private metadata(opts: ClientCallOptions): grpc.Metadata {
    const md = new grpc.Metadata();
    if (opts.node) md.set('node', opts.node);
    return md;
  }

  /** The channel's state without starting a connection; 'idle' before the first call. */
  connectivity(): Connectivity {
    if (this.closed) return 'shutdown';
    return this.ready ? CONNECTIVITY[this.ready.getChannel().getConnectivityState(false)] : 'idle';
  }

  /**
   * Start connecting and wait until the channel is ready ('ready'), fails its handshake or
   * connection ('failed'), or timeoutMs passes ('timeout'). Lets the session skip a dead endpoint
   * quickly instead of spending the call's whole deadline on it.
   */
  async waitForConnection(timeoutMs: number, signal?: AbortSignal): Promise<'ready' | 'failed' | 'timeout'> {
    let client: grpc.Client;
    try {
      client = await this.client(signal);
    } catch {
      return 'failed';
    }
    const channel = client.getChannel();
    const deadline = Date.now() + timeoutMs;
    let state = channel.getConnectivityState(true);
    while (state !== grpc.connectivityState.READY) {
      if (state === grpc.connectivityState.TRANSIENT_FAILURE || state === grpc.connectivityState.SHUTDOWN) return 'failed';
      if (Date.now() >= deadline || signal?.aborted) return 'timeout';
      const changed = await new Promise<boolean>((resolve) => channel.watchConnectivityState(state, deadline, (err) => resolve(!err)));
      if (!changed) return 'timeout';
      state = channel.getConnectivityState(true);
    }
    return 'ready';
  }

  /** Close the channel; calls in flight fail with CANCELLED. */
  close(): void {
    this.closed = true;
    this.resetChannel();
  }
}
