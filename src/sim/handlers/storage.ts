// storage.StorageService/Disks: the machine's block devices as Talos's legacy disks API lists them.
import { Disk_DiskType as DiskType, type StorageService } from '../../talos/proto/gen/storage/storage_pb.js';
import type { SimHandlers } from './types.js';

export const storageHandlers: SimHandlers<typeof StorageService> = {
  async disks(_req, { machine }) {
    const installed = machine.mode === 'configured';
    return {
      messages: [
        {
          disks: machine.hardware.disks.map((d) => ({
            size: BigInt(d.size),
            model: d.model,
            deviceName: `/dev/${d.name}`,
            name: d.name,
            serial: d.serial,
            modalias: d.modalias,
            wwid: d.wwid,
            type: DiskType[d.type],
            busPath: d.busPath,
            // Talos marks the disk it is installed on; a maintenance node runs from the ISO.
            systemDisk: installed && d.name === 'sda',
            subsystem: d.subsystem,
            readonly: d.readonly,
          })),
        },
      ],
    };
  },
};
