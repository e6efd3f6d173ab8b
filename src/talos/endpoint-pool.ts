// The connections of one endpoint. Each TalosClient is its own HTTP/2 connection with its own call
// slots (call-slots.ts); a call goes to the first connection with room for it, and when every one is
// full another connection is opened, up to `maxConnections`. Past that, calls wait in one line for
// the whole endpoint (unary calls first) and start on whichever connection frees a slot; they say
// so through onQueued.
import type { DescMethod } from '@bufbuild/protobuf';
import type { ClientCallOptions, Connectivity, TalosClient } from './client.js';
import { WaitLine, waitSignal, type CallKind, type Release } from './call-slots.js';
import type { RequestOf, ResponseOf } from './target.js';

/** Connections per endpoint at most: with 80 streams each, 640 follows before any waits. */
export const DEFAULT_CONNECTIONS_PER_ENDPOINT = 8;

export interface CallLoad {
  connections: number;
  inFlight: number;
  streams: number;
  queued: number;
}

interface Started {
  client: TalosClient;
  slot: Release;
}

export class EndpointPool {
  private readonly clients: TalosClient[] = [];
  private readonly maxConnections: number;
  private readonly line = new WaitLine<Started>((kind) => this.start(kind));

  constructor(
    private readonly open: () => TalosClient,
    maxConnections = DEFAULT_CONNECTIONS_PER_ENDPOINT,
  ) {
    this.maxConnections = Math.max(1, Math.floor(maxConnections));
  }

  /** The first connection: the one failover watches (made on first use). */
  get primary(): TalosClient {
    return this.clients[0] ?? this.add();
  }

  get address(): string {
    return this.primary.address;
  }

  private add(): TalosClient {
    const c = this.open();
    this.clients.push(c);
    // A slot given back on any connection may start a call waiting here.
    c.slots.onFreed(() => this.line.pump());
    return c;
  }

  /** A slot on the first connection with room for the call, on a new connection when all are full, or null. */
  private start(kind: CallKind): Started | null {
    for (const client of this.clients) {
      const slot = client.slots.tryTake(kind);
      if (slot) return { client, slot };
    }
    if (this.clients.length >= this.maxConnections) return null;
    const client = this.add();
    const slot = client.slots.tryTake(kind);
    return slot ? { client, slot } : null;
  }

  /** A connection and a slot on it; the wait, if any, ends with the signal or the deadline (for unary calls). */
  private async take(kind: CallKind, method: DescMethod, opts: ClientCallOptions): Promise<Started> {
    // Room at once: no signal or timer is made for a wait that does not happen.
    const now = this.line.tryTake(kind);
    if (now) return now;
    const deadlineMs = kind === 'unary' ? opts.deadlineMs : undefined;
    try {
      return await this.line.take(kind, { signal: waitSignal(opts.signal, deadlineMs), onQueued: opts.onQueued });
    } catch {
      throw this.primary.queueFailure(method, opts, deadlineMs);
    }
  }

  async unary<M extends DescMethod>(method: M, request: RequestOf<M>, opts: ClientCallOptions = {}): Promise<ResponseOf<M>> {
    const waitedFrom = performance.now();
    const { client, slot } = await this.take('unary', method, opts);
    const deadlineMs = opts.deadlineMs === undefined ? undefined : Math.max(1, opts.deadlineMs - (performance.now() - waitedFrom));
    return client.unary(method, request, { ...opts, deadlineMs, slot });
  }

  stream<M extends DescMethod>(method: M, request: RequestOf<M>, opts: ClientCallOptions = {}): AsyncIterable<ResponseOf<M>> {
    const self = this;
    async function* queued() {
      const { client, slot } = await self.take('stream', method, opts);
      yield* client.stream(method, request, { ...opts, slot });
    }
    return {
      // The connection is chosen when the stream starts, not when the iterable is made. With room
      // at once, the client's own iterator: no extra step per message for the usual case.
      [Symbol.asyncIterator]: () => {
        const now = this.line.tryTake('stream');
        return now ? now.client.stream(method, request, { ...opts, slot: now.slot })[Symbol.asyncIterator]() : queued();
      },
    };
  }

  async clientStream<M extends DescMethod>(method: M, requests: AsyncIterable<RequestOf<M>>, opts: ClientCallOptions = {}): Promise<ResponseOf<M>> {
    const { client, slot } = await this.take('stream', method, opts);
    return client.clientStream(method, requests, { ...opts, slot });
  }

  connectivity(): Connectivity {
    return this.primary.connectivity();
  }

  waitForConnection(timeoutMs: number, signal?: AbortSignal): Promise<'ready' | 'failed' | 'timeout'> {
    return this.primary.waitForConnection(timeoutMs, signal);
  }

  load(): CallLoad {
    const sum = (f: (c: TalosClient) => number) => this.clients.reduce((n, c) => n + f(c), 0);
    return { connections: this.clients.length, inFlight: sum((c) => c.slots.inFlight), streams: sum((c) => c.slots.streams), queued: this.line.length };
  }

  close(): void {
    for (const c of this.clients) c.close();
  }
}
