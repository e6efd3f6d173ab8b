// Free loopback /24s for tests and benches, so two runs side by side (or a simulator someone left
// running) never collide: no test file owns a fixed 127.0.X.0/24.
// A /24 is taken by holding a listener on its .1 address at RESERVE_PORT for the life of the process;
// another process that tries the same /24 finds the port in use and picks again. A /24 where something
// already answers on a simulator's addresses (.1, .11, .101 at the Talos port: a `talos-tui sim` someone
// left running) is skipped too. The second and third octets are random (127.1-254.x.x), which keeps
// away from the demo's 127.0.X0.0/24 defaults.
import * as net from 'node:net';
import type { SimCluster, SimClusterOptions } from '../../src/sim/index.js';

const RESERVE_PORT = 49_999;
const TALOS_PORT = 50_000;
const held: net.Server[] = [];

/** True when nothing listens on ip:port (binds it, then lets go at once). */
function canBind(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: ip, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

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

/**
 * The first three octets of a loopback /24 that nothing else in this machine's test runs uses, e.g.
 * "127.83.7". `length` fixes how many characters the prefix has (9 gives "127.4.186"), for screen
 * tests whose columns and truncation depend on how wide an address is.
 */
export async function freeLoopback24(opts: { length?: number } = {}): Promise<string> {
  for (let attempt = 0; attempt < 64; attempt++) {
    const prefix = randomPrefix(opts.length);
    const server = await tryHold(`${prefix}.1`);
    if (!server) continue;
    const free = await Promise.all(['1', '11', '101'].map((host) => canBind(`${prefix}.${host}`, TALOS_PORT)));
    if (free.every(Boolean)) {
      held.push(server);
      return prefix;
    }
    server.close();
  }
  throw new Error('no free loopback /24 found after 64 tries');
}

/**
 * "127.B.C" with B in 2-254 and C in 0-255, of exactly `length` characters when given (7 to 11).
 * 127.0.0.0/15 is left out: the Discovery pane's test scans all of it (--force), and a server of
 * another test there would see its connections.
 */
function randomPrefix(length?: number): string {
  if (length !== undefined && (length < 7 || length > 11)) throw new Error(`a loopback /24 prefix has 7 to 11 characters, not ${length}`);
  for (;;) {
    const prefix = `127.${2 + Math.floor(Math.random() * 253)}.${Math.floor(Math.random() * 256)}`;
    if (length === undefined || prefix.length === length) return prefix;
  }
}

/** `listen` for startSimCluster: the .1 of a free /24 (configured nodes get .11+, maintenance .101+). */
export async function freeSimListen(opts: { length?: number } = {}): Promise<string> {
  return `${await freeLoopback24(opts)}.1`;
}

/** A simulated cluster on a free /24; `listen` in `opts` is not allowed (that is the point). */
export async function startSimOnFreeLoopback(opts: Omit<SimClusterOptions, 'listen'> = {}): Promise<SimCluster> {
  // Imported on use: a bench process that only needs an address should not load the simulator.
  const { startSimCluster } = await import('../../src/sim/index.js');
  return startSimCluster({ ...opts, listen: await freeSimListen() });
}

/**
 * `count` consecutive free TCP ports on 127.0.0.1 below Linux's ephemeral range (32768-60999), so an
 * outgoing connection cannot take one between this check and the caller's listen.
 */
export async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 64; attempt++) {
    const first = 20_000 + Math.floor(Math.random() * 12_000);
    const ports = Array.from({ length: count }, (_, i) => first + i);
    if ((await Promise.all(ports.map((port) => canBind('127.0.0.1', port)))).every(Boolean)) return first;
  }
  throw new Error(`no ${count} free consecutive ports on 127.0.0.1 after 64 tries`);
}
