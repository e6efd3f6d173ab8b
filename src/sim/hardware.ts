// The fake hardware of one node: network links (with distinct locally administered MACs, a bond on some
// nodes, a cable pulled on others) and disks. It never changes across reboots or a move to a new address,
// which is how discovery recognises a machine by MAC.
import type { Rng } from './rng.js';

export type LinkLayout = 'single' | 'bond' | 'spare-down' | 'two-up';

export interface LinkInfo {
  name: string;
  index: number;
  type: 'ether' | 'loopback';
  /** '' for physical links. */
  kind: '' | 'bond';
  /** '' unless enslaved. */
  slaveKind: '' | 'bond';
  masterIndex?: number;
  hardwareAddr: string;
  /** '' for virtual links (bond, lo). */
  permanentAddr: string;
  operationalState: 'up' | 'down' | 'unknown';
  linkState: boolean;
  mtu: number;
  busPath?: string;
  driver?: string;
  speedMbit?: number;
}

export type DiskType = 'SSD' | 'HDD' | 'NVME' | 'CD';

export interface DiskInfo {
  name: string;
  size: number;
  model: string;
  serial: string;
  type: DiskType;
  busPath: string;
  subsystem: string;
  transport: string;
  readonly: boolean;
  modalias: string;
  wwid: string;
}

export interface Hardware {
  links: LinkInfo[];
  disks: DiskInfo[];
  /** Every physical MAC (permanent addresses), in link order. */
  macs: string[];
}

function hex2(n: number): string {
  return (n & 0xff).toString(16).padStart(2, '0');
}

/** 02:54:00:00:NN:5x — locally administered, distinct per node (NN) and per link (x). */
export function macFor(nodeByte: number, linkIndex: number): string {
  return `02:54:00:00:${hex2(nodeByte)}:${hex2(0x51 + linkIndex)}`;
}

export function buildHardware(opts: { nodeByte: number; layout: LinkLayout; maintenance: boolean; rng: Rng }): Hardware {
  const { nodeByte, layout, rng } = opts;
  const lo: LinkInfo = {
    name: 'lo',
    index: 1,
    type: 'loopback',
    kind: '',
    slaveKind: '',
    hardwareAddr: '00:00:00:00:00:00',
    permanentAddr: '',
    operationalState: 'unknown',
    linkState: false,
    mtu: 65536,
  };
  const physical = (i: number, up: boolean): LinkInfo => ({
    name: `eth${i}`,
    index: 2 + i,
    type: 'ether',
    kind: '',
    slaveKind: '',
    hardwareAddr: macFor(nodeByte, i),
    permanentAddr: macFor(nodeByte, i),
    operationalState: up ? 'up' : 'down',
    linkState: up,
    mtu: 1500,
    busPath: `0000:00:${hex2(3 + i)}.0`,
    driver: 'virtio_net',
    speedMbit: up ? 10000 : undefined,
  });

  const links: LinkInfo[] = [lo];
  switch (layout) {
    case 'single':
      links.push(physical(0, true));
      break;
    case 'spare-down':
      links.push(physical(0, true), physical(1, false));
      break;
    case 'two-up':
      links.push(physical(0, true), physical(1, true));
      break;
    case 'bond': {
      // active-backup bond: the bond borrows eth0's MAC and imposes it on every slave, so eth1's
      // hardwareAddr is eth0's while its permanentAddr stays its own.
      const eth0 = physical(0, true);
      const eth1 = physical(1, true);
      const bond: LinkInfo = {
        name: 'bond0',
        index: 4,
        type: 'ether',
        kind: 'bond',
        slaveKind: '',
        hardwareAddr: eth0.permanentAddr,
        permanentAddr: '',
        operationalState: 'up',
        linkState: true,
        mtu: 1500,
        speedMbit: 10000,
      };
      for (const slave of [eth0, eth1]) {
        slave.slaveKind = 'bond';
        slave.masterIndex = bond.index;
        slave.hardwareAddr = bond.hardwareAddr;
      }
      links.push(eth0, eth1, bond);
      break;
    }
  }

  const gib = 1024 ** 3;
  const disks: DiskInfo[] = [
    {
      name: 'sda',
      size: (32 + rng.int(6) * 16) * gib,
      model: 'QEMU HARDDISK',
      serial: `QM000${String(nodeByte).padStart(2, '0')}`,
      type: 'HDD',
      busPath: '/pci0000:00/0000:00:05.0/virtio2/host2/target2:0:0/2:0:0:0',
      subsystem: '/sys/class/block',
      transport: 'virtio',
      readonly: false,
      modalias: 'scsi:t-0x00',
      wwid: '',
    },
  ];
  if (rng.int(2) === 0) {
    disks.push({
      name: 'nvme0n1',
      size: (64 + rng.int(4) * 64) * gib,
      model: 'QEMU NVMe Ctrl',
      serial: `deadbeef${hex2(nodeByte)}`,
      type: 'NVME',
      busPath: '/pci0000:00/0000:00:06.0/nvme',
      subsystem: '/sys/class/block',
      transport: 'nvme',
      readonly: false,
      modalias: '',
      wwid: `nvme.1b36-6465616462656566${hex2(nodeByte)}-51454d55204e564d65204374726c-00000001`,
    });
  }
  if (opts.maintenance) {
    // Booted from the ISO: the virtual CD drive is still there.
    disks.push({
      name: 'sr0',
      size: 310 * 1024 * 1024,
      model: 'QEMU DVD-ROM',
      serial: 'QM00003',
      type: 'CD',
      busPath: '/pci0000:00/0000:00:01.1/ata2/host1/target1:0:0/1:0:0:0',
      subsystem: '/sys/class/block',
      transport: 'ata',
      readonly: true,
      modalias: 'scsi:t-0x05',
      wwid: '',
    });
  }

  return { links, disks, macs: links.filter((l) => l.type === 'ether' && l.kind === '').map((l) => l.permanentAddr) };
}

/** The link that carries the node's address: the bond when there is one, else the first physical link. */
export function primaryLink(links: LinkInfo[]): LinkInfo {
  return links.find((l) => l.kind === 'bond') ?? links.find((l) => l.type === 'ether')!;
}
