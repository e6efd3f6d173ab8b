// Defragmenting etcd members safely: the Talos "etcd Maintenance" guide says defragmentation is
// resource-intensive and blocks the member while it rebuilds, so run it on ONE node at a time; the
// etcd docs add that the leader goes last (defragmenting it stalls the whole cluster's writes, and
// by then the followers are done). This file orders the nodes and runs the steps strictly in
// sequence with the calls passed in: it does no I/O itself.

export interface DefragCandidate {
  node: string;
  /** true: this node's member leads; false: a follower; undefined: its status is unknown. */
  isLeader?: boolean;
}

/**
 * The order to defragment in: followers first (in the order given), then nodes whose role is
 * unknown, the leader last. Duplicates are dropped (the first mention wins).
 */
export function planDefragOrder(candidates: readonly DefragCandidate[]): string[] {
  const seen = new Set<string>();
  const unique = candidates.filter((c) => !seen.has(c.node) && seen.add(c.node));
  const rank = (c: DefragCandidate) => (c.isLeader === false ? 0 : c.isLeader === undefined ? 1 : 2);
  // Array.prototype.sort is stable: equal ranks keep the caller's order.
  return [...unique].sort((a, b) => rank(a) - rank(b)).map((c) => c.node);
}

export interface DbSize {
  dbSize: number;
  inUse: number;
}

export interface DefragStepResult {
  node: string;
  before?: DbSize;
  after?: DbSize;
  /** Set when the step failed; later nodes are then skipped. */
  error?: string;
  startedAt: number;
  finishedAt: number;
}

export interface DefragSequenceResult {
  steps: DefragStepResult[];
  /** Nodes not attempted because an earlier one failed. */
  skipped: string[];
}

export interface DefragSequenceDeps {
  /** The node's current db size and in-use size (EtcdStatus). */
  measure(node: string): Promise<DbSize>;
  defragment(node: string): Promise<void>;
  onStart?(node: string, before: DbSize | undefined): void;
  onDone?(step: DefragStepResult): void;
  now?(): number;
}

/**
 * Defragment `order` strictly one node after the other, measuring before and after. The first
 * failure stops the sequence: a member that could not be defragmented may be struggling, and
 * taking the next one out of service at the same time is what the guide warns against.
 */
export async function runDefragSequence(order: readonly string[], deps: DefragSequenceDeps): Promise<DefragSequenceResult> {
  const now = deps.now ?? Date.now;
  const steps: DefragStepResult[] = [];
  for (let i = 0; i < order.length; i++) {
    const node = order[i]!;
    const startedAt = now();
    let before: DbSize | undefined;
    try {
      before = await deps.measure(node);
      deps.onStart?.(node, before);
      await deps.defragment(node);
      const after = await deps.measure(node);
      const step = { node, before, after, startedAt, finishedAt: now() };
      steps.push(step);
      deps.onDone?.(step);
    } catch (err) {
      const step = { node, before, error: err instanceof Error ? err.message : String(err), startedAt, finishedAt: now() };
      steps.push(step);
      deps.onDone?.(step);
      return { steps, skipped: order.slice(i + 1) };
    }
  }
  return { steps, skipped: [] };
}
