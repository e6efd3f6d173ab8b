// `talos-tui config render -f BASE [--config-patch @FILE|INLINE]... [-o OUT]`: the machine config a
// node would get, rendered offline the way talosctl patches configs (see src/core/config-patch).
//
// Exit codes: 0 rendered; 1 a patch does not apply to this config (a missing path to delete, a
// failed JSON 6902 operation, a JSON patch on a multi-document config, or writing -o failed);
// 2 bad input: a flag, an unreadable file, or a file that is not YAML / not a config or a patch.
import { FileTargetError, writeFileAtomic } from '../../io/atomic-file.js';
import { CommandError, parseCommandLine, UsageError } from '../args.js';
import { renderConfigFiles } from '../render-config.js';
import type { Command } from './types.js';

const options = {
  file: { type: 'string', short: 'f' },
  'config-patch': { type: 'string', multiple: true },
  output: { type: 'string', short: 'o' },
} as const;

const usage = `talos-tui config render -f BASE [--config-patch @FILE|INLINE]... [-o OUT]

  -f, --file       the base machine config (for example controlplane.yaml from talosctl gen config)
  --config-patch   a patch, applied in the order given: @FILE, or inline YAML/JSON. A strategic merge
                   patch (YAML, several documents allowed, "$patch: delete" supported) or an RFC 6902
                   JSON patch (a JSON array or YAML list of {op, path, value}; single-document configs
                   only). As in talosctl, a value without spaces that does not start with [ or { is
                   read as a file name even without the @.
  -o, --output     write here (atomically, mode 0600: configs hold secrets) instead of stdout

  Merge rules are talosctl's: documents match by apiVersion/kind/name, unmatched ones are appended;
  lists concatenate except podSubnets/serviceSubnets (replaced) and interfaces, vlans,
  admissionControl (merged by key); zero values do not replace, booleans do. Comments are dropped.
  Exit: 0 rendered, 1 a patch does not apply, 2 bad input (flags, unreadable or malformed files).`;

/** Through the atomic writer: readers never see half a config; a device, FIFO or directory is refused (exit 2). */
async function writeRendered(out: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(out, text, { overwrite: true, what: 'the rendered config' });
  } catch (err) {
    if (err instanceof FileTargetError) throw new UsageError(`config: ${err.message}`);
    throw new CommandError(`config: cannot write ${out}: ${(err as Error).message}`);
  }
}

export const command: Command = {
  name: 'config',
  summary: 'render a machine config from a base and talosctl-style patches (config render -f BASE --config-patch ...)',
  usage,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined) throw new UsageError('config: name a subcommand: config render -f BASE [--config-patch @FILE|INLINE]... [-o OUT]');
    if (sub !== 'render') throw new UsageError(`config: unknown subcommand "${sub}" (only "render" exists)`);
    const { values, positionals } = parseCommandLine('config', rest, options);
    if (positionals.length > 0) throw new UsageError(`config: unexpected argument "${positionals[0]}" (patches go after --config-patch)`);
    if (values.file === undefined || values.file === '') throw new UsageError('config: name the base machine config with -f BASE');
    if (values.output === '') throw new UsageError('config: -o needs a file name');

    const rendered = renderConfigFiles('config', values.file, values['config-patch'] ?? []);
    if (values.output !== undefined) await writeRendered(values.output, rendered);
    else io.stdout.write(rendered);
    return 0;
  },
};
