// The one shape every typed call in src/talos/api takes: something that can call one node.
// A TalosClient is one (insecure maintenance connection, or a direct connection), and so is what
// TalosSession.forNodes hands to its callback (the shared endpoint channel plus the `node` header).
import type { DescMethod, MessageInitShape, MessageShape } from '@bufbuild/protobuf';

export type RequestOf<M extends DescMethod> = MessageInitShape<M['input']>;
export type ResponseOf<M extends DescMethod> = MessageShape<M['output']>;

export interface CallOptions {
  /** Unary calls: default 10 s. Streams: none unless given (follow streams run until aborted). */
  deadlineMs?: number;
  /** Aborting cancels the call; the promise/iterator then fails with a TalosError CANCELLED. */
  signal?: AbortSignal;
  /**
   * Streams that must end (a log read without -f, a snapshot): the longest wait for the connection
   * and first message, then between messages, before the call fails with DEADLINE_EXCEEDED. A node
   * that accepts TCP and never answers cannot hang them. Time the consumer spends is not counted.
   */
  idleTimeoutMs?: number;
  /**
   * The connection is full (call-slots.ts): called with true when the call waits in line for a slot,
   * then false when it starts. Lets a view say "queued" instead of showing a silent stall.
   */
  onQueued?: (queued: boolean) => void;
}

export interface NodeTarget {
  /** The node this target talks to, as the user named it (IP or host). */
  readonly node: string;
  unary<M extends DescMethod>(method: M, request: RequestOf<M>, opts?: CallOptions): Promise<ResponseOf<M>>;
  /** A server stream; breaking out of the loop cancels the call. */
  stream<M extends DescMethod>(method: M, request: RequestOf<M>, opts?: CallOptions): AsyncIterable<ResponseOf<M>>;
  /**
   * A client stream (an upload): `requests` is consumed as the node takes each message. Absent on
   * targets that cannot upload (the HTTP/2 identification probe, test fakes).
   */
  clientStream?<M extends DescMethod>(method: M, requests: AsyncIterable<RequestOf<M>>, opts?: CallOptions): Promise<ResponseOf<M>>;
}

export const DEFAULT_DEADLINE_MS = 10_000;
