// Placeholder until the discover command lands: says so plainly, exit 1.
import type { Command } from './types.js';

export const command: Command = {
  name: 'discover',
  summary: 'discover (not built yet)',
  usage: 'talos-tui discover',
  async run(_argv, io) {
    io.stderr.write('talos-tui discover: not built yet\n');
    return 1;
  },
};
