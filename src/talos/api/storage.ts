// storage.StorageService: the node's block devices (works in maintenance mode too).
import { StorageService, type Disk } from '../proto/gen/storage/storage_pb.js';
import { singleEntry } from '../replies.js';
import type { CallOptions, NodeTarget } from '../target.js';

export type { Disk };
export { Disk_DiskType as DiskType } from '../proto/gen/storage/storage_pb.js';

export async function disks(t: NodeTarget, opts?: CallOptions): Promise<Disk[]> {
  return singleEntry(await t.unary(StorageService.method.disks, {}, opts), t.node, 'Disks')?.disks ?? [];
}
