// Placeholder until the services command lands: says so plainly, exit 1.
import type { Command } from './types.js';

export const command: Command = {
  name: 'services',
  summary: 'services (not built yet)',
  usage: 'talos-tui services',
  async run(_argv, io) {
    io.stderr.write('talos-tui services: not built yet\n');
    return 1;
  },
};
