// Scan targets for discovery: CIDRs, single IPs, ranges and explicit ip:port endpoints.
//
// Targets are kept as merged [start, end] uint32 intervals, never as an address list, so a /16
// (or, with force, a /8) costs a few numbers. Accepted forms, all IPv4 and strictly decimal:
//   127.0.10.0/24        CIDR. For prefixes shorter than /31 the network and broadcast addresses
//                        are left out (a /24 is 254 hosts, as nmap and `nc` loops count them);
//                        /31 and /32 keep every address (RFC 3021). Host bits are allowed and
//                        ignored (127.0.10.11/24 means 127.0.10.0/24), so an inventory address
//                        can be pasted as it is.
//   127.0.10.7           one address.
//   127.0.10.10-127.0.10.40   an inclusive range.
//   127.0.10.10-40       short range: the end replaces only the last octet. It is unambiguous
//                        because the part after the dash has no dot.
//   127.0.0.1:50001      one address on its own port (for hosts where fake nodes share one IP,
//                        e.g. macOS without the 127/8 route). Kept apart from the intervals.
// Several targets may also be given in one string, separated by commas or spaces.

export const MAX_HOSTS_WITHOUT_FORCE = 65_536;

export class TargetError extends Error {
  constructor(
    readonly target: string,
    reason: string,
  ) {
    super(target === '' ? reason : `${target}: ${reason}`);
    this.name = 'TargetError';
  }
}

/** Inclusive interval of addresses as unsigned 32-bit integers. */
export type Interval = readonly [start: number, end: number];

export interface Endpoint {
  readonly ip: number;
  readonly port: number;
}

export interface TargetSet {
  /** Sorted, non-overlapping, non-adjacent intervals. */
  readonly intervals: readonly Interval[];
  /** Addresses covered by the intervals. */
  readonly hostCount: number;
  /** ip:port targets, sorted by address then port, without duplicates. */
  readonly endpoints: readonly Endpoint[];
}

export interface ParseTargetsOptions {
  /** Allow more than MAX_HOSTS_WITHOUT_FORCE hosts (the CLI's --force). */
  force?: boolean;
}

const OCTET = /^(0|[1-9][0-9]{0,2})$/;

/** Parses a dotted-quad IPv4 address; returns null when it is not one (no leading zeros). */
export function tryParseIp(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

export function ipToInt(ip: string): number {
  const value = tryParseIp(ip);
  if (value === null) throw new TargetError(ip, 'not an IPv4 address');
  return value;
}

export function intToIp(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`${value} is not an IPv4 address as an unsigned 32-bit integer`);
  }
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** Numeric order for IPv4 strings (for sort); non-IPv4 strings sort after, as text. */
export function compareIp(a: string, b: string): number {
  const x = tryParseIp(a);
  const y = tryParseIp(b);
  if (x !== null && y !== null) return x - y;
  if (x !== null) return -1;
  if (y !== null) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function explainBadIp(target: string, text: string): never {
  if (/^[0-9.]+:[0-9]*$/.test(text)) {
    throw new TargetError(target, 'a port is only allowed on a single address (ip:port)');
  }
  if (text.includes(':')) throw new TargetError(target, 'IPv6 addresses are not supported');
  if (/^[0-9.]+$/.test(text)) {
    const parts = text.split('.');
    if (parts.length !== 4) throw new TargetError(target, `"${text}" needs four dot-separated numbers`);
    const bad = parts.find((p) => !OCTET.test(p) || Number(p) > 255);
    if (bad !== undefined && /^0[0-9]/.test(bad)) {
      throw new TargetError(target, `octet "${bad}" has a leading zero (write it in plain decimal)`);
    }
    throw new TargetError(target, `octet "${bad}" must be 0-255`);
  }
  throw new TargetError(target, `"${text}" is not an IPv4 address (expected a.b.c.d)`);
}

function parseIpIn(target: string, text: string): number {
  const value = tryParseIp(text);
  return value === null ? explainBadIp(target, text) : value;
}

type Parsed = { kind: 'interval'; start: number; end: number } | { kind: 'endpoint'; ip: number; port: number };

function parseCidr(target: string): Parsed {
  const slash = target.indexOf('/');
  const base = parseIpIn(target, target.slice(0, slash));
  const prefixText = target.slice(slash + 1);
  if (!/^[0-9]{1,2}$/.test(prefixText) || Number(prefixText) > 32) {
    throw new TargetError(target, 'prefix length must be 0-32');
  }
  const prefix = Number(prefixText);
  const size = 2 ** (32 - prefix);
  const network = base - (base % size);
  const last = network + size - 1;
  // Network and broadcast addresses answer no host; /31 and /32 have neither.
  return prefix >= 31
    ? { kind: 'interval', start: network, end: last }
    : { kind: 'interval', start: network + 1, end: last - 1 };
}

function parseRange(target: string): Parsed {
  const dash = target.indexOf('-');
  const startText = target.slice(0, dash);
  const endText = target.slice(dash + 1);
  const start = parseIpIn(target, startText);
  let end: number;
  if (endText.includes('.')) {
    end = parseIpIn(target, endText);
  } else {
    if (!OCTET.test(endText) || Number(endText) > 255) {
      throw new TargetError(target, `range end "${endText}" must be an IPv4 address or a last octet 0-255`);
    }
    end = start - (start % 256) + Number(endText);
  }
  if (end < start) throw new TargetError(target, 'range start is after its end');
  return { kind: 'interval', start, end };
}

function parseEndpoint(target: string): Parsed {
  const colon = target.lastIndexOf(':');
  const ip = parseIpIn(target, target.slice(0, colon));
  const portText = target.slice(colon + 1);
  if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    throw new TargetError(target, 'port must be 1-65535');
  }
  return { kind: 'endpoint', ip, port: Number(portText) };
}

function parseOne(target: string): Parsed {
  if (target.includes('/')) return parseCidr(target);
  if (target.includes('-')) return parseRange(target);
  // Exactly one colon after a dotted quad is ip:port; more colons is IPv6, rejected by parseIpIn.
  if (target.split(':').length === 2 && target.includes('.')) return parseEndpoint(target);
  const ip = parseIpIn(target, target);
  return { kind: 'interval', start: ip, end: ip };
}

function mergeIntervals(raw: Array<[number, number]>): Interval[] {
  raw.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of raw) {
    const last = merged[merged.length - 1];
    if (last !== undefined && start <= last[1] + 1) {
      if (end > last[1]) last[1] = end;
    } else {
      merged.push([start, end]);
    }
  }
  return merged;
}

/** Splits CLI arguments into single target strings (commas and whitespace separate). */
export function splitTargets(specs: readonly string[]): string[] {
  return specs.flatMap((spec) => spec.split(/[\s,]+/)).filter((t) => t !== '');
}

/**
 * Parses every target; throws TargetError naming the first bad one, or the largest one when the
 * total exceeds MAX_HOSTS_WITHOUT_FORCE without options.force. Nothing partial is returned.
 */
export function parseTargets(specs: readonly string[], options: ParseTargetsOptions = {}): TargetSet {
  const targets = splitTargets(specs);
  if (targets.length === 0) throw new TargetError('', 'no scan target given (expected a CIDR, an IP or a range)');
  const raw: Array<[number, number]> = [];
  const endpointKeys = new Map<number, Endpoint>();
  let largest = { target: '', size: 0 };
  for (const target of targets) {
    const parsed = parseOne(target);
    if (parsed.kind === 'endpoint') {
      endpointKeys.set(parsed.ip * 65536 + parsed.port, { ip: parsed.ip, port: parsed.port });
      continue;
    }
    raw.push([parsed.start, parsed.end]);
    const size = parsed.end - parsed.start + 1;
    if (size > largest.size) largest = { target, size };
  }
  const intervals = mergeIntervals(raw);
  const hostCount = intervals.reduce((sum, [s, e]) => sum + (e - s + 1), 0);
  const endpoints = [...endpointKeys.values()].sort((a, b) => a.ip - b.ip || a.port - b.port);
  const total = hostCount + endpoints.length;
  if (total > MAX_HOSTS_WITHOUT_FORCE && !options.force) {
    const limit = `more than the limit of ${MAX_HOSTS_WITHOUT_FORCE} (a /16)`;
    if (largest.size > MAX_HOSTS_WITHOUT_FORCE) {
      throw new TargetError(largest.target, `${largest.size} hosts is ${limit}; pass --force to scan it anyway`);
    }
    throw new TargetError('', `the targets cover ${total} hosts together, ${limit}; pass --force to scan them anyway`);
  }
  return { intervals, hostCount, endpoints };
}

/** True when the address lies in one of the intervals (binary search). */
export function containsIp(set: Pick<TargetSet, 'intervals'>, ip: number): boolean {
  const list = set.intervals;
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const [start, end] = list[mid];
    if (ip < start) hi = mid - 1;
    else if (ip > end) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Every address of the intervals, ascending. Endpoints are not included. */
export function* addresses(set: Pick<TargetSet, 'intervals'>): Generator<number> {
  for (const [start, end] of set.intervals) {
    for (let ip = start; ip <= end; ip++) yield ip;
  }
}

/** Endpoints not already probed by scanning the intervals on `port`. */
export function extraEndpoints(set: TargetSet, port: number): Endpoint[] {
  return set.endpoints.filter((e) => e.port !== port || !containsIp(set, e.ip));
}

/** Connection attempts a scan of `set` on `port` makes. */
export function probeCount(set: TargetSet, port: number): number {
  return set.hostCount + extraEndpoints(set, port).length;
}

/** Short human description, e.g. "254 hosts in 1 range + 2 endpoints". */
export function describeTargets(set: TargetSet): string {
  const ranges = `${set.hostCount} host${set.hostCount === 1 ? '' : 's'} in ${set.intervals.length} range${set.intervals.length === 1 ? '' : 's'}`;
  return set.endpoints.length === 0 ? ranges : `${ranges} + ${set.endpoints.length} endpoint${set.endpoints.length === 1 ? '' : 's'}`;
}
