// apid's part of the simulator: every call that reaches a node's port is routed like apid routes it.
// - no `node` header: the receiving node answers;
// - `node: X`: the receiver proxies to X (one-to-one), X answers as itself; X down -> UNAVAILABLE;
// - `nodes: X,Y` (deprecated): one-to-many for machine/cluster/storage methods, each node's reply (or
//   error, as metadata.error) concatenated;
// - a maintenance node has routing disabled: headers are ignored, it always answers itself.
// Roles come from the receiver's TLS peer (maintenance: os:reader for everyone) and are checked against
// the answering node's RBAC table. Open streams are tracked so that dropStreams()/stop() can end them.
import type { DescMethod, DescService } from '@bufbuild/protobuf';
import type { CallContext, ServiceRegistration } from '../talos/server.js';
import { Code, codeName, RpcError } from '../talos/status-codes.js';
import type { SimMachine } from './machine-state.js';
import { authorize, Role, rolesFromCertificate } from './rbac.js';
import type { ClusterActions, SimCall } from './handlers/types.js';

/** The parts of a node the router needs. */
export interface RoutableNode {
  machine: SimMachine;
  /** Open server streams that end when this node drops its streams or goes down. */
  streams: Set<ActiveStream>;
}

export interface ActiveStream {
  drop(err: RpcError): void;
}

export interface NodeDirectory {
  /** The node a `node` header names (address with port, IP, name or hostname), if any. */
  resolve(target: string, receiver: RoutableNode): RoutableNode | undefined;
  actions: ClusterActions;
}

type AnyHandler = (req: unknown, call: SimCall, send?: (msg: unknown) => Promise<void>) => Promise<unknown>;

/** Go's codes.Code String(): "Unavailable", "PermissionDenied", "Canceled". */
function goCodeName(code: number): string {
  if (code === Code.CANCELLED) return 'Canceled';
  if (code === Code.OK) return 'OK';
  return codeName(code)
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());
}

function asRpcError(err: unknown): RpcError {
  return err instanceof RpcError ? err : new RpcError(Code.UNKNOWN, err instanceof Error ? err.message : String(err));
}

function unreachable(target: string): RpcError {
  const hostPort = /:\d+$/.test(target) ? target : `${target}:50000`;
  const reason = /^\d+\.\d+\.\d+\.\d+(:\d+)?$/.test(target) ? `dial tcp ${hostPort}: connect: connection refused` : `dial tcp: lookup ${target.replace(/:\d+$/, '')}: no such host`;
  return new RpcError(Code.UNAVAILABLE, `connection error: desc = "transport: Error while dialing: ${reason}"`);
}

/** Metadata of a failed node in a one-to-many reply, as apid builds it. */
function errorMetadata(hostname: string, err: RpcError) {
  return {
    hostname,
    error: `rpc error: code = ${goCodeName(err.code)} desc = ${err.details}`,
    status: { code: err.code, message: err.details },
  };
}

interface Route {
  targets: { node: RoutableNode | undefined; name: string }[];
  /** Set when the call was proxied by `nodes`: replies carry metadata.hostname = the target as named. */
  stampHostname: boolean;
  oneToMany: boolean;
}

function routeFor(receiver: RoutableNode, md: Record<string, string[]>, path: string, dir: NodeDirectory): Route {
  const local: Route = { targets: [{ node: receiver, name: '' }], stampHostname: false, oneToMany: false };
  if (receiver.machine.mode === 'maintenance' || md.proxyfrom) return local;
  const node = md.node;
  const nodes = md.nodes?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  if (node && node.length !== 1) throw new RpcError(Code.INVALID_ARGUMENT, 'node metadata must be single-valued');
  if (nodes && nodes.length > 0) {
    if (!/^\/(machine\.MachineService|cluster\.ClusterService|storage\.StorageService)\//.test(path)) {
      throw new RpcError(Code.INVALID_ARGUMENT, `one-2-many proxying is not supported for method ${path}`);
    }
    return { targets: nodes.map((name) => ({ node: dir.resolve(name, receiver), name })), stampHostname: true, oneToMany: true };
  }
  // apid proxies a single `node` one-to-one and passes the reply through untouched: only `nodes`
  // (one-to-many, backend.AppendInfo) stamps metadata.hostname.
  if (node) return { targets: [{ node: dir.resolve(node[0], receiver), name: node[0] }], stampHostname: false, oneToMany: false };
  return local;
}

function callerRoles(receiver: RoutableNode, ctx: CallContext): Set<string> {
  return receiver.machine.mode === 'maintenance' ? new Set([Role.reader]) : rolesFromCertificate(ctx.peerCertificate);
}

/** Prepare the call for the answering node, or explain why it cannot answer. */
function callFor(target: RoutableNode | undefined, name: string, roles: Set<string>, path: string, signal: AbortSignal, dir: NodeDirectory): SimCall {
  if (!target) throw unreachable(name);
  if (!target.machine.up) throw unreachable(name || target.machine.address);
  // A maintenance node grants os:reader to whoever calls, proxied or not.
  const effective = target.machine.mode === 'maintenance' ? new Set([Role.reader]) : roles;
  authorize(path, effective);
  return { machine: target.machine, roles: effective, signal, actions: dir.actions };
}

function stampMessages(res: unknown, hostname: string): unknown {
  const messages = (res as { messages?: { metadata?: object }[] }).messages;
  if (Array.isArray(messages)) for (const m of messages) m.metadata = { ...m.metadata, hostname };
  return res;
}

function wrapUnary(receiver: RoutableNode, path: string, impl: AnyHandler, dir: NodeDirectory) {
  return async (req: unknown, ctx: CallContext) => {
    const route = routeFor(receiver, ctx.metadata, path, dir);
    const roles = callerRoles(receiver, ctx);
    if (!route.oneToMany) {
      const { node, name } = route.targets[0];
      const res = await impl(req, callFor(node, name, roles, path, ctx.signal, dir));
      return route.stampHostname ? stampMessages(res, name) : res;
    }
    const parts = await Promise.all(
      route.targets.map(async ({ node, name }) => {
        try {
          const res = (await impl(req, callFor(node, name, roles, path, ctx.signal, dir))) as { messages?: unknown[] };
          return (stampMessages(res, name) as { messages?: unknown[] }).messages ?? [];
        } catch (err) {
          return [{ metadata: errorMetadata(name, asRpcError(err)) }];
        }
      }),
    );
    return { messages: parts.flat() };
  };
}

function wrapStream(receiver: RoutableNode, path: string, impl: AnyHandler, dir: NodeDirectory, stampable: boolean) {
  return async (req: unknown, ctx: CallContext, send: (msg: unknown) => Promise<void>) => {
    const route = routeFor(receiver, ctx.metadata, path, dir);
    const roles = callerRoles(receiver, ctx);
    const controller = new AbortController();
    const abort = () => controller.abort();
    ctx.signal.addEventListener('abort', abort, { once: true });
    let dropped: RpcError | undefined;
    let rejectDropped: (err: RpcError) => void = () => undefined;
    const droppedPromise = new Promise<never>((_, reject) => (rejectDropped = reject));
    const entry: ActiveStream = {
      drop(err) {
        if (dropped) return;
        dropped = err;
        controller.abort();
        rejectDropped(err);
      },
    };
    // Sends after a drop go nowhere: the client already has its UNAVAILABLE.
    const guardedSend = (msg: unknown) => (dropped || ctx.signal.aborted ? Promise.resolve() : send(msg));
    const withHostname = (name: string) => (msg: unknown) =>
      guardedSend(route.stampHostname && stampable ? { ...(msg as object), metadata: { ...(msg as { metadata?: object }).metadata, hostname: name } } : msg);

    const holders = new Set<RoutableNode>([receiver]);
    for (const t of route.targets) if (t.node) holders.add(t.node);
    for (const h of holders) h.streams.add(entry);
    try {
      const run = route.oneToMany
        ? Promise.all(
            route.targets.map(async ({ node, name }) => {
              try {
                await impl(req, callFor(node, name, roles, path, controller.signal, dir), withHostname(name));
              } catch (err) {
                if (!dropped) await guardedSend({ metadata: errorMetadata(name, asRpcError(err)) });
              }
            }),
          )
        : impl(req, callFor(route.targets[0].node, route.targets[0].name, roles, path, controller.signal, dir), withHostname(route.targets[0].name));
      await Promise.race([run, droppedPromise]);
    } finally {
      for (const h of holders) h.streams.delete(entry);
      ctx.signal.removeEventListener('abort', abort);
      controller.abort();
    }
  };
}

/**
 * An upload (EtcdRecover). One-to-one, the answering node reads the client's stream as it comes;
 * one-to-many, the chunks are kept and replayed to each node (as apid copies them to every backend).
 */
function wrapClientStream(receiver: RoutableNode, path: string, impl: AnyHandler, dir: NodeDirectory) {
  return async (requests: AsyncIterable<unknown>, ctx: CallContext) => {
    const route = routeFor(receiver, ctx.metadata, path, dir);
    const roles = callerRoles(receiver, ctx);
    if (!route.oneToMany) {
      const { node, name } = route.targets[0];
      return impl(requests, callFor(node, name, roles, path, ctx.signal, dir));
    }
    const chunks: unknown[] = [];
    for await (const r of requests) chunks.push(r);
    const replay = async function* () {
      yield* chunks;
    };
    return wrapUnary(receiver, path, (_req, call) => impl(replay(), call), dir)(undefined, ctx);
  };
}

/** The services a node serves: each method routed, authorised and tracked as described above. */
export function routedServices(receiver: RoutableNode, dir: NodeDirectory, services: { service: DescService; handlers: object }[]): ServiceRegistration[] {
  return services.map(({ service, handlers }) => {
    const wrapped: Record<string, unknown> = {};
    for (const method of service.methods as DescMethod[]) {
      const impl = (handlers as Record<string, AnyHandler | undefined>)[method.localName];
      if (!impl) continue;
      const path = `/${service.typeName}/${method.name}`;
      // COSI messages have no common.Metadata to carry a hostname.
      const stampable = service.typeName !== 'cosi.resource.State';
      wrapped[method.localName] =
        method.methodKind === 'server_streaming'
          ? wrapStream(receiver, path, impl, dir, stampable)
          : method.methodKind === 'client_streaming'
            ? wrapClientStream(receiver, path, impl, dir)
            : wrapUnary(receiver, path, impl, dir);
    }
    return { service, handlers: wrapped };
  });
}
