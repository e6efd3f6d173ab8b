// Native machine configuration, the use cases behind `gen secrets`, `gen config` and `gen talosconfig`
// (and the provisioning flow): read a secrets bundle, generate the configs Talos would for a contract,
// apply talosctl-style patches with the `config render` engine, issue client certificates, and write the
// results through the one atomic 0600 writer. No talosctl binary is involved anywhere.
import { mkdir } from 'node:fs/promises';
import { readUserFile, UserFileError } from '../io/user-file.js';
import path from 'node:path';
import { BundleError, crtPem, parseBundle, renderBundle, type SecretsBundle } from '../core/gen/bundle.js';
import { contractName, DEFAULT_INSTALL_DISK, DEFAULT_INSTALL_IMAGE, defaultKubernetesVersion, parseContract, SUPPORTED_CONTRACTS, type Contract } from '../core/gen/contract.js';
import { renderMachineConfig, type GenerateOptions } from '../core/gen/machine-config.js';
import { CLIENT_CERT_VALIDITY_MS, generateBundle, issueClientCertificate, TALOS_ROLES } from '../core/gen/secrets.js';
import { renderTalosconfig } from '../core/gen/talosconfig.js';
import { renderPatched, type PatchInput } from '../core/config-patch/index.js';
import { checkWritableTarget, writeFileAtomic } from '../io/atomic-file.js';

export { BundleError } from '../core/gen/bundle.js';
export { SUPPORTED_CONTRACTS } from '../core/gen/contract.js';

/** An input the caller got wrong (an unsupported contract, a malformed endpoint): a usage error. */
export class GenInputError extends Error {
  override name = 'GenInputError';
}

/** The contract named by `--talos-version` (the newest supported when absent), or a GenInputError listing the supported ones. */
export function resolveContract(text: string | undefined): Contract {
  const c = parseContract(text ?? SUPPORTED_CONTRACTS.at(-1)!);
  if (typeof c === 'string') throw new GenInputError(c);
  return c;
}

/**
 * The cluster endpoint as talosctl accepts it: an https URL with a host. A bare host or host:port is
 * refused with the URL to write instead (talosctl's "try: https://...").
 */
export function checkClusterEndpoint(endpoint: string): void {
  const suggestion = (host: string) => `https://${/:\d+$/.test(host) ? host : `${host}:6443`}`;
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint)) {
    throw new GenInputError(`the cluster endpoint "${endpoint}" has no scheme; write it as ${suggestion(endpoint.replace(/\/.*$/, ''))}`);
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new GenInputError(`the cluster endpoint "${endpoint}" is not a URL`);
  }
  if (url.protocol !== 'https:') throw new GenInputError(`the cluster endpoint "${endpoint}" must use https:// (try ${suggestion(url.host)})`);
  if (url.hostname === '') throw new GenInputError(`the cluster endpoint "${endpoint}" names no host`);
}

/** "v1.30.2" or "1.30.2" -> "1.30.2"; anything else is refused. */
export function normalizeKubernetesVersion(v: string): string {
  const s = v.trim().replace(/^v/, '');
  if (!/^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(s)) throw new GenInputError(`"${v}" is not a Kubernetes version (write it as 1.X.Y)`);
  return s;
}

/** A secrets bundle from its YAML text; `name` names it in errors. */
export function parseSecretsBundle(text: string, name: string): SecretsBundle {
  return parseBundle(text, name);
}

/** Reads a bundle file talosctl or talos-tui wrote, through the one reader of user-named files. BundleError when it is not one. */
export async function readSecretsBundle(file: string): Promise<SecretsBundle> {
  let text: string;
  try {
    text = readUserFile(file, 'the secrets bundle');
  } catch (err) {
    throw new BundleError(err instanceof UserFileError ? err.message : String(err));
  }
  return parseBundle(text, file);
}

export interface ClusterConfigInput extends Omit<GenerateOptions, 'bundle' | 'contract' | 'kubernetesVersion'> {
  /** The bundle, or its YAML text. */
  secrets: SecretsBundle | string;
  /** "v1.13"; the newest supported when absent. */
  contract?: string | Contract;
  /** Default: the contract's (defaultKubernetesVersion). */
  kubernetesVersion?: string;
  /** Patches for every machine type, then per type: strategic merge or JSON 6902, as `config render` reads them. */
  patches?: readonly PatchInput[];
  patchesControlPlane?: readonly PatchInput[];
  patchesWorker?: readonly PatchInput[];
  /** Client certificate roles for the talosconfig (default os:admin) and its validity. */
  roles?: readonly string[];
  crtTtlMs?: number;
  /** The talosconfig's endpoints (talosctl gen config writes none). */
  talosEndpoints?: readonly string[];
}

export interface ClusterConfigs {
  controlplane: string;
  worker: string;
  talosconfig: string;
  /** The contract used ("v1.13"): record it so regeneration never drifts. */
  contract: string;
  kubernetesVersion: string;
}

/** Roles as Talos parses them: known ones only, at least one. */
export function checkRoles(roles: readonly string[]): string[] {
  if (roles.length === 0) throw new GenInputError('name at least one role (for example --roles os:admin)');
  const unknown = roles.filter((r) => !(TALOS_ROLES as readonly string[]).includes(r));
  if (unknown.length > 0) throw new GenInputError(`unknown role${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (Talos knows ${TALOS_ROLES.join(', ')})`);
  return [...roles];
}

/**
 * The controlplane and worker configs and an admin talosconfig for a cluster, as `talosctl gen config
 * --with-secrets` makes them (install disk and image default to talosctl's), patches applied after
 * generation in the order talosctl applies them (common, then per machine type). Throws GenInputError or
 * BundleError for bad inputs, ConfigPatchError when a patch does not parse or apply.
 */
export function generateClusterConfigs(input: ClusterConfigInput): ClusterConfigs {
  const contract = typeof input.contract === 'object' ? input.contract : resolveContract(input.contract);
  const bundle = typeof input.secrets === 'string' ? parseBundle(input.secrets, 'the secrets bundle') : input.secrets;
  checkClusterEndpoint(input.endpoint);
  if (input.clusterName.trim() === '') throw new GenInputError('the cluster name is empty');
  const kubernetesVersion = normalizeKubernetesVersion(input.kubernetesVersion ?? defaultKubernetesVersion(contract));
  const options: GenerateOptions = {
    ...input,
    installDisk: input.installDisk ?? DEFAULT_INSTALL_DISK,
    installImage: input.installImage ?? DEFAULT_INSTALL_IMAGE,
    bundle,
    contract,
    kubernetesVersion,
  };
  const patched = (machineType: 'controlplane' | 'worker', own: readonly PatchInput[] | undefined): string => {
    const base = renderMachineConfig(options, machineType);
    const patches = [...(input.patches ?? []), ...(own ?? [])];
    return patches.length === 0 ? base : renderPatched({ name: `the generated ${machineType} config`, text: base }, patches);
  };
  const roles = checkRoles(input.roles ?? ['os:admin']);
  const client = issueClientCertificate(bundle, roles, input.crtTtlMs ?? CLIENT_CERT_VALIDITY_MS);
  return {
    controlplane: patched('controlplane', input.patchesControlPlane),
    worker: patched('worker', input.patchesWorker),
    talosconfig: renderTalosconfig(input.clusterName, input.talosEndpoints ?? [], crtPem(bundle.certs.os), client),
    contract: contractName(contract),
    kubernetesVersion,
  };
}

/** A talosconfig issued from a bundle (`gen talosconfig`): a context `contextName` with a client certificate for `roles`. */
export function talosconfigFromBundle(bundle: SecretsBundle, opts: { contextName: string; roles: readonly string[]; crtTtlMs: number; endpoints?: readonly string[] }): string {
  const client = issueClientCertificate(bundle, checkRoles(opts.roles), opts.crtTtlMs);
  return renderTalosconfig(opts.contextName, opts.endpoints ?? [], crtPem(bundle.certs.os), client);
}

/** A new bundle in talosctl's format for `contract`. */
export async function newSecretsBundle(contract: Contract): Promise<string> {
  return renderBundle(await generateBundle(contract));
}

export interface OutputFile {
  path: string;
  text: string;
  what: string;
}

/**
 * Writes every file or none: each target is checked first (absent, or a regular file with `force`), the
 * directory is created when missing (as talosctl does), then each file is written atomically, 0600.
 */
export async function writeOutputs(files: readonly OutputFile[], force: boolean): Promise<void> {
  for (const dir of new Set(files.map((f) => path.dirname(path.resolve(f.path))))) await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const f of files) await checkWritableTarget(f.path, { overwrite: force, what: f.what });
  for (const f of files) await writeFileAtomic(f.path, f.text, { overwrite: force, what: f.what });
}

/** Go duration text ("8760h", "90m", "1h30m", "3600s") in milliseconds, or null. */
export function parseGoDuration(text: string): number | null {
  const re = /(\d+(?:\.\d+)?)(h|m|s|ms)/g;
  if (!/^(\d+(?:\.\d+)?(h|ms|m|s))+$/.test(text)) return null;
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  for (const m of text.matchAll(re)) total += Number(m[1]) * unit[m[2]!]!;
  return total > 0 ? total : null;
}
