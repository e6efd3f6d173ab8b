// The containers a simulated node reports (`talosctl containers [-k]`): its Kubernetes pods through CRI
// (namespace k8s.io) and the Talos services that run as containerd tasks (namespace system). Same shape
// as Talos's inspectors: CRI lists each pod's sandbox, then its containers with the display id
// "ns/pod:container:<12 chars of the container id>" that Logs takes; containerd uses the plain id.
import type { SimMachine } from './machine-state.js';
import { createRng, hashSeed } from './rng.js';
import { runsAsContainer } from './services.js';

export const K8S_VERSION = 'v1.35.2';
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';

/** A plain ContainerInfo (machine.proto field names). */
export interface SimContainer {
  namespace: string;
  id: string;
  uid: string;
  internalId: string;
  image: string;
  pid: number;
  status: string;
  podId: string;
  name: string;
  networkNamespace: string;
}

const IMAGES: Record<string, string> = {
  'kube-proxy': `registry.k8s.io/kube-proxy:${K8S_VERSION}`,
  'kube-flannel': 'ghcr.io/siderolabs/flannel:v0.27.4',
  'kube-apiserver': `registry.k8s.io/kube-apiserver:${K8S_VERSION}`,
  'kube-controller-manager': `registry.k8s.io/kube-controller-manager:${K8S_VERSION}`,
  'kube-scheduler': `registry.k8s.io/kube-scheduler:${K8S_VERSION}`,
  coredns: 'registry.k8s.io/coredns/coredns:v1.12.4',
};

const SYSTEM_IMAGES: Record<string, string> = {
  etcd: 'registry.k8s.io/etcd:v3.6.5',
  kubelet: `ghcr.io/siderolabs/kubelet:${K8S_VERSION}`,
  // apid, trustd and extensions run from a root filesystem, not an image: Talos reports no image.
};

function uuid(rng: ReturnType<typeof createRng>): string {
  const h = rng.hex(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Kubernetes pods and containers (CRI view); ids of the containers are exactly `machine.k8sContainers`. */
export function k8sContainers(machine: SimMachine): SimContainer[] {
  const out: SimContainer[] = [];
  const pods = new Map<string, string[]>();
  for (const id of machine.k8sContainers) {
    const pod = id.split(':')[0];
    pods.set(pod, [...(pods.get(pod) ?? []), id]);
  }
  for (const [pod, ids] of pods) {
    const rng = createRng(hashSeed(machine.cluster.seed, machine.name, 'pod', pod));
    // Control-plane static pods, kube-proxy and flannel use the host network; coredns gets a CNI netns.
    const hostNetwork = !pod.startsWith('kube-system/coredns-');
    out.push({
      namespace: 'k8s.io',
      id: pod,
      uid: uuid(rng),
      internalId: rng.hex(32),
      image: PAUSE_IMAGE,
      pid: machine.pid(`pod/${pod}`),
      status: 'SANDBOX_READY',
      podId: pod,
      name: pod,
      networkNamespace: hostNetwork ? '' : `cni-${uuid(rng)}`,
    });
    for (const id of ids) {
      const [, name, short] = id.split(':');
      out.push({
        namespace: 'k8s.io',
        id,
        uid: '',
        internalId: short + createRng(hashSeed(machine.cluster.seed, machine.name, 'cid', id)).hex(26),
        image: IMAGES[name] ?? `registry.k8s.io/${name}:${K8S_VERSION}`,
        pid: machine.pid(`k8s/${id}`),
        status: 'CONTAINER_RUNNING',
        podId: pod,
        name,
        networkNamespace: '',
      });
    }
  }
  return out;
}

/** Talos services running as containerd tasks in namespace "system" (apid, trustd, etcd, kubelet, extensions). */
export function systemContainers(machine: SimMachine): SimContainer[] {
  return [...machine.services.values()]
    .filter((s) => s.state === 'Running' && runsAsContainer(s.id))
    .map((s) => s.id)
    .sort()
    .map((id) => ({
      namespace: 'system',
      id,
      uid: '',
      internalId: id,
      image: SYSTEM_IMAGES[id] ?? '',
      pid: machine.pid(id),
      status: 'RUNNING',
      podId: id,
      name: id,
      networkNamespace: '',
    }));
}
