// `talos-tui sim`: run the Talos API simulator in the foreground until SIGINT/SIGTERM, with a node table
// and a talosconfig for its configured nodes (kept up to date as maintenance nodes get configured).
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { intFlag, parseCommandLine, UsageError } from '../args.js';
import type { Command } from './types.js';

const options = {
  nodes: { type: 'string' },
  maintenance: { type: 'string' },
  listen: { type: 'string' },
  port: { type: 'string' },
  'talosconfig-out': { type: 'string' },
  'reboot-ms': { type: 'string' },
  seed: { type: 'string' },
} as const;

/** Each kind; more /24s than that is not what a laptop's loopback is for. */
const MAX_NODES = 1000;

const LOOPBACK = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function isLoopback(ip: string): boolean {
  const m = LOOPBACK.exec(ip);
  return m !== null && m.slice(1).every((o) => Number(o) <= 255);
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

export const command: Command = {
  name: 'sim',
  summary: 'run the Talos API simulator (fake nodes on loopback) in the foreground',
  usage:
    'talos-tui sim [--nodes N] [--maintenance M] [--listen 127.0.10.1] [--port 50000] [--talosconfig-out FILE] [--reboot-ms 3000] [--seed N]\n' +
    '  Configured nodes take .11-.99 of the --listen /24 and maintenance nodes .101-.254, then the next /24s\n' +
    '  (up to 1000 of each); where only 127.0.0.1 is on loopback (macOS) every node gets 127.0.0.1 and its own port.\n' +
    '  Without --talosconfig-out the talosconfig goes to a temporary file removed on exit.',
  async run(argv, io) {
    const { values, positionals } = parseCommandLine('sim', argv, options);
    if (positionals.length > 0) throw new UsageError(`sim: unexpected argument "${positionals[0]}"`);
    const listen = values.listen ?? '127.0.10.1';
    if (!isLoopback(listen)) throw new UsageError(`sim: --listen must be a loopback address in 127.0.0.0/8, not "${listen}"`);
    const configured = intFlag('nodes', values.nodes, 3, 0, MAX_NODES);
    const maintenance = intFlag('maintenance', values.maintenance, 2, 0, MAX_NODES);
    const port = intFlag('port', values.port, 50000, 1, 65535);
    const rebootMs = intFlag('reboot-ms', values['reboot-ms'], 3000, 0, 600_000);
    const seed = intFlag('seed', values.seed, 0);
    if (configured + maintenance === 0) throw new UsageError('sim: --nodes and --maintenance cannot both be 0');

    const keep = values['talosconfig-out'] !== undefined;
    const talosconfigPath = path.resolve(values['talosconfig-out'] ?? path.join(tmpdir(), `talos-tui-sim-${process.pid}`, 'talosconfig'));
    const { startSimCluster, writeTalosconfig } = await import('../../sim/index.js');

    let lastTalosconfig = '';
    let writing = Promise.resolve();
    const sim = await startSimCluster({
      configured,
      maintenance,
      listen,
      port,
      rebootMs,
      seed,
      onEvent: (message) => {
        io.stdout.write(`[sim] ${message}\n`);
        // A maintenance node that came back configured belongs in the talosconfig now.
        writing = writing.then(refreshTalosconfig, refreshTalosconfig);
      },
    });
    async function refreshTalosconfig(): Promise<void> {
      const text = sim.talosconfigText;
      if (text === lastTalosconfig) return;
      lastTalosconfig = text;
      await writeTalosconfig(sim, talosconfigPath);
    }

    try {
      await refreshTalosconfig();
      const rows = [['NAME', 'ADDRESS', 'MODE', 'ROLE', 'HOSTNAME', 'MACS', 'CERT FINGERPRINT']];
      for (const n of sim.nodes) {
        rows.push([n.name, n.address, n.mode, n.mode === 'configured' ? n.role : '-', n.hostname, n.macs.join(','), n.mode === 'maintenance' ? n.leafFingerprint : '-']);
      }
      io.stdout.write(table(rows));
      if (sim.onePortPerNode) io.stdout.write('Only 127.0.0.1 is usable here: every node listens on 127.0.0.1 with its own port.\n');
      io.stdout.write(`talosconfig: ${talosconfigPath}${keep ? '' : ' (removed on exit)'}\n`);
      io.stdout.write(`try: talosctl --talosconfig ${talosconfigPath} -n ${sim.nodes[0].address.replace(/:50000$/, '')} version\n`);
      io.stdout.write('Press Ctrl-C to stop.\n');

      const signal = await new Promise<string>((resolve) => {
        const onInt = () => finish('SIGINT');
        const onTerm = () => finish('SIGTERM');
        function finish(name: string) {
          process.off('SIGINT', onInt);
          process.off('SIGTERM', onTerm);
          resolve(name);
        }
        process.on('SIGINT', onInt);
        process.on('SIGTERM', onTerm);
      });
      io.stdout.write(`[sim] ${signal}: stopping\n`);
      return 0;
    } finally {
      await sim.stop();
      await writing.catch(() => undefined);
      if (!keep) await rm(path.dirname(talosconfigPath), { recursive: true, force: true });
    }
  },
};
