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
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import * as tls from 'node:tls';
import { normalizeMac } from '../core/inventory.js';
import { primaryMac } from '../core/match.js';
import { formatAddress } from './address.js';
import { TalosClient } from './client.js';
import { mtlsCredentials } from './credentials.js';
import { H2Target } from './identify-h2.js';
import { describeError, TalosError } from './errors.js';
import { spkiFingerprint } from './identity.js';
import { Code } from './status-codes.js';
import type { NodeTarget } from './target.js';
import type { TalosSession } from './session.js';
import * as cosi from './api/cosi.js';
import { State } from './proto/gen/cosi/state_pb.js';
import * as machine from './api/machine.js';
import * as storage from './api/storage.js';

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
const NO_MAC = '00:00:00:00:00:00';

function normalMac(text: unknown): string | null {
  const mac = typeof text === 'string' ? normalizeMac(text) : null;
  return mac !== null && mac !== NO_MAC ? mac : null;
}

// ---- step 1: the bare TLS handshake

type Hello =
  | { ok: true; fingerprint: string | undefined; alpn: string | false; socket: tls.TLSSocket }
  | { ok: false; reason: string; refused: boolean; timedOut: boolean };

/**
 * SPKI sha256 of the server leaf: the peer certificate's `pubkey` is its SubjectPublicKeyInfo DER
 * (what identity.spkiFingerprint exports from an X509Certificate), without building a KeyObject.
 */
function leafFingerprint(socket: tls.TLSSocket): string | undefined {
  const peer = socket.getPeerCertificate(false);
  if (peer?.pubkey) return createHash('sha256').update(peer.pubkey).digest('base64');
  const leaf = socket.getPeerX509Certificate();
  return leaf ? spkiFingerprint(leaf) : undefined;
}

// One TLS context for every probe and one set of insecure credentials for every maintenance read:
// making a context per node showed up as a tenth of identification time in profiles.
let probeContext: tls.SecureContext | undefined;
const mtlsBySession = new WeakMap<TalosSession, ReturnType<typeof mtlsCredentials>>();

function tlsHello(ip: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<Hello> {
  probeContext ??= tls.createSecureContext({});
  return new Promise((resolve) => {
    // No servername: SNI must not be an IP (Node warns), and Talos does not need it.
    const socket = tls.connect({ host: ip, port, rejectUnauthorized: false, ALPNProtocols: ['h2'], secureContext: probeContext });
    let done = false;
    const finish = (hello: Hello) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      // An h2 handshake hands its socket to the reads; anything else is closed here.
      if (!hello.ok || hello.alpn !== 'h2') socket.destroy();
      resolve(hello);
    };
    const onAbort = () => finish({ ok: false, reason: 'cancelled', refused: false, timedOut: false });
    const timer = setTimeout(
      () => finish({ ok: false, reason: `accepted the connection but sent no TLS answer within ${timeoutMs / 1000} s`, refused: false, timedOut: true }),
      timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    socket.once('secureConnect', () => {
      finish({ ok: true, fingerprint: leafFingerprint(socket), alpn: socket.alpnProtocol ?? false, socket });
    });
    const onError = (err: NodeJS.ErrnoException) => {
      const refused = err.code === 'ECONNREFUSED';
      const reason = refused
        ? 'connection refused (it closed after the scan)'
        : /ECONNRESET|socket disconnected|socket hang up/i.test(`${err.code} ${err.message}`)
          ? 'closed the connection during the TLS handshake: not a TLS service'
          : /wrong version number|packet length too long|unknown protocol|http request|record layer failure/i.test(err.message)
            ? 'does not speak TLS'
            : `TLS handshake failed: ${err.message}`;
      finish({ ok: false, reason, refused, timedOut: false });
    };
    socket.once('error', onError);
  });
}

// ---- step 2 and 3: the reads

/**
 * Top-level scalars of a flat YAML mapping (`key: value` lines; nested blocks skipped), or null
 * when the text uses anything else at the top level (then the full YAML parser runs). LinkStatus
 * specs are flat where it matters, and parsing them with the general parser was the largest
 * single cost of identifying a node.
 */
export function flatYaml(text: string): Record<string, string | number | boolean> | null {
  const out: Record<string, string | number | boolean> = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith(' ') || line.startsWith('-') || line.startsWith('#')) continue;
    const m = /^([A-Za-z][A-Za-z0-9_]*):(?: (.*))?$/.exec(line);
    if (!m) return null;
    const raw = (m[2] ?? '').trim();
    if (raw === '') continue; // a nested block follows
    if (/^[|>&*!{[%@`]/.test(raw) || / #/.test(raw)) return null;
    if (raw.startsWith('"')) {
      try {
        out[m[1]] = JSON.parse(raw) as string;
      } catch {
        return null;
      }
    } else if (raw.startsWith("'")) {
      if (!raw.endsWith("'") || raw.length < 2) return null;
      out[m[1]] = raw.slice(1, -1).replace(/''/g, "'");
    } else if (/^-?(0|[1-9][0-9]*)$/.test(raw)) out[m[1]] = Number(raw);
    else if (raw === 'true' || raw === 'false') out[m[1]] = raw === 'true';
    else if (/^(null|~|-?[0-9.]+(e[+-]?[0-9]+)?|0x[0-9a-f]+|0o[0-7]+|\.inf|\.nan)$/i.test(raw)) return null;
    else out[m[1]] = raw;
  }
  return out;
}

/** cosi.linkStatuses, with the flat-YAML fast path. */
async function linkStatuses(t: NodeTarget, opts: { deadlineMs: number; signal?: AbortSignal }): Promise<cosi.LinkStatus[]> {
  const kind = cosi.Kinds.links;
  const out: cosi.LinkStatus[] = [];
  for await (const msg of t.stream(State.method.list, { namespace: kind.namespace, type: kind.type }, opts)) {
    const id = msg.resource?.metadata?.id;
    if (id === undefined) continue;
    const text = msg.resource?.spec?.yamlSpec ?? '';
    let spec: cosi.LinkStatusSpec | null = flatYaml(text);
    if (spec === null) spec = cosi.toCosiResource<cosi.LinkStatusSpec | null>(msg.resource, t.node).spec;
    out.push({ ...(spec ?? {}), id });
  }
  return out;
}

/** The MachineStatus stage, with the flat-YAML fast path (only the top-level `stage` is needed). */
async function machineStage(t: NodeTarget, opts: { deadlineMs: number; signal?: AbortSignal }): Promise<string> {
  const kind = cosi.Kinds.machineStatus;
  const reply = await t.unary(State.method.get, { namespace: kind.namespace, type: kind.type, id: 'machine' }, opts);
  const flat = reply.resource?.metadata ? flatYaml(reply.resource.spec?.yamlSpec ?? '') : null;
  if (flat !== null) return typeof flat.stage === 'string' ? flat.stage : 'unknown';
  return cosi.toCosiResource<{ stage?: string } | null>(reply.resource, t.node).spec?.stage ?? 'unknown';
}

interface Reads {
  version: PromiseSettledResult<string | undefined>;
  stage: PromiseSettledResult<string>;
  links: PromiseSettledResult<cosi.LinkStatus[]>;
  disks: PromiseSettledResult<storage.Disk[]>;
  hostname: PromiseSettledResult<string | undefined>;
}

/**
 * The reads, in parallel. The hostname is read only over mutual TLS: a maintenance node's is a
 * random talos-xxx-yyy, not worth a fifth call on every node of a scan.
 */
async function readFacts(t: NodeTarget, deadlineAt: number, signal: AbortSignal | undefined, withHostname: boolean): Promise<Reads> {
  const opts = () => ({ deadlineMs: Math.max(1, deadlineAt - Date.now()), signal });
  const version = async (): Promise<string | undefined> => {
    try {
      return (await machine.version(t, opts())).version?.tag || undefined;
    } catch (err) {
      // Talos <= 1.12 in maintenance mode: the Versions resource often still tells.
      if (err instanceof TalosError && err.code === Code.UNIMPLEMENTED && /maintenance mode/i.test(err.details)) {
        return (await cosi.talosVersion(t, opts()).catch(() => '')) || undefined;
      }
      throw err;
    }
  };
  const hostname = async () => {
    const r = await cosi.get<{ hostname?: string } | null>(t, cosi.Kinds.hostname, 'hostname', opts());
    return r.spec?.hostname || undefined;
  };
  const [v, s, l, d, h] = await Promise.allSettled([
    version(),
    machineStage(t, opts()),
    linkStatuses(t, opts()),
    storage.disks(t, opts()),
    withHostname ? hostname() : Promise.resolve(undefined),
  ]);
  return { version: v, stage: s, links: l, disks: d, hostname: h };
}

function settledErrors(reads: Reads): TalosError[] {
  return Object.values(reads)
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => describeError(r.reason));
}

const CLIENT_CERT_WANTED = /alert (certificate required|bad certificate|handshake failure|unknown ca|certificate unknown)|asks for a client certificate|peer did not return a certificate/i;

/** The links as the UI shows them: bond membership by name, the link's own MAC. */
export function toLinks(statuses: readonly cosi.LinkStatus[]): IdentifiedLink[] {
  const byIndex = new Map(statuses.map((l) => [l.index, l.id]));
  return statuses
    .filter((l) => l.type !== 'loopback' && l.id !== 'lo')
    .sort((a, b) => (a.index ?? 0) - (b.index ?? 0) || (a.id < b.id ? -1 : 1))
    .map((l) => {
      const master = l.masterIndex ? byIndex.get(l.masterIndex) : undefined;
      const link: IdentifiedLink = {
        name: l.id,
        mac: normalMac(l.permanentAddr) ?? normalMac(l.hardwareAddr),
        up: l.operationalState === 'up',
        driver: l.driver ?? '',
        product: l.product ?? '',
        kind: l.kind ?? '',
      };
      if (master) link.bondMaster = master;
      if (typeof l.speedMbit === 'number' && l.speedMbit > 0) link.speedMbit = l.speedMbit;
      return link;
    });
}

function toDisks(disks: readonly storage.Disk[]): IdentifiedDisk[] {
  return disks.map((d) => ({
    name: d.deviceName.replace(/^\/dev\//, '') || d.name,
    size: Number(d.size),
    model: d.model,
    type: storage.DiskType[d.type] ?? 'UNKNOWN',
    serial: d.serial,
  }));
}

/** Fill the node's facts from whatever reads answered; the first real failure goes to `error`. */
function applyReads(node: IdentifiedNode, reads: Reads): void {
  if (reads.version.status === 'fulfilled' && reads.version.value) node.talosVersion = reads.version.value;
  if (reads.stage.status === 'fulfilled') node.stage = reads.stage.value;
  if (reads.hostname.status === 'fulfilled' && reads.hostname.value) node.hostname = reads.hostname.value;
  if (reads.links.status === 'fulfilled') {
    node.links = toLinks(reads.links.value);
    // DESIGN.md's primary MAC rule lives in core (a bond slave's permanentAddr counts).
    Object.assign(node, primaryMac(reads.links.value.map((l) => ({ ...l, name: l.id }))));
  }
  if (reads.disks.status === 'fulfilled') node.disks = toDisks(reads.disks.value);
  const failed = settledErrors(reads).find((e) => !(e.code === Code.UNIMPLEMENTED && /maintenance mode/i.test(e.details)));
  if (failed) node.error = failed.message;
}

/** One of the four reads every identification makes answered (the hostname may not have been asked). */
function anyAnswered(reads: Reads): boolean {
  return [reads.version, reads.stage, reads.links, reads.disks].some((r) => r.status === 'fulfilled');
}

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
  if (!hello.ok || hello.alpn !== 'h2') {
    if (!hello.ok) {
      node.kind = hello.refused || opts.signal?.aborted ? 'unreachable' : 'not-talos';
      node.error = hello.reason;
    } else {
      node.kind = 'not-talos';
      node.error = 'speaks TLS but not HTTP/2 (no gRPC API)';
    }
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
  const talking = errors.find((e) => e.code === Code.UNIMPLEMENTED && /maintenance mode/i.test(e.details));
  if (talking) {
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

async function identifyConfigured(node: IdentifiedNode, address: string, deadlineAt: number, opts: IdentifyOptions): Promise<void> {
  const session = opts.session;
  if (!session) {
    node.error = 'configured (asks for a client certificate); give a talosconfig to read it';
    return;
  }
  const ctx = session.context;
  // Straight to the node as its own endpoint: it is not behind any endpoint of the talosconfig.
  let credentials = mtlsBySession.get(session);
  if (!credentials) mtlsBySession.set(session, (credentials = mtlsCredentials(ctx)));
  const client = new TalosClient({
    address,
    credentials,
    errorContext: { contextName: ctx.contextName, source: ctx.source, roles: ctx.identity.roles, certNotAfter: ctx.identity.notAfter, insecure: false },
  });
  try {
    const reads = await readFacts(client, deadlineAt, opts.signal, true);
    if (anyAnswered(reads)) {
      node.via = 'mtls';
      applyReads(node, reads);
    } else {
      node.error = `the talosconfig cannot read it: ${settledErrors(reads)[0]?.message ?? 'no answer'}`;
    }
  } finally {
    client.close();
  }
}

// ---- many at once

export interface IdentifyQueueOptions extends IdentifyOptions {
  /** Identifications in flight at once. Default 16. */
  concurrency?: number;
  /** Called once per pushed endpoint, in completion order (not while aborted). */
  onResult: (node: IdentifiedNode) => void;
}

export interface IdentifyQueue {
  /** Queue an open port; it starts at once when fewer than `concurrency` are in flight. */
  push(ip: string, port: number): void;
  /** Resolves when everything pushed so far has been identified (or the signal aborted). */
  idle(): Promise<void>;
}

/** Bounded-concurrency identification that can start while the scan is still running. */
export function identifyQueue(opts: IdentifyQueueOptions): IdentifyQueue {
  const concurrency = Math.max(1, opts.concurrency ?? 16);
  // Every call in flight listens to the signal: 16 nodes x 5 reads is past Node's warning level of
  // 10, and the warning would print over the console's screen.
  if (opts.signal) setMaxListeners(0, opts.signal);
  const waiting: Array<{ ip: string; port: number }> = [];
  let running = 0;
  let idleWaiters: Array<() => void> = [];
  const settleIdle = () => {
    if (running > 0 || (waiting.length > 0 && !opts.signal?.aborted)) return;
    const w = idleWaiters;
    idleWaiters = [];
    for (const f of w) f();
  };
  const pump = () => {
    while (running < concurrency && waiting.length > 0 && !opts.signal?.aborted) {
      const next = waiting.shift()!;
      running++;
      identifyNode(next.ip, next.port, opts)
        .then((node) => {
          if (!opts.signal?.aborted) opts.onResult(node);
        })
        .finally(() => {
          running--;
          pump();
          settleIdle();
        });
    }
    if (opts.signal?.aborted) waiting.length = 0;
  };
  opts.signal?.addEventListener('abort', () => {
    waiting.length = 0;
    settleIdle();
  }, { once: true });
  return {
    push(ip, port) {
      if (opts.signal?.aborted) return;
      waiting.push({ ip, port });
      pump();
    },
    idle() {
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      });
    },
  };
}

/** Identify a list of endpoints (at most `concurrency` at once); results in the input order. */
export async function identifyAll(
  endpoints: ReadonlyArray<{ ip: string; port: number }>,
  opts: IdentifyOptions & { concurrency?: number } = {},
): Promise<IdentifiedNode[]> {
  const results = new Map<string, IdentifiedNode>();
  const queue = identifyQueue({ ...opts, onResult: (n) => results.set(`${n.ip}:${n.port}`, n) });
  for (const e of endpoints) queue.push(e.ip, e.port);
  await queue.idle();
  return endpoints.map((e) => results.get(`${e.ip}:${e.port}`)).filter((n): n is IdentifiedNode => n !== undefined);
}
