// A deliberately tiny grpc-js client for the simulator tests: it talks to the sim exactly as any Talos
// client would (TLS, metadata, the project's generated messages), without depending on src/talos's client.
import * as grpc from '@grpc/grpc-js';
import { create, type DescMethod, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import * as tls from 'node:tls';
import { grpcMethodDefinition } from '../../src/talos/rpc-definitions.js';

process.noDeprecation = true; // grpc-js sets SNI to the IP it dials: silence DEP0123

export type Creds = { insecure: true } | { caPem: string; certPem?: string; keyPem?: string };

export interface CallError extends Error {
  code: number;
  details: string;
}

export class TestClient {
  private readonly client: grpc.Client;

  constructor(address: string, creds: Creds) {
    const channelCreds =
      'insecure' in creds
        ? grpc.credentials.createFromSecureContext(tls.createSecureContext({}), { rejectUnauthorized: false })
        : grpc.credentials.createFromSecureContext(tls.createSecureContext({ ca: creds.caPem, cert: creds.certPem, key: creds.keyPem }));
    // Reconnect quickly after a simulated reboot (grpc-js would wait ~1 s by default).
    this.client = new grpc.Client(address, channelCreds, {
      'grpc.use_local_subchannel_pool': 1,
      'grpc.initial_reconnect_backoff_ms': 50,
      'grpc.max_reconnect_backoff_ms': 200,
    });
  }

  private metadata(node?: string | { nodes: string[] }): grpc.Metadata {
    const md = new grpc.Metadata();
    if (typeof node === 'string') md.set('node', node);
    else if (node) for (const n of node.nodes) md.add('nodes', n);
    return md;
  }

  unary<M extends DescMethod>(method: M, req: MessageInitShape<M['input']>, opts: { node?: string | { nodes: string[] }; deadlineMs?: number } = {}): Promise<MessageShape<M['output']>> {
    const def = grpcMethodDefinition(method);
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        def.path,
        def.requestSerialize,
        def.responseDeserialize,
        create(method.input, req as never),
        this.metadata(opts.node),
        { deadline: Date.now() + (opts.deadlineMs ?? 5000) },
        (err, res) => (err ? reject(err) : resolve(res as MessageShape<M['output']>)),
      );
    });
  }

  /** Open a server stream; `messages` collects everything, `done` settles when it ends. */
  stream<M extends DescMethod>(method: M, req: MessageInitShape<M['input']>, opts: { node?: string } = {}) {
    const def = grpcMethodDefinition(method);
    const call = this.client.makeServerStreamRequest(def.path, def.requestSerialize, def.responseDeserialize, create(method.input, req as never), this.metadata(opts.node));
    const messages: MessageShape<M['output']>[] = [];
    const listeners: (() => void)[] = [];
    call.on('data', (m: MessageShape<M['output']>) => {
      messages.push(m);
      for (const l of listeners.splice(0)) l();
    });
    const done = new Promise<void>((resolve, reject) => {
      call.on('error', (err) => reject(err));
      call.on('end', () => resolve());
    });
    done.catch(() => undefined);
    /** Wait until `pred(messages)` holds (checked on every message). */
    const until = (pred: (msgs: MessageShape<M['output']>[]) => boolean, timeoutMs = 5000): Promise<void> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`stream condition not met in ${timeoutMs} ms (${messages.length} messages)`)), timeoutMs);
        const check = () => {
          if (pred(messages)) {
            clearTimeout(timer);
            resolve();
          } else listeners.push(check);
        };
        check();
      });
    return { call, messages, done, until, cancel: () => call.cancel() };
  }

  close(): void {
    this.client.close();
  }
}

export async function expectRpcError(p: Promise<unknown>): Promise<CallError> {
  try {
    await p;
  } catch (err) {
    return err as CallError;
  }
  throw new Error('expected the call to fail');
}
