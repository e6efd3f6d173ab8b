// The simulator's etcd snapshots: what EtcdSnapshot streams and what EtcdRecover + Bootstrap
// (recover_etcd) restore, so that snapshot -> recover round-trips through real files.
// The layout follows what matters of a real one: a bbolt file (4 KiB pages, the meta magic
// 0xED0CDAED at offset 16 of page 0) followed by etcd's integrity trailer, the SHA-256 of the db
// (32 bytes appended by the Snapshot API, so size % 512 == 32; a copy of the data directory's db
// has none). Instead of bbolt buckets, page 0 carries the figures etcdutl's Status would report
// (revision, total keys, total size) as a JSON line after a marker.
import { createHash } from 'node:crypto';
import { hasHashTrailer, SNAPSHOT_SHA256_BYTES as SHA256_BYTES } from '../core/etcd/snapshot-trailer.js';
import type { Rng } from './rng.js';

const PAGE = 4096;
const PAGES = 96;
const BOLT_MAGIC = 0xed0cdaed;
const MARKER = 'talos-tui-sim-etcd ';
const MARKER_OFFSET = 64;

/** What a cluster's etcd holds, as far as anyone can observe it. */
export interface EtcdData {
  revision: number;
  totalKeys: number;
  /** Bytes of the database file (EtcdStatus dbSize), and of it in use. */
  dbSize: number;
  dbSizeInUse: number;
}

/** A snapshot of `data`: the db pages (filled from rng) and the sha256 trailer. */
export function encodeSnapshot(data: EtcdData, rng: Rng): Buffer {
  const db = Buffer.alloc(PAGE * PAGES);
  for (let i = 0; i < db.length; i += 4) db.writeUInt32LE(Math.floor(rng.next() * 2 ** 32) >>> 0, i);
  db.fill(0, 0, PAGE);
  db.writeUInt32LE(BOLT_MAGIC, 16);
  db.writeUInt32LE(2, 20); // bbolt format version
  db.writeUInt32LE(PAGE, 24);
  db.write(`${MARKER}${JSON.stringify(data)}\n`, MARKER_OFFSET, 'utf8');
  return Buffer.concat([db, createHash('sha256').update(db).digest()]);
}

/** Go's fmt %v of a []byte: "[1 2 3]". */
function goBytes(b: Uint8Array): string {
  return `[${Array.from(b).join(' ')}]`;
}

export interface RestoredSnapshot {
  data: EtcdData;
  /** etcdutl Status's hash (here: the first 32 bits of the db's sha256), printed as %08x. */
  hash: number;
}

/**
 * What etcd's snapshot restore does with the uploaded file, with its error texts: the file must be a
 * bolt database ("error verifying snapshot: ..."), and unless skipHashCheck its trailer must be there
 * and match ("error recovering from the snapshot: ..."). Throws Error with Talos's message.
 */
export function restoreSnapshot(file: Buffer | undefined, skipHashCheck: boolean): RestoredSnapshot {
  if (!file) throw new Error('error verifying snapshot: open /var/lib/etcd.snapshot: no such file or directory');
  if (file.length < PAGE || file.readUInt32LE(16) !== BOLT_MAGIC) throw new Error('error verifying snapshot: invalid database');
  const trailer = hasHashTrailer(file.length);
  const db = trailer ? file.subarray(0, file.length - SHA256_BYTES) : file;
  if (!trailer && !skipHashCheck) throw new Error('error recovering from the snapshot: snapshot missing hash but --skip-hash-check=false');
  const sha = createHash('sha256').update(db).digest();
  if (trailer && !skipHashCheck) {
    const expected = file.subarray(file.length - SHA256_BYTES);
    if (!sha.equals(expected)) throw new Error(`error recovering from the snapshot: expected sha256 ${goBytes(expected)}, got ${goBytes(sha)}`);
  }
  const text = db.subarray(MARKER_OFFSET, PAGE).toString('utf8');
  const data = text.startsWith(MARKER) ? parseData(text.slice(MARKER.length, text.indexOf('\n'))) : undefined;
  // A bolt file the simulator did not write: restore it as an etcd with nothing in it.
  return { data: data ?? { revision: 1, totalKeys: 0, dbSize: db.length, dbSizeInUse: db.length }, hash: sha.readUInt32BE(0) };
}

function parseData(json: string): EtcdData | undefined {
  try {
    const d = JSON.parse(json) as Partial<EtcdData>;
    const ok = [d.revision, d.totalKeys, d.dbSize, d.dbSizeInUse].every((n) => Number.isSafeInteger(n) && (n as number) >= 0);
    return ok ? (d as EtcdData) : undefined;
  } catch {
    return undefined;
  }
}
