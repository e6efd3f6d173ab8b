// Every reply decoded from the wire passes here before anything else sees it: each string field, at
// any depth (hostnames, service events, COSI YAML specs, META values, error entries), loses escape
// sequences and control characters (newlines and tabs stay). Bytes fields (log data, kubeconfig,
// snapshots) are left alone: log lines are cleaned as lines (ops/logs/follow.ts), files are saved.
import { safeText } from '../core/terminal-text.js';

/** Cleans `msg` in place and returns it. */
export function safeMessage<T>(msg: T): T {
  clean(msg as unknown, 0);
  return msg;
}

/** The same for a value decoded from text the node sent (a COSI YAML spec: its escapes decode to controls). */
export function safeValue<T>(value: T): T {
  return (typeof value === 'string' ? safeText(value) : safeMessage(value)) as T;
}

// Protobuf nesting in the Talos API is shallow; the bound only guards against a pathological message.
const MAX_DEPTH = 64;

function clean(value: unknown, depth: number): void {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v === 'string') value[i] = safeText(v);
      else clean(v, depth + 1);
    }
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const v = record[key];
    if (typeof v === 'string') {
      const safe = safeText(v);
      if (safe !== v) record[key] = safe;
    } else clean(v, depth + 1);
    // Map fields (labels, annotations) are plain objects: their keys come from the node too.
    const safeKey = safeText(key);
    if (safeKey !== key) {
      record[safeKey] = record[key];
      delete record[key];
    }
  }
}
