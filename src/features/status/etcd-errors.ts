// Talos answers etcd calls on a node that is not a control plane with Unimplemented ("... is only
// available on control plane nodes"); the generic sentence for Unimplemented blames an old Talos,
// which sends the operator the wrong way. Shared by the pane and the headless etcd commands.
import { Code, TalosError } from '../../talos/index.js';

export function isNotControlPlane(err: unknown): boolean {
  return err instanceof TalosError && err.code === Code.UNIMPLEMENTED;
}

/** The sentence for an etcd call's failure on `node`. */
export function etcdErrorText(node: string, err: unknown): string {
  if (isNotControlPlane(err)) return `${node} runs no etcd: it is not a control-plane node`;
  return err instanceof Error ? err.message : String(err);
}
