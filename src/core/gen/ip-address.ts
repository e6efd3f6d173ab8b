// IP addresses in text form to the bytes an X.509 IP subject alternative name holds (pure; no node:net in core).

/**
 * The 4 (IPv4) or 16 (IPv6) bytes of an address in text form, as Go's net.ParseIP + To4 give them
 * (what a certificate's IP SAN holds). Throws on anything else.
 */
export function ipAddressBytes(text: string): Buffer {
  const v4 = (s: string): number[] | null => {
    const parts = s.split('.');
    if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return null;
    return parts.map(Number);
  };
  const four = v4(text);
  if (four) return Buffer.from(four);
  const halves = text.split('::');
  const groups = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    const parts = h.split(':');
    for (const [i, p] of parts.entries()) {
      const tail = i === parts.length - 1 ? v4(p) : null;
      if (tail) out.push((tail[0]! << 8) | tail[1]!, (tail[2]! << 8) | tail[3]!);
      else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if (halves.length > 2 || !head || !rest) throw new Error(`"${text}" is not an IP address`);
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 2 && missing < 1) || (halves.length === 1 && missing !== 0)) throw new Error(`"${text}" is not an IP address`);
  const all = [...head, ...Array<number>(missing).fill(0), ...rest];
  const bytes = Buffer.from(all.flatMap((g) => [g >> 8, g & 0xff]));
  // An IPv4-mapped address (::ffff:a.b.c.d) is an IPv4 address to Go (To4).
  const mapped = bytes.subarray(0, 12).equals(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]));
  return mapped ? Buffer.from(bytes.subarray(12)) : bytes;
}
