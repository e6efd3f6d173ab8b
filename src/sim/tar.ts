// A minimal ustar writer + gzip: Talos wraps the kubeconfig it streams in a .tar.gz holding one file.
import { gzipSync } from 'node:zlib';

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** One regular file in a tar archive (header, content padded to 512 bytes, two zero end blocks). */
export function tarFile(name: string, content: Buffer, opts: { mode?: number; mtime?: Date } = {}): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write(octal(opts.mode ?? 0o600, 8), 100, 'ascii');
  header.write(octal(0, 8), 108, 'ascii'); // uid
  header.write(octal(0, 8), 116, 'ascii'); // gid
  header.write(octal(content.length, 12), 124, 'ascii');
  header.write(octal(Math.floor((opts.mtime ?? new Date()).getTime() / 1000), 12), 136, 'ascii');
  header.write('        ', 148, 'ascii'); // checksum is computed with this field as spaces
  header.write('0', 156, 'ascii'); // regular file
  header.write('ustar\0', 257, 'ascii');
  header.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(octal(sum, 7) + ' ', 148, 'ascii');
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}

export function tarGzFile(name: string, content: Buffer): Buffer {
  return gzipSync(tarFile(name, content));
}
