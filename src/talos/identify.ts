// What answers on an open port: a Talos node in maintenance mode, a configured Talos node, or
// something else. Used by discovery after the TCP scan found the port open.
//
// Steps for one ip:port, all bounded by one deadline:
// 1. One TLS handshake, ALPN h2, no client certificate. No TLS, or TLS without HTTP/2 =>
//    'not-talos': every Talos API speaks gRPC over TLS with ALPN h2. It also yields the server
//    leaf, whose SPKI fingerprint is what `--cert-fingerprint` pins later.
// 2. Over that same connection (HTTP/2 on the handshake's socket, identify-h2.ts, not a grpc-js
//    channel: one handshake per node, and none of the channel set-up): Version, MachineStatus,
//    LinkStatuses and Disks in parallel. Any read that answers => 'maintenance'.
//    The facts thus come from the very server whose fingerprint is shown; Apply pins it later.
//    Talos <= 1.12 answers Version with UNIMPLEMENTED "... maintenance mode": still maintenance,
//    version from the Versions resource when that can be read, else unknown.
// 3. The server refuses the handshake for want of a client certificate (TLS 1.3: an alert after
//    the client's Finished, so the reads fail with it) => 'configured'. With a session
//    whose talosconfig can reach it, the same reads go over mutual TLS straight to the node as its
//    own endpoint (no `node` header: it is not behind an endpoint we know).
// A port that stops answering after the scan found it => 'unreachable'.
//
// Files: identify-tls.ts (step 1), identify-reads.ts (the reads, both paths), identify-mtls.ts
// (step 3 with a session), identify-queue.ts (many ports at once), identify-h2.ts (HTTP/2 client).
import { formatAddress } from './address.js';
import { H2Target } from './identify-h2.js';
import { identifyConfigured } from './identify-mtls.js';
import { anyAnswered, applyReads, isMaintenanceModeRefusal, readFacts, settledErrors, type Reads } from './identify-reads.js';
import { tlsHello } from './identify-tls.js';
import { Code } from './status-codes.js';
import type { TalosSession } from './session.js';

export type NodeKind = 'maintenance' | 'configured' | 'not-talos' | 'unreachable';

export interface IdentifiedLink {
  name: string;
  /** The link's own MAC (a bond slave's permanentAddr), lower-case; null when it has none. */
  mac: string | null;
  up: boolean;
  driver: string;
  product: string;
  /** '' for a physical link; bond, vlan, bridge... otherwise. */
  kind: string;
  /** Name of the bond this link is a slave of. */
  bondMaster?: string;
  speedMbit?: number;
}

export interface IdentifiedDisk {
  name: string;
  /** Bytes. */
  size: number;
  model: string;
  /** SSD, HDD, NVME, SD, CD or UNKNOWN. */
  type: string;
  serial: string;
}

export interface IdentifiedNode {
  ip: string;
  port: number;
  kind: NodeKind;
  /** How the facts were read: insecure (maintenance), mtls (talosconfig), or not at all. */
  via: 'insecure' | 'mtls' | null;
  talosVersion?: string;
  /** MachineStatus stage: maintenance, booting, installing, running, ... */
  stage?: string;
  hostname?: string;
  /** Primary MAC: the first physical link that is up (a bond slave's permanentAddr counts). */
  mac: string | null;
  /** Every physical MAC, in kernel order. */
  macs: string[];
  links: IdentifiedLink[];
  disks: IdentifiedDisk[];
  /** SPKI fingerprint of the server leaf (talosctl --cert-fingerprint), when TLS answered. */
  certFingerprint?: string;
  /** Why it is not-talos/unreachable, or what could not be read (e.g. the talosconfig cannot reach it). */
  error?: string;
  /** Time spent identifying it. */
  elapsedMs: number;
}

export interface IdentifyOptions {
  /** Deadline of the whole identification of one port. Default 3000 ms. */
  timeoutMs?: number;
  /** Used for configured nodes: identified over mutual TLS with its talosconfig context. */
  session?: TalosSession | null;
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 3000;

const CLIENT_CERT_WANTED = /alert (certificate required|bad certificate|handshake failure|unknown ca|certificate unknown)|asks for a client certificate|peer did not return a certificate/i;

/** Identify one open port. Never throws: failures are described in the result. */
export async function identifyNode(ip: string, port: number, opts: IdentifyOptions = {}): Promise<IdentifiedNode> {
  const started = performance.now();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadlineAt = Date.now() + timeoutMs;
  const node: IdentifiedNode = { ip, port, kind: 'unreachable', via: null, mac: null, macs: [], links: [], disks: [], elapsedMs: 0 };
  const done = () => {
    node.elapsedMs = Math.round(performance.now() - started);
    return node;
  };

  // One TLS handshake: no TLS, or TLS without h2, is not Talos. On h2 the leaf's fingerprint is
  // read, and the insecure reads go over that very connection (HTTP/2 on the handshake's socket).
  const address = formatAddress(ip, port);
  const hello = await tlsHello(ip, port, timeoutMs, opts.signal);
  if (!hello.ok) {
    node.kind = hello.refused || opts.signal?.aborted ? 'unreachable' : 'not-talos';
    node.error = hello.reason;
    return done();
  }
  if (hello.alpn !== 'h2') {
    node.kind = 'not-talos';
    node.error = 'speaks TLS but not HTTP/2 (no gRPC API)';
    return done();
  }
  if (hello.fingerprint) node.certFingerprint = hello.fingerprint;
  const insecure = new H2Target(hello.socket, address, ip, { insecure: true });
  let reads: Reads;
  try {
    reads = await readFacts(insecure, deadlineAt, opts.signal, false);
  } finally {
    insecure.close();
  }
  if (anyAnswered(reads)) {
    node.kind = 'maintenance';
    node.via = 'insecure';
    applyReads(node, reads);
    return done();
  }

  const errors = settledErrors(reads);
  const first = errors[0];
  if (errors.some(isMaintenanceModeRefusal)) {
    node.kind = 'maintenance';
    node.via = 'insecure';
    return done();
  }
  if (errors.some((e) => CLIENT_CERT_WANTED.test(e.details) || CLIENT_CERT_WANTED.test(e.message))) {
    node.kind = 'configured';
    await identifyConfigured(node, address, deadlineAt, opts);
    return done();
  }
  if (opts.signal?.aborted) {
    node.error = 'cancelled';
    return done();
  }
  if (first && first.code === Code.DEADLINE_EXCEEDED) {
    node.kind = 'unreachable';
    node.error = `TLS answered, but no gRPC answer within ${timeoutMs / 1000} s`;
    return done();
  }
  node.kind = 'not-talos';
  node.error = `speaks TLS and HTTP/2 but not the Talos API: ${first?.details.split('\n')[0] ?? 'no answer'}`;
  return done();
}

