// Placeholder until the sim command lands: says so plainly, exit 1.
import type { Command } from './types.js';

export const command: Command = {
  name: 'sim',
  summary: 'sim (not built yet)',
  usage: 'talos-tui sim',
  async run(_argv, io) {
    io.stderr.write('talos-tui sim: not built yet\n');
    return 1;
  },
};
