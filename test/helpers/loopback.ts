// Free loopback /24s for tests and benches, so two runs side by side (or a simulator someone left
// running) never collide: no test file owns a fixed 127.0.X.0/24.
// A /24 is taken by holding a listener on its .1 address at RESERVE_PORT for the life of the process;
// another process that tries the same /24 finds the port in use and picks again. The third octet pair is
// random (127.1-254.x.x), which keeps away from the demo's 127.0.X0.0/24 defaults.
import * as net from 'node:net';
import { startSimCluster, type SimCluster, type SimClusterOptions } from '../../src/sim/index.js';

const RESERVE_PORT = 49_999;
const held: net.Server[] = [];

function tryHold(ip: string): Promise<net.Server | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(null));
    server.listen({ host: ip, port: RESERVE_PORT, exclusive: true }, () => {
      server.unref();
      resolve(server);
    });
  });
}

/** The first three octets of a loopback /24 that nothing else in this machine's test runs uses, e.g. "127.83.7". */
export async function freeLoopback24(): Promise<string> {
  for (let attempt = 0; attempt < 64; attempt++) {
    const prefix = `127.${1 + Math.floor(Math.random() * 254)}.${Math.floor(Math.random() * 256)}`;
    const server = await tryHold(`${prefix}.1`);
    if (server) {
      held.push(server);
      return prefix;
    }
  }
  throw new Error('no free loopback /24 found after 64 tries');
}

/** `listen` for startSimCluster: the .1 of a free /24 (configured nodes get .11+, maintenance .101+). */
export async function freeSimListen(): Promise<string> {
  return `${await freeLoopback24()}.1`;
}

/** A simulated cluster on a free /24; `listen` in `opts` is not allowed (that is the point). */
export async function startSimOnFreeLoopback(opts: Omit<SimClusterOptions, 'listen'> = {}): Promise<SimCluster> {
  return startSimCluster({ ...opts, listen: await freeSimListen() });
}
