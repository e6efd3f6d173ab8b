// Endpoint strings as talosconfig and -e/--endpoints give them: `ip`, `ip:port`, `host`, `[v6]:port`,
// a bare IPv6 address, or a URL (`https://10.0.0.2:50000`, older talosconfigs). Normalised to the
// `host:port` form grpc-js dials (IPv6 in brackets), with Talos's apid port as the default.
import { isIPv4, isIPv6 } from 'node:net';

export const TALOS_API_PORT = 50000;

export interface Endpoint {
  /** Host or IP without brackets. */
  host: string;
  port: number;
  /** `host:port`, IPv6 in brackets: the grpc-js target and the label shown to users. */
  address: string;
}

/** Parse one endpoint; throws an Error naming the input when it is not a usable address. */
export function parseEndpoint(input: string, defaultPort = TALOS_API_PORT): Endpoint {
  let text = input.trim();
  // Older talosconfigs and `talosctl config endpoint` accept URLs: keep only the authority.
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(text);
  if (url) text = url[1];
  if (text === '') throw new Error(`endpoint "${input}" is empty`);

  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw new Error(`endpoint "${input}" has an unclosed "["`);
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) throw new Error(`endpoint "${input}" has text after "]" that is not ":port"`);
    portText = rest === '' ? undefined : rest.slice(1);
  } else if (isIPv6(text)) {
    host = text; // bare IPv6: every colon belongs to the address, so there is no port
  } else {
    const colon = text.lastIndexOf(':');
    if (colon >= 0 && text.indexOf(':') !== colon) throw new Error(`endpoint "${input}" is not an address: write IPv6 as [addr]:port`);
    host = colon >= 0 ? text.slice(0, colon) : text;
    portText = colon >= 0 ? text.slice(colon + 1) : undefined;
  }
  if (host === '' || /[\s/]/.test(host)) throw new Error(`endpoint "${input}" has no usable host`);
  const bad = hostProblem(host);
  if (bad) throw new Error(`endpoint "${input}" ${bad}`);
  let port = defaultPort;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new Error(`endpoint "${input}" has a bad port "${portText}"`);
    }
    port = Number(portText);
  }
  return { host, port, address: formatAddress(host, port) };
}

// RFC 1123 labels (underscores tolerated, as resolvers do), at most 253 characters in all.
const HOST_NAME = /^(?=.{1,253}\.?$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i;

/**
 * Why `host` is neither an IP address nor a host name, or null. Digits and dots only must be a valid
 * IPv4 address: "10.0.0.300" or "10.0.1" would otherwise go to the system's DNS resolver.
 */
function hostProblem(host: string): string | null {
  if (isIPv4(host) || isIPv6(host)) return null;
  if (/^[\d.]+$/.test(host)) return 'is not a valid IPv4 address';
  if (host.includes(':')) return 'is not a valid IPv6 address';
  if (!HOST_NAME.test(host) || /\.\d+\.?$/.test(host)) return 'is neither an IP address nor a host name';
  return null;
}

export function formatAddress(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The host part of an address or node string, for `node` metadata and messages. */
export function hostOf(addressOrNode: string): string {
  try {
    return parseEndpoint(addressOrNode).host;
  } catch {
    return addressOrNode;
  }
}
