// Placeholder until the etcd command lands: says so plainly, exit 1.
import type { Command } from './types.js';

export const command: Command = {
  name: 'etcd',
  summary: 'etcd (not built yet)',
  usage: 'talos-tui etcd',
  async run(_argv, io) {
    io.stderr.write('talos-tui etcd: not built yet\n');
    return 1;
  },
};
