// gRPC failures as one human sentence each. Every error that leaves src/talos is a TalosError whose
// message names the node (and endpoint) at fault and, where we can tell, what to do instead.
import { safeText } from '../core/terminal-text.js';
import { Code, codeName, RpcError } from './status-codes.js';

export class TalosError extends Error {
  override name = 'TalosError';
  /** gRPC status code (see Code). Local failures use the closest one, e.g. UNAVAILABLE for TLS. */
  readonly code: number;
  /** The node the call was for, when there was one. */
  readonly node?: string;
  /** The endpoint (`host:port`) the call went through. */
  readonly endpoint?: string;
  /** The raw status details or low-level message, for logs and `--debug` output. */
  readonly details: string;

  constructor(init: { code: number; message: string; node?: string; endpoint?: string; details?: string; cause?: unknown }) {
    // Status details, hostnames and entry errors come from the node: safe for the terminal here.
    super(safeText(init.message), init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.node = init.node === undefined ? undefined : safeText(init.node);
    this.endpoint = init.endpoint;
    this.details = safeText(init.details ?? init.message);
  }

  get codeName(): string {
    return codeName(this.code);
  }
}

/** Everything describeError may use to make the sentence precise. All optional. */
export interface ErrorContext {
  node?: string;
  endpoint?: string;
  /** gRPC method name as in the proto, e.g. `MetaWrite`. */
  method?: string;
  /** The connection was the maintenance-mode one (no client certificate). */
  insecure?: boolean;
  contextName?: string;
  /** Where the talosconfig came from, to name it in TLS messages. */
  source?: string;
  certNotAfter?: Date | null;
  roles?: string[];
  deadlineMs?: number;
  now?: Date;
}

/** A failure we detect ourselves before anything is sent: the server's key is not one the user pinned. */
export function fingerprintMismatch(host: string, got: string, endpoint?: string): TalosError {
  return new TalosError({
    code: Code.UNAVAILABLE,
    message: `certificate fingerprint of ${host} does not match any --cert-fingerprint: got ${got}`,
    node: host,
    endpoint,
    details: `fingerprint mismatch: ${got}`,
  });
}

interface StatusLike {
  code: number;
  details: string;
}

function statusOf(err: unknown): StatusLike | null {
  if (err instanceof RpcError) return { code: err.code, details: err.details };
  if (typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'number') {
    const e = err as { code: number; details?: unknown; message?: unknown };
    const details = typeof e.details === 'string' ? e.details : typeof e.message === 'string' ? e.message : '';
    return { code: e.code, details };
  }
  return null;
}

// What to do instead when a maintenance node refuses a method that needs a configured node.
function maintenanceAdvice(method: string | undefined): string {
  switch (method) {
    case 'MetaWrite':
    case 'MetaDelete':
      return 'META cannot be changed over the maintenance API; pass it at boot instead (kernel argument talos.environment=INSTALLER_META_BASE64=..., or the imager\'s --meta), or apply a machine config first and write META with the talosconfig';
    case 'Reboot':
      return 'reboot it out of band (console or hypervisor), or apply a machine config with --mode reboot';
    case 'Kubeconfig':
    case 'Bootstrap':
      return 'apply a machine config first (apply -i), then bootstrap and use the talosconfig';
    case undefined:
    default:
      return 'apply a machine config first (apply -n NODE -i -f CONFIG), then use the talosconfig for this call';
  }
}

const SERVER_CERT_PATTERNS: [RegExp, string][] = [
  [/ERR_TLS_CERT_ALTNAME_INVALID|does not match certificate's altnames/i, 'altname'],
  [/certificate has expired|CERT_HAS_EXPIRED/i, 'expired'],
  [/unsuitable certificate purpose|INVALID_PURPOSE/i, 'purpose'],
  [/self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer certificate|certificate signature failure|UNABLE_TO_VERIFY_LEAF_SIGNATURE|certificate is not yet valid/i, 'ca'],
];
const CLIENT_CERT_ALERT = /alert (certificate required|bad certificate|unknown ca|certificate expired|certificate unknown|certificate revoked|unsupported certificate|access denied|decrypt error)/i;
const REFUSED = /ECONNREFUSED|connection refused/i;
const UNREACHABLE = /EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|no route to host|i\/o timeout/i;
const RESET = /ECONNRESET|socket hang up|Connection dropped|GOAWAY|ERR_HTTP2/i;

/** True when the details say the connection to the endpoint itself was never set up (so nothing was sent). */
export function isConnectFailure(details: string): boolean {
  return /No connection established|Failed to connect/i.test(details) || REFUSED.test(details) || UNREACHABLE.test(details);
}

/** True when the details are a TLS verification problem (either side), where trying elsewhere will not help. */
export function isTlsFailure(details: string): boolean {
  return SERVER_CERT_PATTERNS.some(([re]) => re.test(details)) || CLIENT_CERT_ALERT.test(details);
}

function lowLevelDetail(details: string): string {
  // grpc-js wraps the socket error: "No connection established. Last error: Error: connect ... (date). Resolution note: ".
  const m = /Last error: (?:Error(?: \[[A-Z_]+\])?: )?(.*?)(?: \(\d{4}-\d\d-\d\dT[^)]*\))?\.? Resolution note:/s.exec(details);
  const text = m ? m[1] : details;
  // OpenSSL's own messages carry a long prefix: keep the readable reason only.
  const ssl = /:SSL routines:[^:]*:([^:]+):/.exec(text);
  return (ssl ? ssl[1] : text).trim();
}

function fmtDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Which role to ask for, never one the certificate already has (operator -> admin). */
function rolesAdvice(roles: string[]): string {
  const has = roles.length > 0 ? `role ${roles.join(', ')}` : 'no role';
  if (roles.includes('os:admin')) return `${has}, and the node still refused: its RBAC or the method forbids it`;
  if (roles.includes('os:operator')) return `${has}, which does not allow it: it needs os:admin`;
  return `${has}, which does not allow it: use a talosconfig with os:operator (read and operate) or os:admin (change)`;
}

/** Turn anything a call may throw into a TalosError with a sentence a tired operator can act on. */
export function describeError(err: unknown, ctx: ErrorContext = {}): TalosError {
  if (err instanceof TalosError) return err;
  const endpoint = ctx.endpoint;
  const node = ctx.node ?? (endpoint ? endpoint.replace(/:\d+$/, '').replace(/^\[|\]$/g, '') : undefined);
  const who = node ?? 'the node';
  const via = ctx.node && endpoint && !endpoint.startsWith(`${ctx.node}:`) && endpoint !== ctx.node ? ` (via endpoint ${endpoint})` : '';
  const what = ctx.method ? `${ctx.method}` : 'the call';
  const contextLabel = ctx.contextName ? `context "${ctx.contextName}"${ctx.source ? ` of ${ctx.source}` : ''}` : 'the talosconfig';
  const make = (code: number, message: string, details: string) =>
    new TalosError({ code, message, node, endpoint, details, cause: err });

  if (err instanceof Error && err.name === 'AbortError') return make(Code.CANCELLED, `${what} to ${who} was cancelled`, err.message);

  const status = statusOf(err);
  if (!status) {
    const text = err instanceof Error ? err.message : String(err);
    return make(Code.UNKNOWN, `${what} to ${who}${via} failed: ${text}`, text);
  }
  const { code, details } = status;
  const detail = lowLevelDetail(details);

  // machined's Logs handler answers a service id it has no log for with a plain Go error (so gRPC
  // Unknown): `log "nosuch" was not registered` (runtime/logging/circular.go). Name the node and the
  // log, and where the real names are listed. NotFound is taken too, should a proxy remap it.
  if (ctx.method === 'Logs' && (code === Code.UNKNOWN || code === Code.NOT_FOUND)) {
    const unknownLog = /log ("(?:[^"\\]|\\.)*") was not registered/.exec(details);
    if (unknownLog) {
      let id = unknownLog[1]!;
      try {
        id = JSON.stringify(JSON.parse(id) as string);
      } catch {
        // Go's %q escapes are not all JSON ones: keep the quoted text as Talos wrote it.
      }
      const list = `talos-tui services -n ${who}${ctx.insecure ? ' -i' : ''}`;
      return make(code, `${who}${via} has no log ${id}: no Talos service of that name runs there (\`${list}\` lists them; a Kubernetes container's log needs -k)`, details);
    }
  }

  switch (code) {
    case Code.PERMISSION_DENIED:
      if (ctx.insecure) {
        return make(code, `${who} is in maintenance mode: it does not allow ${what} without a client certificate; ${maintenanceAdvice(ctx.method)}`, details);
      }
      return make(code, `${who}${via} refused ${what}: the client certificate of ${contextLabel} has ${rolesAdvice(ctx.roles ?? [])}`, details);
    case Code.UNIMPLEMENTED:
      if (/maintenance mode/i.test(details)) {
        return make(code, `${who} is in maintenance mode (Talos 1.12 or older only offers apply-config, disks and resource reads there): ${what} is not available; ${maintenanceAdvice(ctx.method)}`, details);
      }
      return make(code, `${who}${via} does not implement ${what} (Talos too old, or not a Talos API?)`, details);
    case Code.DEADLINE_EXCEEDED: {
      const secs = ctx.deadlineMs !== undefined ? ` within ${Math.round(ctx.deadlineMs / 100) / 10} s` : ' in time';
      return make(code, `no answer from ${who}${via} to ${what}${secs}`, details);
    }
    case Code.CANCELLED:
      return make(code, `${what} to ${who}${via} was cancelled${/client/i.test(details) ? '' : ` (${detail || 'by the server'})`}`, details);
    case Code.UNAVAILABLE:
    case Code.UNKNOWN:
    case Code.INTERNAL:
      break;
    default:
      return make(code, `${who}${via}: ${what} failed: ${detail || codeName(code)}`, details);
  }

  const target = endpoint ?? who;
  // Raised by our own checkServerIdentity on the real connection (the server swapped its certificate).
  const pinned = /certificate fingerprint of \S+ does not match any --cert-fingerprint: got [A-Za-z0-9+/=]+/.exec(details);
  if (pinned) return make(Code.UNAVAILABLE, pinned[0], details);
  for (const [re, kind] of SERVER_CERT_PATTERNS) {
    if (!re.test(details)) continue;
    if (ctx.insecure) return make(Code.UNAVAILABLE, `the certificate of ${target} changed since it was checked: ${detail}`, details);
    if (kind === 'altname') return make(Code.UNAVAILABLE, `the server certificate of ${target} is not valid for that address (add it to the node's certSANs, or use an endpoint the certificate names): ${detail}`, details);
    if (kind === 'expired') return make(Code.UNAVAILABLE, `the server certificate of ${target} has expired`, details);
    if (kind === 'purpose') return make(Code.UNAVAILABLE, `the certificate of ${target} is not a server certificate (no serverAuth usage)`, details);
    return make(Code.UNAVAILABLE, `the server certificate of ${target} is not signed by the talosconfig CA of ${contextLabel} (wrong cluster, or a node still in maintenance mode: try -i)`, details);
  }
  if (ctx.insecure && CLIENT_CERT_ALERT.test(details)) {
    return make(Code.UNAVAILABLE, `${target} asks for a client certificate: it is configured, not in maintenance mode; drop -i and use the talosconfig`, details);
  }
  const certExpired = ctx.certNotAfter && ctx.certNotAfter.getTime() < (ctx.now ?? new Date()).getTime();
  if (CLIENT_CERT_ALERT.test(details) || (!ctx.insecure && /Failed to connect/i.test(details))) {
    if (certExpired) {
      return make(Code.UNAVAILABLE, `${target} refused the client certificate of ${contextLabel}: it expired on ${fmtDate(ctx.certNotAfter!)}; get a fresh talosconfig (talosctl config new)`, details);
    }
    return make(Code.UNAVAILABLE, `${target} refused the client certificate of ${contextLabel} (expired? from another cluster?)${CLIENT_CERT_ALERT.test(details) ? `: ${detail}` : ''}`, details);
  }
  if (REFUSED.test(details)) {
    // Through an endpoint, apid reports the node it could not dial; without a node, it is the endpoint itself.
    const where = ctx.node && via ? `${who}${via}` : target;
    return make(Code.UNAVAILABLE, `nothing listens on ${where}: connection refused`, details);
  }
  if (UNREACHABLE.test(details)) return make(Code.UNAVAILABLE, `cannot reach ${ctx.node && via ? `${who}${via}` : target}: ${detail}`, details);
  if (RESET.test(details)) return make(Code.UNAVAILABLE, `the connection to ${target} dropped: ${detail}`, details);
  if (code === Code.UNAVAILABLE) return make(code, `${who}${via} is unavailable: ${detail || 'no reason given'}`, details);
  return make(code, `${who}${via}: ${what} failed (${codeName(code)}): ${detail || 'no reason given'}`, details);
}
