// cluster.ClusterService/HealthCheck: a stream of progress lines in the style of `talosctl health`,
// waiting (up to wait_timeout) while etcd is not bootstrapped or a node is down.
import type { ClusterService } from '../../talos/proto/gen/cluster/cluster_pb.js';
import { Code, RpcError } from '../../talos/status-codes.js';
import type { SimMachine } from '../machine-state.js';
import { sleep, type SimHandlers } from './types.js';

const STEP_MS = 40;
const DEFAULT_WAIT_S = 20 * 60;

interface Check {
  name: string;
  /** '' when the condition holds, else why not. */
  test(nodes: SimMachine[]): string;
}

const CHECKS: Check[] = [
  {
    name: 'etcd to be healthy',
    test: (nodes) => {
      const cps = nodes.filter((n) => n.role === 'controlplane');
      const down = cps.filter((n) => !n.etcdRunning());
      return down.length ? `etcd is not running on ${down.map((n) => n.ip).join(', ')}` : '';
    },
  },
  { name: 'etcd members to be consistent across nodes', test: () => '' },
  {
    name: 'etcd members to be control plane nodes',
    test: (nodes) => {
      const etcd = nodes[0]?.etcd;
      const cps = new Set(nodes.filter((n) => n.role === 'controlplane').map((n) => n.memberId));
      const stray = etcd?.memberList().filter((m) => !cps.has(m.id)) ?? [];
      return stray.length ? `etcd member ${stray[0].name} is not a control plane node` : '';
    },
  },
  {
    name: 'apid to be ready',
    test: (nodes) => {
      const down = nodes.filter((n) => !n.up);
      return down.length ? `rpc error: code = Unavailable desc = connection refused (${down.map((n) => n.ip).join(', ')})` : '';
    },
  },
  { name: 'all nodes memory sizes', test: () => '' },
  { name: 'all nodes disk sizes', test: () => '' },
  { name: 'no diagnostics', test: () => '' },
  {
    name: 'kubelet to be healthy',
    test: (nodes) => {
      const bad = nodes.filter((n) => n.up && !n.services.get('kubelet')?.health.healthy);
      return bad.length ? `service "kubelet" not healthy on ${bad.map((n) => n.ip).join(', ')}` : '';
    },
  },
  {
    name: 'all nodes to finish boot sequence',
    test: (nodes) => {
      const booting = nodes.filter((n) => n.stage !== 'running');
      return booting.length ? `node ${booting[0].ip} is in stage ${booting[0].stage}` : '';
    },
  },
  { name: 'all k8s nodes to report', test: () => '' },
  { name: 'all control plane static pods to be running', test: () => '' },
  { name: 'all control plane components to be ready', test: () => '' },
  { name: 'all k8s nodes to report ready', test: () => '' },
  { name: 'kube-proxy to report ready', test: () => '' },
  { name: 'coredns to report ready', test: () => '' },
  { name: 'all k8s nodes to report schedulable', test: () => '' },
];

export const clusterHandlers: SimHandlers<typeof ClusterService> = {
  async healthCheck(req, { machine, signal }, send) {
    // The nodes of the receiver's own cluster (a cluster provisioned inside the simulator is separate).
    const nodes = machine.clusterPeers();
    const cps = req.clusterInfo?.controlPlaneNodes.length ? req.clusterInfo.controlPlaneNodes : nodes.filter((n) => n.role === 'controlplane').map((n) => n.ip);
    const workers = req.clusterInfo?.workerNodes.length ? req.clusterInfo.workerNodes : nodes.filter((n) => n.role === 'worker').map((n) => n.ip);
    const deadline = Date.now() + Number(req.waitTimeout?.seconds ?? BigInt(DEFAULT_WAIT_S)) * 1000;
    await send({ message: `discovered nodes: ["${[...cps, ...workers].join('" "')}"]` });
    for (const check of CHECKS) {
      await send({ message: `waiting for ${check.name}` });
      let lastReason = '';
      for (;;) {
        if (signal.aborted) return;
        const reason = check.test(nodes);
        if (!reason) break;
        if (reason !== lastReason) await send({ message: `waiting for ${check.name}: ${reason}` });
        lastReason = reason;
        if (Date.now() > deadline) throw new RpcError(Code.DEADLINE_EXCEEDED, `waiting for ${check.name}: context deadline exceeded`);
        await sleep(250, signal);
      }
      await send({ message: `waiting for ${check.name}: OK` });
      await sleep(STEP_MS, signal);
    }
  },
};
