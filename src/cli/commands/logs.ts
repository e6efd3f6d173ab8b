// Placeholder until the logs command lands: says so plainly, exit 1.
import type { Command } from './types.js';

export const command: Command = {
  name: 'logs',
  summary: 'logs (not built yet)',
  usage: 'talos-tui logs',
  async run(_argv, io) {
    io.stderr.write('talos-tui logs: not built yet\n');
    return 1;
  },
};
