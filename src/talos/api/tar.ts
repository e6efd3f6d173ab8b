// Just enough of a tar reader for Talos's kubeconfig archive (Go archive/tar output): ustar
// headers, GNU long names and pax `path` records. Regular files only; no links, no sparse files.

export interface TarEntry {
  name: string;
  /** '0' regular file, '5' directory, ... (the raw typeflag; NUL is reported as '0'). */
  type: string;
  data: Uint8Array;
}

const BLOCK = 512;

function cString(buf: Uint8Array, start: number, length: number): string {
  const field = buf.subarray(start, start + length);
  const end = field.indexOf(0);
  return Buffer.from(end >= 0 ? field.subarray(0, end) : field).toString('utf8');
}

function octal(buf: Uint8Array, start: number, length: number, what: string): number {
  const text = cString(buf, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new Error(`tar archive has a bad ${what} field "${text}"`);
  return parseInt(text, 8);
}

function paxPath(data: Uint8Array): string | undefined {
  // Records are "<len> <key>=<value>\n".
  const text = Buffer.from(data).toString('utf8');
  for (const line of text.split('\n')) {
    const m = /^\d+ path=(.*)$/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

export function readTar(archive: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break; // end-of-archive marker
    const stored = octal(header, 148, 8, 'checksum');
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
    if (sum !== stored) throw new Error(`tar archive header at byte ${offset} has a bad checksum`);
    const size = octal(header, 124, 12, 'size');
    const type = String.fromCharCode(header[156] || 0x30);
    const prefix = cString(header, 345, 155);
    const start = offset + BLOCK;
    if (start + size > archive.length) throw new Error('tar archive is truncated');
    const data = archive.subarray(start, start + size);
    offset = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') {
      longName = cString(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (type === 'g') continue;
    const name = longName ?? (prefix ? `${prefix}/${cString(header, 0, 100)}` : cString(header, 0, 100));
    longName = undefined;
    entries.push({ name, type, data });
  }
  return entries;
}
