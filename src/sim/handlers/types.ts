// What a simulator handler sees: the machine that answers (after `node` header routing), the caller's
// roles, an abort signal, and the cluster-level actions some calls trigger (reboot, bootstrap).
import type { DescService } from '@bufbuild/protobuf';
import type { ServiceHandlers } from '../../talos/server.js';
import type { SimMachine } from '../machine-state.js';
import type { ParsedConfig } from '../machine-config.js';

export interface RebootPlan {
  /** Config to boot with (maintenance -> configured, or a staged config). */
  config?: ParsedConfig;
}

export interface ClusterActions {
  /** Take the machine down now (after the reply is out) and bring it back after the reboot delay. */
  reboot(machine: SimMachine, plan?: RebootPlan): void;
  /** etcd was bootstrapped on `machine`: the other control-plane nodes join. */
  bootstrapped(machine: SimMachine): void;
}

export interface SimCall {
  machine: SimMachine;
  roles: Set<string>;
  signal: AbortSignal;
  actions: ClusterActions;
}

/** Handlers of some methods of a service, keyed by the generated method's localName. */
export type SimHandlers<S extends DescService> = ServiceHandlers<S, SimCall>;

/** Resolve after `ms`, or early (without error) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
