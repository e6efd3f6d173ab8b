// `talos-tui services -n IP[,IP] [--json]`: the Talos services of each node, like `talosctl services`
// (NODE SERVICE STATE HEALTH LAST CHANGE LAST EVENT). A node that fails is reported on stderr (and
// in the JSON) while the others are still listed; any failure makes the exit code 1.
import { buildServiceRows, healthOf, timestampMs } from '../../core/services.js';
import { machine, type TalosSession } from '../../talos/index.js';
import type { ServiceInfo } from '../../talos/api/machine.js';
import { connectionOptions, parseCommandLine, UsageError } from '../args.js';
import { requireNodes, sessionFromFlags } from '../connection.js';
import { formatTable, namingNode, toJson } from '../output.js';
import type { Command } from './types.js';

const options = { ...connectionOptions, json: { type: 'boolean' } } as const;

function isoOrNull(ts: { seconds: bigint; nanos: number } | undefined): string | null {
  const ms = timestampMs(ts);
  return ms === undefined ? null : new Date(ms).toISOString();
}

/** The JSON shape of one service: plain strings and ISO times, no protobuf internals. */
export function serviceJson(s: ServiceInfo) {
  return {
    id: s.id,
    state: s.state,
    health: healthOf(s),
    healthMessage: s.health?.lastMessage ?? '',
    healthChanged: isoOrNull(s.health?.lastChange),
    events: (s.events?.events ?? []).map((e) => ({ state: e.state, msg: e.msg, ts: isoOrNull(e.ts) })),
  };
}

export async function listServices(session: TalosSession, nodes: string[]) {
  return session.forNodes(nodes, (t) => machine.serviceList(t));
}

export const command: Command = {
  name: 'services',
  summary: 'list the Talos services of each node (state, health, last event)',
  usage: 'talos-tui services -n IP[,IP] [--json] [--talosconfig FILE] [--context NAME] [-e IP]',
  async run(argv, io) {
    const { values, positionals } = parseCommandLine('services', argv, options);
    if (positionals.length > 0) throw new UsageError(`services: unexpected argument "${positionals[0]}" (name nodes with -n)`);
    const nodes = requireNodes('services', values);
    const session = sessionFromFlags(values, io.env);
    try {
      const results = await listServices(session, nodes);
      const failed = results.filter((r) => !r.ok);
      if (values.json) {
        io.stdout.write(
          toJson({
            nodes: results.map((r) => (r.ok ? { node: r.node, services: r.value.map(serviceJson) } : { node: r.node, error: r.error.message })),
          }),
        );
      } else if (results.some((r) => r.ok)) {
        // When no node answered there is no table at all: the errors on stderr say why.
        const rows = buildServiceRows(
          results.flatMap((r) => (r.ok ? [{ node: r.node, services: r.value }] : [])),
          Date.now(),
        );
        io.stdout.write(
          formatTable(
            ['NODE', 'SERVICE', 'STATE', 'HEALTH', 'LAST CHANGE', 'LAST EVENT'],
            rows.map((r) => [r.node, r.id, r.state, r.health, r.healthChanged, r.lastEvent]),
          ),
        );
      }
      for (const f of failed) if (!f.ok) io.stderr.write(`talos-tui services: ${namingNode(f.node, f.error.message)}\n`);
      return failed.length > 0 ? 1 : 0;
    } finally {
      session.close();
    }
  },
};
