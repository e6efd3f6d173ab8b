// Containers (`talosctl containers [-k]`), with Talos's argument checks: an empty namespace is
// INVALID_ARGUMENT, CRI only serves namespace k8s.io. A maintenance node has no CRI (no kubelet, no
// pods yet): asking it for Kubernetes containers fails as a dial to the absent CRI socket would.
import { ContainerDriver } from '../../talos/proto/gen/common/common_pb.js';
import type { MachineService } from '../../talos/proto/gen/machine/machine_pb.js';
import { Code, RpcError } from '../../talos/status-codes.js';
import { k8sContainers, systemContainers, type SimContainer } from '../containers.js';
import type { SimHandlers } from './types.js';

const CRI_SOCKET = '/run/containerd/containerd.sock';

export const containerHandlers: SimHandlers<typeof MachineService> = {
  async containers(req, { machine }) {
    if (req.namespace === '') throw new RpcError(Code.INVALID_ARGUMENT, "namespace can't be empty");
    if (req.driver !== ContainerDriver.CRI && req.driver !== ContainerDriver.CONTAINERD) {
      throw new RpcError(Code.INVALID_ARGUMENT, `unsupported driver "${req.driver}"`);
    }
    if (req.driver === ContainerDriver.CRI && req.namespace !== 'k8s.io') {
      throw new RpcError(Code.UNKNOWN, 'CRI inspector is supported only for K8s namespace');
    }
    let list: SimContainer[];
    if (req.namespace === 'k8s.io') {
      if (machine.mode === 'maintenance') {
        throw new RpcError(Code.UNAVAILABLE, `connection error: desc = "transport: Error while dialing: dial unix ${CRI_SOCKET}: connect: no such file or directory"`);
      }
      list = k8sContainers(machine);
    } else if (req.namespace === 'system') {
      list = systemContainers(machine);
    } else {
      list = [];
    }
    return { messages: [{ containers: list }] };
  },
};
