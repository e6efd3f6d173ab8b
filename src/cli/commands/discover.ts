// `talos-tui discover TARGET...`: scan for Talos API ports, identify what answers, match the
// inventory. Everything given is checked before the first packet: a bad target, flag, inventory or
// --talosconfig is a usage error (exit 2) and nothing is scanned.
//
// Exit codes: 0 when the scan ran, whatever it found (missing, unknown and ambiguous machines are
// results for the caller to judge, listed in the output: `jq '.missing | length'`); 1 when the
// scan itself failed (no socket could be opened); 2 for bad input.
import { parseTargets, TargetError, type TargetSet } from '../../core/targets.js';
import { InventoryError, parseInventory, type Inventory } from '../../core/inventory.js';
import { discover, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_PORT } from '../../ops/discover.js';
import { describeAmbiguity, discoverJson, disksText, stateText, summaryText, type DiscoverJson } from '../../ops/discover-report.js';
import { resolveTalosconfigPath, type TalosSession } from '../../talos/index.js';
import { formatTable, toJson } from '../output.js';
import { CommandError, intFlag, parseCommandLine, UsageError } from '../args.js';
import { readInputFile } from '../render-config.js';
import { sessionFromFlags } from '../connection.js';
import type { Command, CommandIO } from './types.js';

const options = {
  port: { type: 'string' },
  'timeout-ms': { type: 'string' },
  concurrency: { type: 'string' },
  inventory: { type: 'string' },
  json: { type: 'boolean' },
  force: { type: 'boolean' },
  talosconfig: { type: 'string' },
  context: { type: 'string' },
} as const;

const usage = `talos-tui discover TARGET... [--port 50000] [--timeout-ms 1000] [--concurrency N]
                   [--inventory FILE] [--json] [--force] [--talosconfig FILE] [--context NAME]

  TARGET   a CIDR (10.0.0.0/24), an IP, a range (10.0.0.10-10.0.0.40 or 10.0.0.10-40), or ip:port;
           several at once, also comma-separated. More than a /16 in total needs --force.
  --timeout-ms   TCP connect timeout per host; identifying an open port gets 3x (at least 3 s).
  --concurrency  connects in flight (default up to 1024, below the open-file limit).
  --inventory    the expected machines (YAML, see DESIGN.md): matched by MAC, count order only
                 when it lists no MACs and the counts are equal.
  --json         one object: {scanned, elapsedMs, nodes[{ip, port, maintenance, talosVersion, mac,
                 macs, name, kind, stage, ...}], missing, unknown, ambiguous, otherPorts, ...}.
                 Without an inventory, missing/unknown/ambiguous are empty (nothing is expected).

  Configured nodes are read over mutual TLS when a talosconfig is found (--talosconfig,
  $TALOSCONFIG, ~/.talos/config); none is needed for maintenance nodes.
  Exit: 0 the scan ran (missing or unknown machines are in the output), 1 the scan failed, 2 bad input.`;

function readInventory(file: string): Inventory {
  const text = readInputFile('discover', file, 'inventory');
  try {
    return parseInventory(text, file);
  } catch (err) {
    if (err instanceof InventoryError) throw new UsageError(`discover: ${err.message}`);
    throw err;
  }
}

/**
 * The talosconfig, when there is one: named with --talosconfig/--context it must load (else exit
 * 2); found by the usual search it is used when it loads, and skipped with a note when it does not.
 */
function optionalSession(values: { talosconfig?: string; context?: string }, io: CommandIO): TalosSession | null {
  const explicit = values.talosconfig !== undefined || values.context !== undefined;
  if (explicit) {
    try {
      return sessionFromFlags({ talosconfig: values.talosconfig, context: values.context }, io.env);
    } catch (err) {
      throw new UsageError(`discover: ${(err as Error).message}`);
    }
  }
  try {
    resolveTalosconfigPath({ env: io.env });
  } catch {
    return null; // no talosconfig anywhere: maintenance nodes need none
  }
  try {
    return sessionFromFlags({}, io.env);
  } catch (err) {
    io.stderr.write(`talos-tui discover: not using the talosconfig (configured nodes will not be read): ${(err as Error).message}\n`);
    return null;
  }
}

function parseTargetArgs(positionals: string[], force: boolean): TargetSet {
  if (positionals.length === 0) throw new UsageError('discover: name what to scan: a CIDR (10.0.0.0/24), an IP or a range (10.0.0.10-40)');
  try {
    return parseTargets(positionals, { force });
  } catch (err) {
    if (err instanceof TargetError) throw new UsageError(`discover: ${err.message}`);
    throw err;
  }
}

function nameCell(report: DiscoverJson, n: DiscoverJson['nodes'][number]): string {
  if (n.name !== null) return n.matchedBy === 'order' ? `${n.name} (order)` : n.name;
  if (report.matchMode === null) return '-';
  const ambiguous = report.ambiguous.some((a) => a.ips.includes(n.ip) || a.ips.includes(`${n.ip}:${n.port}`));
  return ambiguous ? 'ambiguous' : 'unknown';
}

function table(report: DiscoverJson, others: number, port: number): string {
  const label = (ip: string, p: number) => (p === port ? ip : `${ip}:${p}`);
  const maintenance = report.nodes.filter((n) => n.maintenance).length;
  const lines: string[] = [
    `scanned ${report.scanned} host${report.scanned === 1 ? '' : 's'} in ${report.elapsedMs} ms${report.cancelled ? ' (cancelled)' : ''}: ` +
      `${maintenance} maintenance, ${report.nodes.length - maintenance} configured, ${others} other open port${others === 1 ? '' : 's'}`,
  ];
  if (report.nodes.length > 0) {
    const rows = report.nodes.map((n) => [
      label(n.ip, n.port),
      n.kind,
      n.talosVersion ?? '-',
      stateText({ kind: n.kind, stage: n.stage ?? undefined }),
      n.mac ?? '-',
      nameCell(report, n),
      disksText(n.disks) || (n.error ?? ''),
    ]);
    lines.push(formatTable(['IP', 'KIND', 'VERSION', 'STAGE', 'MAC', 'NAME', 'DISKS'], rows).trimEnd());
  }
  if (report.matchMode !== null) {
    lines.push(summaryText({ ...report, mode: report.matchMode, matched: report.nodes.filter((n) => n.name !== null) }));
    if (report.note) lines.push(`note: ${report.note}`);
    for (const a of report.ambiguous) lines.push(`ambiguous: ${describeAmbiguity(a)}`);
  }
  if (report.otherPorts.length > 0) {
    lines.push('other open ports:');
    for (const o of report.otherPorts) lines.push(`  ${label(o.ip, o.port)}  ${o.kind}: ${o.reason}`);
  }
  return lines.join('\n') + '\n';
}

export const command: Command = {
  name: 'discover',
  summary: 'find Talos nodes (maintenance or configured) on CIDRs, IPs or ranges and match them to an inventory',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandLine('discover', argv, options);
    const port = intFlag('port', values.port, DEFAULT_PORT, 1, 65535);
    const timeoutMs = intFlag('timeout-ms', values['timeout-ms'], DEFAULT_CONNECT_TIMEOUT_MS, 1, 600_000);
    const concurrency = values.concurrency === undefined ? undefined : intFlag('concurrency', values.concurrency, 0, 1, 65_535);
    const targets = parseTargetArgs(positionals, values.force ?? false);
    const inventory = values.inventory === undefined ? null : readInventory(values.inventory);
    const session = optionalSession(values, io);
    try {
      const result = await discover({ targets, port, timeoutMs, concurrency, session });
      const report = discoverJson(result, inventory);
      if (values.json) io.stdout.write(toJson(report));
      else io.stdout.write(table(report, report.otherPorts.length, port));
      return 0;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new CommandError(`discover: ${(err as Error).message}`);
    } finally {
      session?.close();
    }
  },
};
