// Which log a stream reads, as the operator names it: the kernel ring, a Talos service, or a
// Kubernetes container. Shared by the picker, the streams and the headless commands.

/**
 * A container listed by the node it runs on carries that node: its id (pod name, hash) exists there
 * only, so it is followed on that node whatever nodes are checked. A typed id has no node.
 */
export type LogSelector = { kind: 'dmesg' } | { kind: 'service'; id: string } | { kind: 'container'; id: string; node?: string };

/** The nodes a selector is followed on, out of the checked ones. */
export function nodesFor(s: LogSelector, checked: readonly string[]): string[] {
  return s.kind === 'container' && s.node ? [s.node] : [...checked];
}

/** "dmesg", the service id, or the container id. */
export function selectorName(s: LogSelector): string {
  return s.kind === 'dmesg' ? 'dmesg' : s.id;
}

/** Short name for line prefixes: a container id "ns/pod:container:hash" becomes its container name. */
export function selectorLabel(s: LogSelector): string {
  if (s.kind !== 'container') return selectorName(s);
  const parts = s.id.split(':');
  return parts.length >= 2 && parts[1] ? parts[1] : s.id;
}

/**
 * What the operator typed: "dmesg" is the kernel ring; "k8s:ID", or an id with a "/" (Kubernetes ids
 * are "namespace/pod:container:hash", service ids never have one), a Kubernetes container; anything
 * else a Talos service. Null for an empty text.
 */
export function parseSelector(text: string): LogSelector | null {
  const t = text.trim();
  if (t === '') return null;
  if (t === 'dmesg') return { kind: 'dmesg' };
  if (t.startsWith('k8s:')) return t.length > 4 ? { kind: 'container', id: t.slice(4) } : null;
  if (t.includes('/')) return { kind: 'container', id: t };
  return { kind: 'service', id: t };
}
