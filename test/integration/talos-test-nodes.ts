// A few fake Talos nodes on 127.0.81.x for the src/talos tests that need control the simulator does
// not give (a handler that hangs, a certificate swapped under a pinned client, call counting).
// Configured nodes proxy to each other by the `node` header, like apid; a stopped node makes its
// peers answer UNAVAILABLE "connection refused" for it, as apid does.
// The /24 is fixed because the fixture certificates name those IPs; each server listens on a port the
// OS picks, so runs side by side (and anything else on 127.0.81.x) never collide.
import { serveGrpc, registration, type CallContext, type RunningServer } from '../../src/talos/server.js';
import { MachineService } from '../../src/talos/proto/gen/machine/machine_pb.js';
import { Code, RpcError } from '../../src/talos/status-codes.js';
import { fixture } from '../fixtures/talos/index.js';

export interface TestNode {
  ip: string;
  port: number;
  address: string;
  up: boolean;
  /** Requests that reached a handler on this server (whoever they were for). */
  calls: string[];
  stop(): Promise<void>;
  start(opts?: { certName?: string }): Promise<void>;
}

export interface TestNodesOptions {
  ips: string[];
  maintenance?: boolean;
  /** Name of the fixture pair used as the server certificate (default server.crt/key). */
  certName?: string;
  /** Overrides for handlers (e.g. a hanging version). */
  hooks?: { logs?: (send: (text: string) => Promise<void>, ctx: CallContext, node: TestNode) => Promise<void>; versionDelayMs?: number };
}

export async function startTestNodes(opts: TestNodesOptions): Promise<TestNode[]> {
  const nodes: TestNode[] = [];
  const byIp = new Map<string, TestNode>();

  // Which node a call is for: the `node` header when an endpoint proxies, else the server itself.
  const resolve = (self: TestNode, ctx: CallContext, method: string): TestNode => {
    self.calls.push(method);
    const wanted = ctx.metadata['node']?.[0];
    if (opts.maintenance || !wanted || wanted === self.ip) return self;
    const target = byIp.get(wanted);
    if (!target || !target.up) {
      throw new RpcError(Code.UNAVAILABLE, `connection error: desc = "transport: Error while dialing: dial tcp ${wanted}:50000: connect: connection refused"`);
    }
    return target;
  };

  const handlers = (self: TestNode) =>
    registration(MachineService, {
      version: async (_req, ctx) => {
        const node = resolve(self, ctx, 'Version');
        if (opts.hooks?.versionDelayMs) await new Promise((r) => setTimeout(r, opts.hooks!.versionDelayMs));
        return { messages: [{ metadata: { hostname: node.ip }, version: { tag: 'v1.13.0', arch: 'amd64' } }] };
      },
      metaWrite: async (_req, ctx) => {
        resolve(self, ctx, 'MetaWrite');
        if (opts.maintenance) throw new RpcError(Code.PERMISSION_DENIED, 'not authorized');
        return { messages: [{}] };
      },
      logs: async (req, ctx, send) => {
        const node = resolve(self, ctx, 'Logs');
        const sendText = (text: string) => send({ bytes: new TextEncoder().encode(text) });
        if (opts.hooks?.logs) return opts.hooks.logs(sendText, ctx, node);
        await sendText(`${req.id} on ${node.ip}\n`);
      },
    });

  for (const ip of opts.ips) {
    let server: RunningServer | null = null;
    const node: TestNode = {
      ip,
      port: 0,
      address: '',
      up: false,
      calls: [],
      async stop() {
        server?.forceClose();
        server = null;
        node.up = false;
      },
      async start(startOpts = {}) {
        const certName = startOpts.certName ?? opts.certName ?? 'server';
        server = await serveGrpc({
          host: ip,
          port: node.port,
          tls: {
            keyPem: fixture(`${certName}.key`),
            // Maintenance nodes send only their leaf, signed by a CA the client never sees.
            certChainPem: fixture(`${certName}.crt`),
            clientCaPem: opts.maintenance ? undefined : fixture('ca.crt'),
          },
          services: [handlers(node)],
        });
        node.port = server.port;
        node.address = `${ip}:${server.port}`;
        node.up = true;
      },
    };
    await node.start();
    nodes.push(node);
    byIp.set(ip, node);
  }
  return nodes;
}

export async function stopAll(nodes: TestNode[]): Promise<void> {
  await Promise.all(nodes.map((n) => n.stop()));
}
