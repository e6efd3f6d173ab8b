// Address syntax as Go's net/netip parses it (ParseAddr / ParsePrefix): IPv4 dotted quads without
// leading zeros, IPv6 with `::` and an optional trailing dotted quad; no zones in prefixes.
import type { Family } from './model.js';

function parseIPv4(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

function parseIPv6(s: string): boolean {
  if (s.includes('%')) return false;
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const all = [...head, ...tail];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i]!;
    if (i === all.length - 1 && g.includes('.')) {
      if (!parseIPv4(g)) return false;
      count += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) {
      count += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? count <= 7 : count === 8;
}

/** The family of an IP address, or null when it is not one. */
export function ipFamily(s: string): Family | null {
  if (parseIPv4(s)) return 'inet4';
  if (parseIPv6(s)) return 'inet6';
  return null;
}

/** The family of an `address/bits` prefix, or a reason it is not one. */
export function prefixFamily(s: string): { family: Family } | { error: string } {
  const slash = s.lastIndexOf('/');
  if (slash < 0) return { error: `"${s}" is not in CIDR form (address/bits, e.g. 10.0.0.5/24)` };
  const ip = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  const family = ipFamily(ip);
  if (!family) return { error: `"${s}" is not in CIDR form: "${ip}" is not an IP address` };
  const max = family === 'inet4' ? 32 : 128;
  if (!/^(0|[1-9]\d*)$/.test(bits) || Number(bits) > max) return { error: `"${s}" has prefix length "${bits}": an ${family === 'inet4' ? 'IPv4' : 'IPv6'} prefix takes 0-${max}` };
  return { family };
}

/** RFC 1123 host name label: 1-63 of a-z 0-9 -, not starting or ending with a hyphen. */
export function isDnsLabel(s: string): boolean {
  return /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/.test(s);
}

/** RFC 1123 domain name: dot-separated labels, at most 253 characters (a trailing dot allowed). */
export function isDnsName(s: string): boolean {
  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  return name.length > 0 && name.length <= 253 && name.split('.').every(isDnsLabel);
}
