// `talos-tui meta validate FILE | meta encode FILE | meta get -n IP [-i] | meta write -n IP FILE [-i] |
//  meta delete -n IP [-i]`: the META network config (key 0x0a) of Talos's metal platform.
//
// validate: every problem on stderr as `path: sentence` (warnings too), a summary on stdout.
// encode:   the boot-time route for machines whose META cannot be written over the API (maintenance
//           mode): INSTALLER_META_BASE64 = base64(gzip -9 of `0xa=<yaml>`), the kernel argument and the
//           imager flag; a QR code of the kernel argument when stdout is a terminal or with --qr.
// get:      COSI Get MetaKeys.runtime.talos.dev 0x0a, prints the stored YAML.
// write:    validates first (nothing is sent when invalid), then MetaWrite key 0x0a. A maintenance node
//           refuses (Talos allows no META writes without a client certificate): the boot-time route is
//           printed instead.
// delete:   MetaDelete key 0x0a.
//
// Exit: 0 done (a valid document; warnings do not fail it); 1 the document is invalid, the node refused
// or has no such key, or could not be reached; 2 usage (flags, an unreadable file, a file that is not a
// YAML mapping).
import {
  encodeProblem, errorsOf, formatProblem, KERNEL_CMDLINE_MAX, META_NETWORK_ID, parseMetaNetworkConfig, summarize, type MetaNetworkConfig, type MetaProblem,
} from '../../core/meta/index.js';
import { Code, insecureClient, TalosError, type NodeTarget, type TalosSession } from '../../talos/index.js';
import { CommandError, commaList, connectionOptions, parseCommandLine, UsageError } from '../args.js';
import { sessionFromFlags } from '../connection.js';
import { readInputFile } from '../render-config.js';
import { bootRoute, deleteMetaNetwork, isMaintenanceRefusal, qrCode, readMetaNetwork, writeMetaNetwork } from '../../ops/meta.js';
import type { Command, CommandIO } from './types.js';

const options = { ...connectionOptions, qr: { type: 'boolean' }, 'no-qr': { type: 'boolean' } } as const;

const usage = `talos-tui meta validate FILE | meta encode FILE [--qr|--no-qr]
                 meta get -n IP [-i] | meta write -n IP FILE [-i] | meta delete -n IP [-i]
                 [--talosconfig FILE] [--context NAME] [-e IP[,IP]] [--cert-fingerprint FP]

  The META network config (key 0x0a): static addresses, links (bonds, VLANs, bridges), routes,
  hostname, resolvers and time servers that Talos's metal platform applies before any machine config.

  validate FILE   check the document; every problem names its path (links[2].bondMaster.mode: ...)
  encode FILE     the boot-time route: INSTALLER_META_BASE64=..., the kernel argument
                  talos.environment=INSTALLER_META_BASE64=... and the imager's --meta; a QR code of the
                  kernel argument when stdout is a terminal (--qr forces it, --no-qr leaves it out)
  get -n IP       print the document stored on the node (-i: a node in maintenance mode)
  write -n IP FILE  validate, then store it (MetaWrite 0x0a); nothing is sent when it is invalid.
                  Nodes in maintenance mode refuse META writes: use encode's boot-time route there
  delete -n IP    remove it (MetaDelete 0x0a)

  Exit: 0 ok (warnings do not fail); 1 invalid document, node refused, key absent, unreachable;
  2 usage error, unreadable file, or a file that is not a YAML mapping.`;

type Values = ReturnType<typeof parseCommandLine<typeof options>>['values'];

interface Checked {
  text: string;
  config: MetaNetworkConfig;
  problems: MetaProblem[];
}

/** Read FILE and check it: a file that is not a YAML mapping is a usage error, an invalid document a CommandError listing every problem. */
function readDocument(sub: string, file: string | undefined, io: CommandIO): Checked {
  if (file === undefined) throw new UsageError(`meta: name the META network config file (meta ${sub} ${sub === 'write' ? '-n IP ' : ''}FILE)`);
  const text = readInputFile('meta', file, 'META network config');
  if (text.trim() === '') throw new UsageError(`meta: ${file} is empty`);
  const parsed = parseMetaNetworkConfig(text);
  if (parsed.config === null) throw new UsageError(`meta: ${file}: ${parsed.syntaxError}`);
  for (const p of parsed.problems) io.stderr.write(`${file}: ${formatProblem(p)}\n`);
  const errors = errorsOf(parsed.problems);
  if (errors.length > 0) {
    throw new CommandError(`meta: ${file} is not a valid META network config: ${errors.length} problem${errors.length === 1 ? '' : 's'} (listed above)${sub === 'write' ? '; nothing was sent' : ''}`);
  }
  return { text, config: parsed.config, problems: parsed.problems };
}

function oneNode(sub: string, values: Values): string {
  const nodes = commaList(values.nodes);
  if (nodes.length === 0) throw new UsageError(`meta: name the node with -n IP`);
  if (nodes.length > 1) throw new UsageError(`meta: name one node, not ${nodes.length} (-n ${nodes.join(',')})`);
  return nodes[0]!;
}

/** The boot-time route as printed by `meta encode` (and by `meta write` when a node refuses). */

function usageOnly(sub: string, values: Values, allowed: (keyof Values)[]): void {
  for (const k of Object.keys(values) as (keyof Values)[]) {
    if (values[k] !== undefined && !allowed.includes(k)) throw new UsageError(`meta: --${String(k)} does not apply here`);
  }
}

export const command: Command = {
  name: 'meta',
  summary: 'validate, encode (boot-time route), get, write or delete the META network config (key 0x0a)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandLine('meta', argv, options);
    const [sub, ...rest] = positionals;
    if (sub === undefined) throw new UsageError('meta: name what to do: validate, encode, get, write or delete');
    const extra = (max: number) => {
      if (rest.length > max) throw new UsageError(`meta: unexpected argument "${rest[max]}"`);
    };

    switch (sub) {
      case 'validate': {
        extra(1);
        usageOnly(sub, values, []);
        const doc = readDocument(sub, rest[0], io);
        const warnings = doc.problems.length;
        io.stdout.write(`${rest[0]}: valid META network config: ${summarize(doc.config)}${warnings > 0 ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}\n`);
        return 0;
      }
      case 'encode': {
        extra(1);
        usageOnly(sub, values, ['qr', 'no-qr']);
        const doc = readDocument(sub, rest[0], io);
        const bad = encodeProblem(doc.text);
        if (bad) throw new CommandError(`meta: ${rest[0]}: ${bad}`);
        const route = bootRoute(doc.text);
        io.stdout.write(`${route.lines.join('\n')}\n`);
        if (route.kernelArg.length > KERNEL_CMDLINE_MAX) {
          io.stderr.write(`talos-tui meta: warning: the kernel argument is ${route.kernelArg.length} bytes, more than the ${KERNEL_CMDLINE_MAX}-byte kernel command line of x86: use the imager's --meta instead\n`);
        }
        const tty = (io.stdout as NodeJS.WriteStream).isTTY === true;
        if (values.qr === true || (tty && values['no-qr'] !== true)) {
          try {
            io.stdout.write(`\n# QR code of the kernel argument:\n${await qrCode(route.kernelArg)}\n`);
          } catch (err) {
            io.stderr.write(`talos-tui meta: warning: no QR code: the kernel argument is too long for one (${(err as Error).message})\n`);
          }
        }
        return 0;
      }
      case 'get':
      case 'write':
      case 'delete': {
        extra(sub === 'write' ? 1 : 0);
        if (values.qr !== undefined || values['no-qr'] !== undefined) throw new UsageError(`meta: --qr applies to meta encode only`);
        const node = oneNode(sub, values);
        const insecure = values.insecure ?? false;
        const fingerprints = commaList(values['cert-fingerprint']);
        if (fingerprints.length > 0 && !insecure) throw new UsageError(`meta: --cert-fingerprint pins a maintenance node's certificate and needs -i`);
        // Validate before connecting: an invalid document never reaches the node.
        const doc = sub === 'write' ? readDocument(sub, rest[0], io) : undefined;
        let session: TalosSession | undefined;
        let client: { close(): void } | undefined;
        let target: NodeTarget;
        try {
          if (insecure) {
            const c = insecureClient(node, { fingerprints });
            client = c;
            target = c;
          } else {
            session = sessionFromFlags(values, io.env);
            target = session.target(node);
          }
          if (sub === 'get') {
            const value = await readMetaNetwork(target);
            if (value === null) throw new CommandError(`meta: ${node} has no META network config (key ${META_NETWORK_ID} is not set)`);
            io.stdout.write(value.endsWith('\n') || value === '' ? value : `${value}\n`);
            return 0;
          }
          if (sub === 'write') {
            await writeMetaNetwork(target, doc!.text);
            io.stdout.write(`${node}: META network config (key ${META_NETWORK_ID}) written: ${summarize(doc!.config)}\n`);
            return 0;
          }
          await deleteMetaNetwork(target);
          io.stdout.write(`${node}: META network config (key ${META_NETWORK_ID}) deleted\n`);
          return 0;
        } catch (err) {
          if (!(err instanceof TalosError)) throw err;
          if (err.code === Code.NOT_FOUND && sub !== 'write') {
            throw new CommandError(`meta: ${node} has no META network config (key ${META_NETWORK_ID} is not set)${sub === 'delete' ? ': nothing to delete' : ''}`);
          }
          const maintenance = insecure && isMaintenanceRefusal(err);
          if (maintenance && sub === 'write') {
            // The node is in maintenance mode: hand over the boot-time route for this very document.
            const bad = encodeProblem(doc!.text);
            if (!bad) {
              io.stdout.write(`# ${node} is in maintenance mode and does not accept META writes; boot it with this instead:\n`);
              io.stdout.write(`${bootRoute(doc!.text).lines.join('\n')}\n`);
            }
            throw new CommandError(`meta: ${node} is in maintenance mode: Talos does not allow META writes without a client certificate, so nothing was written; ${bad ? `and the boot-time route cannot carry this file: ${bad}` : 'pass the document at boot instead (printed above: the kernel argument talos.environment=INSTALLER_META_BASE64=..., or the imager\'s --meta), or apply a machine config first and write META with the talosconfig'}`);
          }
          throw new CommandError(`meta: ${err.message}`);
        } finally {
          client?.close();
          session?.close();
        }
      }
      default:
        throw new UsageError(`meta: "${sub}" is not one of validate, encode, get, write, delete`);
    }
  },
};
