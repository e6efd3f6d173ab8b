// etcd's snapshot integrity trailer: the Snapshot API appends the SHA-256 of the database, and
// etcdutl's restore tells a snapshot that has one by its size (hasChecksum: size % 512 == 32, 512
// being the smallest disk sector). A copy of the data directory's db (pages of 4 KiB) has none.
export const SNAPSHOT_SHA256_BYTES = 32;

export function hasHashTrailer(size: number): boolean {
  return size % 512 === SNAPSHOT_SHA256_BYTES;
}
