// Placeholder until the dmesg command lands: says so plainly, exit 1.
import type { Command } from './types.js';

export const command: Command = {
  name: 'dmesg',
  summary: 'dmesg (not built yet)',
  usage: 'talos-tui dmesg',
  async run(_argv, io) {
    io.stderr.write('talos-tui dmesg: not built yet\n');
    return 1;
  },
};
