// Talos replies are `XResponse { repeated X messages = 1 }`, each X starting with common.Metadata.
// A node that failed can come back as an entry with only metadata.error set while the call itself
// succeeded: that entry is a failure, never a value.
import { describeError, TalosError } from './errors.js';
import type { NodeResult } from './node-result.js';
import { Code } from './status-codes.js';

export interface ReplyMetadata {
  hostname: string;
  error: string;
  status?: { code: number; message: string };
}

export interface ReplyEntry {
  metadata?: ReplyMetadata;
}

function entryError(meta: ReplyMetadata, node: string, method?: string): TalosError {
  const code = meta.status && meta.status.code !== Code.OK ? meta.status.code : Code.UNKNOWN;
  return describeError({ code, details: meta.error || meta.status?.message || 'failed' }, { node, method });
}

/** Every entry as a NodeResult, named by metadata.hostname when the endpoint filled it in. */
export function replyResults<E extends ReplyEntry>(reply: { messages: E[] }, node: string, method?: string): NodeResult<E>[] {
  return reply.messages.map((entry) => {
    const name = entry.metadata?.hostname || node;
    if (entry.metadata?.error) return { node: name, ok: false, error: entryError(entry.metadata, name, method) };
    return { node: name, ok: true, value: entry };
  });
}

/**
 * The one entry of a reply from a single node (client-side fan-out sends one node per call).
 * Throws the entry's error; an empty reply gives undefined (some methods answer with no entry).
 */
export function singleEntry<E extends ReplyEntry>(reply: { messages: E[] }, node: string, method?: string): E | undefined {
  const failed = reply.messages.find((e) => e.metadata?.error);
  if (failed) throw entryError(failed.metadata!, failed.metadata!.hostname || node, method);
  return reply.messages[0];
}

/** Like singleEntry, for methods whose reply must carry an entry. */
export function requireEntry<E extends ReplyEntry>(reply: { messages: E[] }, node: string, method: string): E {
  const entry = singleEntry(reply, node, method);
  if (!entry) throw new TalosError({ code: Code.INTERNAL, message: `${node} sent an empty ${method} reply`, node });
  return entry;
}
