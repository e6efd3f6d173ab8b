// `talos-tui apply -n IP -f BASE [--config-patch @FILE|INLINE]... [-i] [--cert-fingerprint FP]...
//  [--mode auto|no-reboot|reboot|staged|try] [--timeout 1m] [--dry-run]`: talosctl apply-config.
//
// The config is BASE with the patches applied by the same engine as `config render` (sent verbatim,
// comments and all, when there are no patches, as talosctl does). With -i it goes straight to a node
// in maintenance mode (no client certificate; with --cert-fingerprint the node's key must match a pin
// or nothing is sent); otherwise through the talosconfig's endpoints with the `node` header.
//
// One node per run, unlike talosctl: a rendered config carries per-node details (hostname, static
// address), so sending it to several nodes is almost always a mistake; loop in the shell instead.
//
// Exit: 0 applied (or dry run answered); 1 the node refused (Talos's validation text), could not be
// reached, or its certificate did not match; 2 usage (flags, unreadable or malformed files).
import { insecureClient, TalosError } from '../../talos/index.js';
import { APPLY_MODES, applyConfig, formatOutcome, isApplyMode, parseGoDuration, type ApplyConnector } from '../../ops/apply-run.js';
import { CommandError, commaList, connectionOptions, parseCommandLine, UsageError } from '../args.js';
import { sessionFromFlags } from '../connection.js';
import { readBaseConfig, renderConfigFiles } from '../render-config.js';
import type { TalosSession } from '../../talos/index.js';
import type { Command } from './types.js';

const options = {
  ...connectionOptions,
  file: { type: 'string', short: 'f' },
  'config-patch': { type: 'string', short: 'p', multiple: true },
  mode: { type: 'string', short: 'm' },
  timeout: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'show-secrets': { type: 'boolean' },
  reboot: { type: 'boolean' },
} as const;

const usage = `talos-tui apply -n IP -f BASE [--config-patch @FILE|INLINE]... [-i] [--cert-fingerprint FP]...
                [--mode auto|no-reboot|reboot|staged|try] [--timeout 1m] [--dry-run] [--reboot]
                [--show-secrets] [--talosconfig FILE] [--context NAME] [-e IP[,IP]]

  -n, --nodes          the one node to configure (one per run: configs carry per-node details)
  -f, --file           the base machine config (for example controlplane.yaml)
  -p, --config-patch   a patch applied before sending, in order: @FILE or inline YAML/JSON (as in
                       config render; a value without spaces is read as a file name, as talosctl does)
  -i, --insecure       the node is in maintenance mode: TLS without a client certificate, straight
                       to the node (the talosconfig is not read)
  --cert-fingerprint   with -i: base64 SHA-256 of the node's certificate public key; when given, a node
                       whose key matches none of them gets nothing (repeatable, commas allowed)
  -m, --mode           auto (default: no reboot when Talos can apply it live), no-reboot, reboot
                       (deprecated in Talos), staged (applied at the next reboot), try (rolled back
                       after --timeout unless confirmed by another apply)
  --timeout            try mode only: how long until the node rolls back (Go duration, default 1m)
  --dry-run            ask the node what it would do and print its summary and diff; nothing changes
  --show-secrets       print the diff's secret values (tokens, keys) in clear; by default they are
                       replaced with ****** and a change of secrets alone reads "secrets differ"
  --reboot             once the config is applied, reboot the node (Talos v1.14 and later refuse
                       --mode reboot outside maintenance and never reboot for auto: this is the way)

  Prints Talos's warnings (WARNING: ...) on stderr and its summary (how the config was applied) on
  stdout. Exit: 0 applied, 1 the node refused or could not be reached, 2 usage error.`;

export const command: Command = {
  name: 'apply',
  summary: 'apply a machine config (base + patches) to one node, maintenance (-i) or configured',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandLine('apply', argv, options);
    if (positionals.length > 0) throw new UsageError(`apply: unexpected argument "${positionals[0]}" (patches go after --config-patch)`);
    const nodes = commaList(values.nodes);
    if (nodes.length === 0) throw new UsageError('apply: name the node with -n IP');
    if (nodes.length > 1) {
      throw new UsageError(`apply: name one node, not ${nodes.length} (-n ${nodes.join(',')}): a config carries per-node details, so apply one node per run`);
    }
    const node = nodes[0]!;
    if (values.file === undefined || values.file === '') throw new UsageError('apply: name the base machine config with -f BASE');

    const mode = values.mode ?? 'auto';
    if (!isApplyMode(mode)) throw new UsageError(`apply: --mode "${mode}" is not one of ${APPLY_MODES.join(', ')}`);
    let tryTimeoutMs: number | undefined;
    if (values.timeout !== undefined) {
      if (mode !== 'try') throw new UsageError(`apply: --timeout ${values.timeout} applies only to --mode try`);
      tryTimeoutMs = parseGoDuration(values.timeout);
      if (tryTimeoutMs === undefined || tryTimeoutMs < 1000) throw new UsageError(`apply: --timeout takes a duration of at least 1s such as 30s, 1m or 1m30s, not "${values.timeout}"`);
    }
    const insecure = values.insecure ?? false;
    const rebootAfter = values.reboot ?? false;
    if (rebootAfter) {
      if (values['dry-run']) throw new UsageError('apply: --reboot with --dry-run would reboot for nothing: drop one of them');
      if (insecure) throw new UsageError('apply: --reboot is for configured nodes: a maintenance node (-i) installs and reboots into its config by itself');
      if (mode === 'reboot' || mode === 'try') throw new UsageError(`apply: --reboot cannot follow --mode ${mode}${mode === 'try' ? ' (the reboot would roll the try back)' : ' (the node reboots by itself)'}`);
    }
    const fingerprints = commaList(values['cert-fingerprint']);
    if (fingerprints.length > 0 && !insecure) {
      throw new UsageError('apply: --cert-fingerprint pins a maintenance node\'s certificate and needs -i (a configured node is checked against the talosconfig CA)');
    }

    const patches = values['config-patch'] ?? [];
    let config: string;
    if (patches.length === 0) {
      config = readBaseConfig('apply', values.file);
    } else {
      config = renderConfigFiles('apply', values.file, patches);
    }
    if (config.trim() === '') throw new UsageError(`apply: base config ${values.file} is empty`);

    let session: TalosSession | undefined;
    const insecureTargets: { close(): void }[] = [];
    const connect: ApplyConnector = {
      insecure: (address, opts) => {
        const client = insecureClient(address, opts);
        insecureTargets.push(client);
        return client;
      },
      session: () => (session ??= sessionFromFlags(values, io.env)),
    };
    try {
      const outcome = await applyConfig(connect, { node, config, mode, dryRun: values['dry-run'] ?? false, showSecrets: values['show-secrets'] ?? false, tryTimeoutMs, insecure, fingerprints, rebootAfter });
      const { warnings, details } = formatOutcome(outcome);
      for (const w of warnings) io.stderr.write(`${w}\n`);
      io.stdout.write(details);
      return 0;
    } catch (err) {
      if (err instanceof TalosError) throw new CommandError(`apply: ${err.message}`);
      throw err;
    } finally {
      for (const c of insecureTargets) c.close();
      session?.close();
    }
  },
};
