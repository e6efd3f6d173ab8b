// `talos-tui dmesg -n IP[,IP] [--tail N] [-f]`: the kernel ring as Talos formats it; several nodes
// prefix their lines "node: ". --tail N keeps the last N records (the wire has no count for dmesg,
// so the ring is read and cut here). -f follows through drops and reboots until Ctrl+C (exit 0).
import { logStreamOptions, runStream } from './logs.js';
import { parseCommandLine, UsageError } from '../args.js';
import type { Command } from './types.js';

export const command: Command = {
  name: 'dmesg',
  summary: 'print (or follow with -f) the kernel messages of the nodes',
  usage: 'talos-tui dmesg -n IP[,IP] [--tail N] [-f] [-i] [--talosconfig FILE] [--context NAME] [-e IP]',
  async run(argv, io) {
    const { values, positionals } = parseCommandLine('dmesg', argv, logStreamOptions);
    if (positionals.length > 0) throw new UsageError(`dmesg: takes no arguments, got "${positionals.join(' ')}" (nodes go in -n)`);
    return runStream('dmesg', values, { kind: 'dmesg' }, io);
  },
};
