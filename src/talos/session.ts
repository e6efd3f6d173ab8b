// The one Talos session every pane shares: the resolved talosconfig context, one channel per
// endpoint (made on first use), failover to the next endpoint when one is down, client-side
// fan-out over nodes with the `node` header, and insecure channels to maintenance nodes.
import type { DescMethod } from '@bufbuild/protobuf';
import { parseEndpoint } from './address.js';
import type { CallLimits } from './call-slots.js';
import { TalosClient } from './client.js';
import { EndpointPool, DEFAULT_CONNECTIONS_PER_ENDPOINT, type CallLoad } from './endpoint-pool.js';
import { insecureCredentials, mtlsCredentials, pinnedCredentialsFor } from './credentials.js';
import { describeError, isConnectFailure, isTlsFailure, TalosError, type ErrorContext } from './errors.js';
import { normalizeFingerprint } from '../core/fingerprint.js';
import type { NodeResult } from './node-result.js';
import type { SessionInfo } from './session-info.js';
import { Code } from './status-codes.js';
import { loadTalosconfig, type ResolvedContext, type TalosconfigSelection } from './talosconfig.js';
import { DEFAULT_DEADLINE_MS, type CallOptions, type NodeTarget, type RequestOf, type ResponseOf } from './target.js';

export interface SessionOptions {
  /** Calls in flight at once during a fan-out. Default 8. */
  concurrency?: number;
  /** Deadline of unary calls that give none. Default 10 s. */
  defaultDeadlineMs?: number;
  /** How long to wait for a not-yet-connected endpoint before trying the next one. Default 5 s. */
  connectTimeoutMs?: number;
  /** Calls in flight per connection (call-slots.ts; default 100, of which 80 streams). */
  callLimits?: Partial<CallLimits>;
  /** Connections per endpoint at most once the first one is full (default 8). */
  connectionsPerEndpoint?: number;
}

export interface InsecureOptions {
  /** --cert-fingerprint values: when given, the node's certificate must match one, or nothing is sent. */
  fingerprints?: string[];
}

export class TalosSession {
  readonly context: ResolvedContext;
  private readonly opts: Required<Omit<SessionOptions, 'callLimits'>> & Pick<SessionOptions, 'callLimits'>;
  private readonly clients = new Map<string, EndpointPool>();
  private readonly insecureClients = new Map<string, TalosClient>();
  private readonly listeners = new Set<() => void>();
  private activeIndex = 0;
  private snapshot: SessionInfo;
  private closed = false;

  constructor(ctx: ResolvedContext, opts: SessionOptions = {}) {
    this.context = ctx;
    this.opts = {
      concurrency: Math.max(1, opts.concurrency ?? 8),
      defaultDeadlineMs: opts.defaultDeadlineMs ?? DEFAULT_DEADLINE_MS,
      connectTimeoutMs: opts.connectTimeoutMs ?? 5_000,
      callLimits: opts.callLimits,
      connectionsPerEndpoint: opts.connectionsPerEndpoint ?? DEFAULT_CONNECTIONS_PER_ENDPOINT,
    };
    this.snapshot = this.makeInfo(null);
  }

  /** A frozen snapshot, replaced (never mutated) when the active endpoint changes. */
  get info(): SessionInfo {
    return this.snapshot;
  }

  /** Called whenever `info` changes; returns the unsubscribe function (fits useSyncExternalStore). */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private makeInfo(activeEndpoint: string | null): SessionInfo {
    const c = this.context;
    return Object.freeze({
      contextName: c.contextName,
      endpoints: [...c.endpoints],
      nodes: [...c.nodes],
      roles: [...c.identity.roles],
      certNotAfter: c.identity.notAfter ?? null,
      activeEndpoint,
    });
  }

  private setActive(index: number): void {
    const address = this.context.endpoints[index];
    this.activeIndex = index;
    if (this.snapshot.activeEndpoint === address) return;
    this.snapshot = this.makeInfo(address);
    for (const l of this.listeners) l();
  }

  private errorContext(): Omit<ErrorContext, 'node' | 'endpoint' | 'method' | 'deadlineMs'> {
    return {
      contextName: this.context.contextName,
      source: this.context.source,
      roles: this.context.identity.roles,
      certNotAfter: this.context.identity.notAfter,
      insecure: false,
    };
  }

  /** The shared mutual-TLS connections of one endpoint (by its index in the context). */
  private endpointClient(index: number): EndpointPool {
    const address = this.context.endpoints[index];
    let pool = this.clients.get(address);
    if (!pool) {
      const credentials = mtlsCredentials(this.context);
      const open = () =>
        new TalosClient({
          address,
          credentials,
          errorContext: this.errorContext(),
          defaultDeadlineMs: this.opts.defaultDeadlineMs,
          callLimits: this.opts.callLimits,
        });
      pool = new EndpointPool(open, this.opts.connectionsPerEndpoint);
      this.clients.set(address, pool);
    }
    return pool;
  }

  /** Calls in flight and waiting on each endpoint's connections (benches, diagnostics). */
  callLoad(): Record<string, CallLoad> {
    return Object.fromEntries([...this.clients].map(([address, pool]) => [address, pool.load()]));
  }

  private checkUsable(): void {
    if (this.closed) throw new TalosError({ code: Code.CANCELLED, message: 'the Talos session is closed' });
    // Checked here, not left to the handshake: a server of another CA answers an expired certificate
    // with a bare connection reset, which says nothing about the cause.
    const notAfter = this.context.identity.notAfter;
    if (notAfter && notAfter.getTime() < Date.now()) {
      throw new TalosError({
        code: Code.UNAUTHENTICATED,
        message: `the client certificate of context "${this.context.contextName}" of ${this.context.source} expired on ${notAfter.toISOString().slice(0, 10)}: nothing was sent; get a fresh talosconfig (talosctl config new)`,
      });
    }
    if (this.context.endpoints.length === 0) {
      throw new TalosError({
        code: Code.INVALID_ARGUMENT,
        message: `context "${this.context.contextName}" of ${this.context.source} has no endpoints: pass -e/--endpoints`,
      });
    }
  }

  /** The endpoint itself is down (not the node behind it): worth trying the next endpoint. */
  private endpointDown(err: unknown, client: EndpointPool): boolean {
    return (
      err instanceof TalosError &&
      (err.code === Code.UNAVAILABLE || err.code === Code.DEADLINE_EXCEEDED) &&
      isConnectFailure(err.details) &&
      !isTlsFailure(err.details) &&
      // The TLS handshake finished and the server hung up at once: it refused our client
      // certificate, which every endpoint of the cluster would do too.
      !/Failed to connect/i.test(err.details) &&
      // A ready channel means the endpoint answered: the failure is about the node it proxies to.
      client.connectivity() !== 'ready'
    );
  }

  /**
   * Endpoints to try, the remembered good one first. Before an endpoint that is not connected yet,
   * wait at most connectTimeoutMs for it so a dead one does not eat the whole deadline.
   */
  private async *attempts(signal?: AbortSignal): AsyncGenerator<{ client: EndpointPool; index: number; last: boolean }> {
    this.checkUsable();
    const n = this.context.endpoints.length;
    for (let i = 0; i < n; i++) {
      const index = (this.activeIndex + i) % n;
      const client = this.endpointClient(index);
      const last = i === n - 1;
      if (!last && client.connectivity() !== 'ready') {
        const state = await client.waitForConnection(this.opts.connectTimeoutMs, signal);
        // On 'failed' the call below fails fast with the precise reason, which decides failover.
        if (state === 'timeout' && !signal?.aborted) continue;
      }
      yield { client, index, last };
    }
  }

  private async unaryVia<M extends DescMethod>(node: string | undefined, method: M, request: RequestOf<M>, opts: CallOptions = {}): Promise<ResponseOf<M>> {
    const deadlineAt = Date.now() + (opts.deadlineMs ?? this.opts.defaultDeadlineMs);
    let lastError: unknown;
    for await (const { client, index, last } of this.attempts(opts.signal)) {
      const remaining = Math.max(1, deadlineAt - Date.now());
      try {
        const response = await client.unary(method, request, { ...opts, node, deadlineMs: remaining });
        this.setActive(index);
        return response;
      } catch (err) {
        if (last || !this.endpointDown(err, client)) throw err;
        lastError = err;
      }
    }
    throw lastError ?? this.noEndpointAnswered(method);
  }

  private async *streamVia<M extends DescMethod>(node: string | undefined, method: M, request: RequestOf<M>, opts: CallOptions = {}): AsyncGenerator<ResponseOf<M>> {
    let lastError: unknown;
    for await (const { client, index, last } of this.attempts(opts.signal)) {
      let received = false;
      try {
        for await (const msg of client.stream(method, request, { ...opts, node })) {
          if (!received) this.setActive(index);
          received = true;
          yield msg;
        }
        if (!received) this.setActive(index);
        return;
      } catch (err) {
        // Once data flowed the stream belongs to that endpoint: resilientStream reconnects it.
        if (received || last || !this.endpointDown(err, client)) throw err;
        lastError = err;
      }
    }
    throw lastError ?? this.noEndpointAnswered(method);
  }

  /** An upload fails over to the next endpoint only while nothing of it was read yet. */
  private async clientStreamVia<M extends DescMethod>(node: string | undefined, method: M, requests: AsyncIterable<RequestOf<M>>, opts: CallOptions = {}): Promise<ResponseOf<M>> {
    let started = false;
    const iterator = requests[Symbol.asyncIterator]();
    const once: AsyncIterable<RequestOf<M>> = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          started = true;
          return iterator.next();
        },
        // Closed below, once no endpoint will read it any more.
        return: async () => ({ done: true, value: undefined }),
      }),
    };
    let lastError: unknown;
    try {
      for await (const { client, index, last } of this.attempts(opts.signal)) {
        // The upload starts reading at once and cannot be replayed elsewhere: an endpoint that is
        // not connected is passed over (the last one is still tried, for its precise error).
        if (!last && client.connectivity() !== 'ready') continue;
        try {
          const response = await client.clientStream(method, once, { ...opts, node });
          this.setActive(index);
          return response;
        } catch (err) {
          if (started || last || !this.endpointDown(err, client)) throw err;
          lastError = err;
        }
      }
      throw lastError ?? this.noEndpointAnswered(method);
    } finally {
      await iterator.return?.();
    }
  }

  private noEndpointAnswered(method: DescMethod): TalosError {
    return new TalosError({
      code: Code.UNAVAILABLE,
      message: `no endpoint of context "${this.context.contextName}" answered ${method.name} within ${this.opts.connectTimeoutMs / 1000} s: ${this.context.endpoints.join(', ')}`,
    });
  }

  /**
   * A target for one node: calls go through the endpoints (failover) with the `node` header.
   * With node undefined, no header: the endpoint itself answers.
   */
  target(node?: string): NodeTarget {
    const label = node ?? this.context.endpoints[this.activeIndex] ?? '';
    return {
      node: node ?? parseEndpointHost(label),
      unary: (method, request, opts) => this.unaryVia(node, method, request, opts),
      stream: (method, request, opts) => ({ [Symbol.asyncIterator]: () => this.streamVia(node, method, request, opts) }),
      clientStream: (method, requests, opts) => this.clientStreamVia(node, method, requests, opts),
    };
  }

  /**
   * Run fn once per node (default: the context's nodes), at most `concurrency` at a time. Results
   * keep the order of the nodes; a node that fails is reported, the others still answer.
   */
  async forNodes<T>(
    nodes: string[] | undefined,
    fn: (target: NodeTarget, node: string) => Promise<T>,
    opts: { concurrency?: number } = {},
  ): Promise<NodeResult<T>[]> {
    const list = [...new Set((nodes && nodes.length > 0 ? nodes : this.context.nodes).map((n) => n.trim()).filter((n) => n !== ''))];
    if (list.length === 0) {
      throw new TalosError({
        code: Code.INVALID_ARGUMENT,
        message: `no nodes to talk to: pass -n/--nodes or set nodes in context "${this.context.contextName}" of ${this.context.source}`,
      });
    }
    const results: NodeResult<T>[] = new Array(list.length);
    let next = 0;
    const worker = async () => {
      while (next < list.length) {
        const i = next++;
        const node = list[i];
        try {
          results[i] = { node, ok: true, value: await fn(this.target(node), node) };
        } catch (err) {
          results[i] = { node, ok: false, error: describeError(err, { ...this.errorContext(), node }) };
        }
      }
    };
    const width = Math.min(list.length, opts.concurrency ?? this.opts.concurrency);
    await Promise.all(Array.from({ length: width }, worker));
    return results;
  }

  /**
   * A client for a node in maintenance mode: TLS without a client certificate, no `node` header.
   * With fingerprints, the node's certificate is checked before anything is sent. Cached per
   * address and pins, so every pane shares the connection.
   */
  insecure(address: string, opts: InsecureOptions = {}): TalosClient {
    if (this.closed) throw new TalosError({ code: Code.CANCELLED, message: 'the Talos session is closed' });
    return insecureClient(address, opts, this.insecureClients, this.opts.defaultDeadlineMs);
  }

  /** Close every channel. Calls in flight fail with CANCELLED. */
  close(): void {
    this.closed = true;
    for (const c of this.clients.values()) c.close();
    for (const c of this.insecureClients.values()) c.close();
    this.clients.clear();
    this.insecureClients.clear();
    this.listeners.clear();
  }
}

function parseEndpointHost(address: string): string {
  try {
    return parseEndpoint(address).host;
  } catch {
    return address;
  }
}

/** A maintenance-mode client, shared through `cache` (key: address + pins). Usable without a talosconfig. */
export function insecureClient(
  address: string,
  opts: InsecureOptions = {},
  cache?: Map<string, TalosClient>,
  defaultDeadlineMs = DEFAULT_DEADLINE_MS,
): TalosClient {
  let endpoint;
  let pins: string[];
  try {
    endpoint = parseEndpoint(address);
    pins = [...new Set((opts.fingerprints ?? []).map(normalizeFingerprint))].sort();
  } catch (err) {
    throw new TalosError({ code: Code.INVALID_ARGUMENT, message: (err as Error).message, node: address });
  }
  const key = `${endpoint.address}|${pins.join(',')}`;
  const cached = cache?.get(key);
  if (cached) return cached;
  const client = new TalosClient({
    address: endpoint.address,
    credentials: pins.length > 0 ? async (signal) => (await pinnedCredentialsFor(endpoint, pins, { signal })).credentials : insecureCredentials(),
    errorContext: { insecure: true },
    defaultDeadlineMs,
    refreshCredentialsOnTlsFailure: pins.length > 0,
  });
  cache?.set(key, client);
  return client;
}

/** loadTalosconfig + new TalosSession: what the app and the headless commands start with. */
export function openSession(sel: TalosconfigSelection = {}, opts?: SessionOptions): TalosSession {
  return new TalosSession(loadTalosconfig(sel), opts);
}
