// `talos-tui gen secrets | gen config | gen talosconfig`: reproducible machine configuration without a
// talosctl binary. The configs are the bytes Talos machinery writes for the same inputs with comments
// disabled, for every contract the pinned machinery knows (v1.3 .. v1.14); see src/core/gen.
//
// Exit: 0 written; 1 a patch does not apply or a write failed; 2 bad input (flags, an unsupported
// contract, a malformed endpoint, a file that is not a secrets bundle, an existing file without --force).
import path from 'node:path';
import { ConfigPatchError } from '../../core/config-patch/index.js';
import type { Contract } from '../../core/gen/contract.js';
import { FileTargetError } from '../../io/atomic-file.js';
import {
  BundleError, checkRoles, GenInputError, generateClusterConfigs, newSecretsBundle, parseGoDuration, readSecretsBundle, resolveContract, SUPPORTED_CONTRACTS, talosconfigFromBundle, writeOutputs, type ClusterConfigs, type OutputFile,
} from '../../ops/gen.js';
import { CommandError, commaList, intFlag, parseCommandLine, UsageError } from '../args.js';
import { configPatchFailure, readPatchArgs } from '../render-config.js';
import type { Command, CommandIO } from './types.js';

const OUTPUT_TYPES = ['controlplane', 'worker', 'talosconfig'] as const;
type OutputType = (typeof OUTPUT_TYPES)[number];

const usage = `talos-tui gen secrets [-o secrets.yaml|-] [--talos-version vX.Y] [--force]
talos-tui gen config NAME ENDPOINT --with-secrets FILE [--talos-version vX.Y] [--kubernetes-version V]
          [--install-disk D] [--install-image I] [--additional-sans a,b] [--dns-domain D]
          [--registry-mirror HOST=URL]... [--with-cluster-discovery=false] [--with-kubespan]
          [--config-patch P]... [--config-patch-control-plane P]... [--config-patch-worker P]...
          [--allow-scheduling-on-control-planes] [--install-extra-kernel-args k=v,..]
          [--local-api-server-port N] [--sysctl k=v]... [--cni-url URL]
          [--with-docs=false] [--with-examples=false] [-t|--output-types controlplane,worker,talosconfig]
          [-o DIR|FILE|-] [--force]
talos-tui gen talosconfig --with-secrets FILE [--roles os:admin] [--crt-ttl 8760h] [--name CONTEXT]
          [-e IP[,IP]] [-o FILE|-] [--force]

  gen secrets      writes a secrets bundle in talosctl's format (default ./secrets.yaml, 0600): cluster id
                   and secret, bootstrap and trustd tokens, secretbox key, the etcd, Kubernetes and
                   aggregator CAs (ECDSA P-256), the OS CA (Ed25519) and the service-account key (RSA-4096
                   for contracts after v1.6, ECDSA before). CAs are valid for 10 years.
  gen config       writes controlplane.yaml, worker.yaml and talosconfig (0600) into -o DIR (default: the
                   current directory; created if missing), or the one file -o FILE when one --output-types
                   is given, or that one document to stdout with -o -. The configs are byte for byte what
                   Talos writes for the same inputs with --with-docs=false --with-examples=false.
                   Documentation comments and examples are never written; with --with-docs or
                   --with-examples on (talosctl's default) the documents carry the same values as Talos's
                   commented output (it adds an empty machine.registries up to v1.11). Patches are applied after
                   generation with the \`config render\` engine (comments dropped, base key order kept).
  gen talosconfig  writes a talosconfig (default ./talosconfig, 0600) with a new client certificate signed
                   by the bundle's OS CA for --roles (comma list; default os:admin), valid --crt-ttl.

  --talos-version  the version contract the cluster was created with; keep it fixed to regenerate the
                   same configs. Supported: ${SUPPORTED_CONTRACTS.join(', ')} (default ${SUPPORTED_CONTRACTS.at(-1)}).
                   The contract used is printed on stderr.
  --kubernetes-version  default: the newest Kubernetes the contract's Talos supports (v1.14: 1.37.0).
  --install-disk, --install-image  talosctl's defaults: /dev/sda and ghcr.io/siderolabs/installer:v1.14.1.
  Existing files are never replaced without --force.
  Exit: 0 written; 1 a patch does not apply or writing failed; 2 bad input.`;

/** Boolean flags that accept talosctl's --flag=false spelling (node's parseArgs does not). */
function takeBooleans(argv: string[], names: readonly string[], defaults: Record<string, boolean>): { rest: string[]; bools: Record<string, boolean> } {
  const bools = { ...defaults };
  const rest: string[] = [];
  for (const arg of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (m && names.includes(m[1]!)) {
      const v = m[2];
      if (v === undefined || v === 'true' || v === '1') bools[m[1]!] = true;
      else if (v === 'false' || v === '0') bools[m[1]!] = false;
      else throw new UsageError(`gen: --${m[1]} takes true or false, not "${v}"`);
    } else rest.push(arg);
  }
  return { rest, bools };
}

/** Translate the ops layer's input errors into usage errors (exit 2) and patch failures into exit 1. */
function failure(err: unknown): never {
  if (err instanceof GenInputError || err instanceof BundleError || err instanceof FileTargetError) throw new UsageError(`gen: ${err.message}`);
  if (err instanceof ConfigPatchError) configPatchFailure('gen', err);
  if (err instanceof UsageError || err instanceof CommandError) throw err;
  throw new CommandError(`gen: ${(err as Error).message}`);
}

async function emit(files: OutputFile[], force: boolean, io: CommandIO): Promise<void> {
  try {
    await writeOutputs(files, force);
  } catch (err) {
    failure(err);
  }
  for (const f of files) io.stderr.write(`Created ${f.path}\n`);
}

async function genSecrets(argv: string[], io: CommandIO): Promise<number> {
  const { rest, bools } = takeBooleans(argv, ['force'], { force: false });
  const { values, positionals } = parseCommandLine('gen secrets', rest, { output: { type: 'string', short: 'o' }, 'output-file': { type: 'string' }, 'talos-version': { type: 'string' } } as const);
  if (positionals.length > 0) throw new UsageError(`gen secrets: unexpected argument "${positionals[0]}" (name the file with -o)`);
  const out = values.output ?? values['output-file'] ?? 'secrets.yaml';
  if (out === '') throw new UsageError('gen secrets: -o needs a file name (or - for stdout)');
  let contract: Contract;
  try {
    contract = resolveContract(values['talos-version']);
  } catch (err) {
    failure(err);
  }
  const text = await newSecretsBundle(contract);
  if (out === '-') io.stdout.write(text);
  else await emit([{ path: out, text, what: 'the secrets bundle' }], bools.force!, io);
  return 0;
}

const configOptions = {
  'with-secrets': { type: 'string' },
  'talos-version': { type: 'string' },
  'kubernetes-version': { type: 'string' },
  'install-disk': { type: 'string' },
  'install-image': { type: 'string' },
  'additional-sans': { type: 'string', multiple: true },
  'dns-domain': { type: 'string' },
  'registry-mirror': { type: 'string', multiple: true },
  'config-patch': { type: 'string', multiple: true },
  'config-patch-control-plane': { type: 'string', multiple: true },
  'config-patch-worker': { type: 'string', multiple: true },
  'install-extra-kernel-args': { type: 'string', multiple: true },
  'local-api-server-port': { type: 'string' },
  sysctl: { type: 'string', multiple: true },
  'cni-url': { type: 'string' },
  'output-types': { type: 'string', short: 't', multiple: true },
  output: { type: 'string', short: 'o' },
  'output-dir': { type: 'string' },
} as const;

const CONFIG_BOOLEANS = ['with-docs', 'with-examples', 'with-cluster-discovery', 'with-kubespan', 'allow-scheduling-on-control-planes', 'force'] as const;

function keyValues(flag: string, items: string[], sep = '='): Array<[string, string]> {
  return items.map((item) => {
    const i = item.indexOf(sep);
    if (i <= 0) throw new UsageError(`gen config: --${flag} takes ${flag === 'registry-mirror' ? 'HOST=URL' : 'key=value'}, not "${item}"`);
    return [item.slice(0, i), item.slice(i + 1)];
  });
}

async function genConfig(argv: string[], io: CommandIO): Promise<number> {
  const { rest, bools } = takeBooleans(argv, CONFIG_BOOLEANS, { 'with-docs': true, 'with-examples': true, 'with-cluster-discovery': true, 'with-kubespan': false, 'allow-scheduling-on-control-planes': false, force: false });
  const { values, positionals } = parseCommandLine('gen config', rest, configOptions);
  if (positionals.length !== 2) throw new UsageError(`gen config: name the cluster and its Kubernetes endpoint: gen config NAME https://HOST:6443 --with-secrets FILE (got ${positionals.length} argument${positionals.length === 1 ? '' : 's'})`);
  const [clusterName, endpoint] = positionals as [string, string];
  const secretsFile = values['with-secrets'];
  if (!secretsFile) throw new UsageError('gen config: name the secrets bundle with --with-secrets FILE (make one with `talos-tui gen secrets`)');
  const types = commaList(values['output-types'] ?? [...OUTPUT_TYPES]);
  const badType = types.find((t) => !(OUTPUT_TYPES as readonly string[]).includes(t));
  if (badType !== undefined) throw new UsageError(`gen config: invalid output type "${badType}" (valid: ${OUTPUT_TYPES.join(', ')})`);
  if (types.length === 0) throw new UsageError('gen config: at least one output type must be given with --output-types');
  if (values.output !== undefined && values['output-dir'] !== undefined) throw new UsageError('gen config: use either -o or --output-dir, not both');
  const output = values.output ?? values['output-dir'];
  if (output === '-' && types.length > 1) throw new UsageError(`gen config: -o - prints one document; choose it with --output-types (one of ${OUTPUT_TYPES.join(', ')})`);
  if (output === '') throw new UsageError('gen config: -o needs a directory, a file or -');

  const sysctls: Record<string, string> = {};
  for (const [k, v] of keyValues('sysctl', values.sysctl ?? [])) sysctls[k] = v;
  const localPort = intFlag('local-api-server-port', values['local-api-server-port'], 0, 1, 65535);
  const patches = readPatchArgs('gen config', values['config-patch'] ?? []);
  const patchesControlPlane = readPatchArgs('gen config', values['config-patch-control-plane'] ?? []);
  const patchesWorker = readPatchArgs('gen config', values['config-patch-worker'] ?? []);

  let configs: ClusterConfigs;
  try {
    const secrets = await readSecretsBundle(secretsFile);
    configs = generateClusterConfigs({
      secrets,
      clusterName,
      endpoint,
      contract: values['talos-version'],
      kubernetesVersion: values['kubernetes-version'],
      installDisk: values['install-disk'],
      installImage: values['install-image'],
      additionalSANs: commaList(values['additional-sans']),
      dnsDomain: values['dns-domain'],
      registryMirrors: keyValues('registry-mirror', commaList(values['registry-mirror'])),
      discovery: bools['with-cluster-discovery'],
      kubespan: bools['with-kubespan'],
      allowSchedulingOnControlPlanes: bools['allow-scheduling-on-control-planes'],
      installExtraKernelArgs: commaList(values['install-extra-kernel-args']),
      localAPIServerPort: localPort,
      sysctls,
      cniURL: values['cni-url'],
      documented: bools['with-docs'] || bools['with-examples'],
      patches,
      patchesControlPlane,
      patchesWorker,
    });
  } catch (err) {
    failure(err);
  }
  io.stderr.write(`Generated for Talos contract ${configs.contract} with Kubernetes ${configs.kubernetesVersion}\n`);

  const text: Record<OutputType, string> = { controlplane: configs.controlplane, worker: configs.worker, talosconfig: configs.talosconfig };
  if (output === '-') {
    io.stdout.write(text[types[0] as OutputType]);
    return 0;
  }
  const single = types.length === 1 && values['output-dir'] === undefined && output !== undefined;
  const fileName: Record<OutputType, string> = { controlplane: 'controlplane.yaml', worker: 'worker.yaml', talosconfig: 'talosconfig' };
  const files = (types as OutputType[]).map((t) => ({
    path: single ? output : path.join(output ?? '.', fileName[t]),
    text: text[t],
    what: t === 'talosconfig' ? 'the talosconfig' : `the ${t} config`,
  }));
  await emit(files, bools.force!, io);
  return 0;
}

async function genTalosconfig(argv: string[], io: CommandIO): Promise<number> {
  const { rest, bools } = takeBooleans(argv, ['force'], { force: false });
  const { values, positionals } = parseCommandLine('gen talosconfig', rest, {
    'with-secrets': { type: 'string' },
    roles: { type: 'string', multiple: true },
    'crt-ttl': { type: 'string' },
    name: { type: 'string' },
    endpoints: { type: 'string', short: 'e', multiple: true },
    output: { type: 'string', short: 'o' },
  } as const);
  if (positionals.length > 0) throw new UsageError(`gen talosconfig: unexpected argument "${positionals[0]}" (name the file with -o)`);
  if (!values['with-secrets']) throw new UsageError('gen talosconfig: name the secrets bundle with --with-secrets FILE');
  const ttl = parseGoDuration(values['crt-ttl'] ?? '8760h');
  if (ttl === null) throw new UsageError(`gen talosconfig: --crt-ttl takes a duration such as 8760h or 720h30m, not "${values['crt-ttl']}"`);
  const out = values.output ?? 'talosconfig';
  if (out === '') throw new UsageError('gen talosconfig: -o needs a file name (or - for stdout)');
  let text: string;
  try {
    const roles = checkRoles(commaList(values.roles ?? ['os:admin']));
    const bundle = await readSecretsBundle(values['with-secrets']);
    text = talosconfigFromBundle(bundle, { contextName: values.name ?? 'talos', roles, crtTtlMs: ttl, endpoints: commaList(values.endpoints) });
  } catch (err) {
    failure(err);
  }
  if (out === '-') io.stdout.write(text);
  else await emit([{ path: out, text, what: 'the talosconfig' }], bools.force!, io);
  return 0;
}

export const command: Command = {
  name: 'gen',
  summary: 'secrets bundle, machine configs and talosconfig byte-identical to Talos, no talosctl needed (gen secrets|config|talosconfig)',
  usage,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'secrets') return genSecrets(rest, io);
    if (sub === 'config') return genConfig(rest, io);
    if (sub === 'talosconfig') return genTalosconfig(rest, io);
    if (sub === undefined) throw new UsageError('gen: name what to generate: gen secrets, gen config or gen talosconfig');
    throw new UsageError(`gen: unknown subcommand "${sub}" (secrets, config or talosconfig)`);
  },
};
