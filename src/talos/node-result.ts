// The outcome of one call on one node during a fan-out: a failure on one node never hides the
// answers of the others.
import type { TalosError } from './errors.js';

export type NodeResult<T> = { node: string; ok: true; value: T } | { node: string; ok: false; error: TalosError };

export function okResults<T>(results: NodeResult<T>[]): { node: string; value: T }[] {
  return results.flatMap((r) => (r.ok ? [{ node: r.node, value: r.value }] : []));
}

export function failedResults<T>(results: NodeResult<T>[]): { node: string; error: TalosError }[] {
  return results.flatMap((r) => (r.ok ? [] : [{ node: r.node, error: r.error }]));
}
