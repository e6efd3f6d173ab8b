// cosi.resource.State Get/List/Watch over the machine's ResourceStore, with the COSI server's protocol:
// a watch first sends an empty "ready" response; a whole-kind watch with bootstrap_contents then sends
// CREATED for every resource and a BOOTSTRAPPED marker (api_version >= 1); a single-resource watch starts
// with the resource's current state (or a DESTROYED tombstone).
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { EventType, type State } from '../../talos/proto/gen/cosi/state_pb.js';
import { Code, RpcError } from '../../talos/status-codes.js';
import { protoSpec } from '../proto-spec.js';
import { Role } from '../rbac.js';
import { TYPES, type StoreEvent, type StoredResource } from '../resources.js';
import type { SimHandlers } from './types.js';

function toProto(r: StoredResource) {
  return {
    metadata: {
      namespace: r.namespace,
      type: r.type,
      id: r.id,
      version: String(r.version),
      owner: r.owner,
      phase: r.phase,
      created: timestampFromDate(r.created),
      updated: timestampFromDate(r.updated),
    },
    spec: { yamlSpec: r.yaml, protoSpec: protoSpec(r.type, r.yaml) },
  };
}

/** A tombstone as the COSI server marshals one (protobuf.Resource.Marshal): metadata, and an empty spec. */
function tombstone(namespace: string, type: string, id: string) {
  return { metadata: { namespace, type, id, version: 'undefined', phase: 'running' }, spec: {} };
}

function idFilter(regexp: string | undefined): (id: string) => boolean {
  if (!regexp) return () => true;
  let re: RegExp;
  try {
    re = new RegExp(regexp);
  } catch (err) {
    throw new RpcError(Code.UNKNOWN, `error parsing regexp: ${(err as Error).message}`);
  }
  return (id) => re.test(id);
}

const EVENT_TYPES: Record<StoreEvent['type'], EventType> = {
  CREATED: EventType.CREATED,
  UPDATED: EventType.UPDATED,
  DESTROYED: EventType.DESTROYED,
};

// machined's COSI access policy (internal/app/resources/access.go): a type it has no definition for, or
// a namespace it does not know, is PermissionDenied; a sensitive type (secrets, the machine config)
// needs os:admin, so a maintenance node (every caller os:reader) refuses it too.
const SENSITIVE = /\.secrets\.talos\.dev$|^MachineConfigs\.config\.talos\.dev$/;
const KNOWN_TYPES = new Set<string>(Object.values(TYPES).map((k) => k.type));
const KNOWN_NAMESPACES = new Set(['network', 'runtime', 'config', 'cluster', 'secrets', 'k8s', 'etcd', 'hardware', 'block', 'files', 'v1alpha1', 'meta']);

function checkAccess(namespace: string, type: string, roles: Set<string>): void {
  if (SENSITIVE.test(type)) {
    if (!roles.has(Role.admin)) throw new RpcError(Code.PERMISSION_DENIED, 'not authorized');
  } else if (!KNOWN_TYPES.has(type)) {
    throw new RpcError(Code.PERMISSION_DENIED, `resource type "${type}" is not supported`);
  }
  if (!KNOWN_NAMESPACES.has(namespace)) throw new RpcError(Code.PERMISSION_DENIED, `namespace "${namespace}" is not supported`);
}

export const cosiHandlers: SimHandlers<typeof State> = {
  async get(req, { machine, roles }) {
    checkAccess(req.namespace, req.type, roles);
    const r = machine.store.get(req.namespace, req.type, req.id);
    if (!r) throw new RpcError(Code.NOT_FOUND, `resource ${req.type}(${req.namespace}/${req.id}@undefined) doesn't exist`);
    return { resource: toProto(r) };
  },

  async list(req, { machine, signal, roles }, send) {
    checkAccess(req.namespace, req.type, roles);
    const keep = idFilter(req.options?.idQuery?.regexp);
    for (const r of machine.store.list(req.namespace, req.type)) {
      if (signal.aborted) return;
      if (keep(r.id)) await send({ resource: toProto(r) });
    }
  },

  async watch(req, { machine, signal, roles }, send) {
    checkAccess(req.namespace, req.type, roles);
    const single = req.id !== undefined;
    if (single && req.options?.bootstrapContents) {
      throw new RpcError(Code.UNIMPLEMENTED, 'bootstrap contents is not implemented for resource watch');
    }
    const keep = single ? (id: string) => id === req.id : idFilter(req.options?.idQuery?.regexp);
    const store = machine.store;
    const queue: StoreEvent[] = [];
    let wake: (() => void) | undefined;
    const unsubscribe = store.watch(req.namespace, req.type, (ev) => {
      if (!keep(ev.resource.id)) return;
      queue.push(ev);
      wake?.();
    });
    const onAbort = () => wake?.();
    signal.addEventListener('abort', onAbort);
    try {
      await send({}); // the watch is established
      if (single) {
        const current = store.get(req.namespace, req.type, req.id!);
        await send({
          event: [
            current
              ? { eventType: EventType.CREATED, resource: toProto(current) }
              : { eventType: EventType.DESTROYED, resource: tombstone(req.namespace, req.type, req.id!) },
          ],
        });
      } else if (req.options?.bootstrapContents) {
        for (const r of store.list(req.namespace, req.type)) {
          if (keep(r.id)) await send({ event: [{ eventType: EventType.CREATED, resource: toProto(r) }] });
        }
        if (req.apiVersion >= 1) {
          await send({ event: [{ eventType: EventType.BOOTSTRAPPED, resource: tombstone(req.namespace, req.type, '') }] });
        }
      }
      while (!signal.aborted) {
        const ev = queue.shift();
        if (!ev) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        await send({
          event: [{ eventType: EVENT_TYPES[ev.type], resource: toProto(ev.resource), ...(ev.old ? { old: toProto(ev.old) } : {}) }],
        });
      }
    } finally {
      unsubscribe();
      signal.removeEventListener('abort', onAbort);
    }
  },
};
