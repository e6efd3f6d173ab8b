// Reading a cluster profile and what it names from disk, and rendering every node's config:
// the base of its role (configDir's controlplane.yaml / worker.yaml, or native generation from the
// secrets bundle) + patches (all, role, node) + the node identity patch (hostname, static address,
// install disk/image). Paths are relative to the profile file. Errors are one sentence each.
import path from 'node:path';
import { ConfigPatchError, renderPatched } from '../core/config-patch/index.js';
import { InventoryError, parseInventory, type Inventory } from '../core/inventory.js';
import { nodeIdentityPatch, renderedAddress } from '../core/provision/node-patch.js';
import type { RenderedNode } from '../core/provision/plan.js';
import { patchOrder, validateProfile } from '../core/provision/validate.js';
import { readUserFile, UserFileError } from '../io/user-file.js';
import { shortPath } from './short-path.js';
import { BundleError, GenInputError, generateClusterConfigs, parseSecretsBundle, SUPPORTED_CONTRACTS } from './gen.js';

/** The profile is unusable: one sentence (exit 2 headless). */
export class ProfileError extends Error {
  override name = 'ProfileError';
}

export interface LoadedProfile {
  profile: Inventory;
  file: string;
  dir: string;
  warnings: string[];
}


/** The one reader for user-named files (size, binary, FIFO and directory checks); its sentence becomes a ProfileError. */
function readText(file: string, what: string): string {
  try {
    return readUserFile(file, what, { shown: shortPath(file) });
  } catch (err) {
    if (err instanceof UserFileError) throw new ProfileError(err.message);
    throw err;
  }
}

/** Read, parse and validate a profile (or talconfig.yaml); every patch file it names must exist. */
export function loadProfile(file: string): LoadedProfile {
  const abs = path.resolve(file);
  let profile: Inventory;
  try {
    profile = parseInventory(readText(abs, 'profile'), file);
  } catch (err) {
    if (err instanceof InventoryError) throw new ProfileError(err.message);
    throw err;
  }
  const check = validateProfile(profile);
  if (check.errors.length > 0) throw new ProfileError(check.errors[0]!);
  const dir = path.dirname(abs);
  for (const node of profile.nodes) {
    for (const p of patchOrder(profile, node.name)) readText(path.resolve(dir, p), `${file}: ${node.name}: patch file`);
  }
  return { profile, file, dir, warnings: check.warnings };
}

export interface BaseConfigs {
  controlplane: string;
  worker: string;
  /** The talosconfig that goes with them (its CA signed the configs' machine.ca). */
  talosconfig: string;
  /** Where they came from, for messages. */
  origin: string;
}

/**
 * Native generation from `secrets:` (src/ops/gen.ts, as `gen config --with-secrets`): the bundle is
 * read relative to the profile, the configs are generated for the profile's cluster name, endpoint,
 * version contract (which must be pinned in the profile), Kubernetes version, install disk and image;
 * the profile's patches are applied afterwards by renderProfile, as for configDir.
 */
export function generateFromSecrets(loaded: LoadedProfile): BaseConfigs {
  const { profile, dir, file } = loaded;
  const cluster = profile.cluster!;
  const bundleFile = path.resolve(dir, profile.secrets!);
  // The contract is fixed when the cluster is created (seed 000): taking "the newest supported" here
  // would make a later release of the product regenerate different configs, so the profile must say it.
  if (!cluster.talosVersion) {
    throw new ProfileError(`${file}: cluster.talosVersion is missing: with secrets: the version contract must be pinned in the profile (add talosVersion: ${SUPPORTED_CONTRACTS.at(-1)} for a new cluster)`);
  }
  try {
    const configs = generateClusterConfigs({
      secrets: parseSecretsBundle(readText(bundleFile, `${file}: secrets bundle`), shortPath(bundleFile)),
      clusterName: cluster.name,
      endpoint: cluster.endpoint,
      contract: cluster.talosVersion ?? undefined,
      kubernetesVersion: cluster.kubernetesVersion ?? undefined,
      installDisk: cluster.installDisk ?? undefined,
      installImage: cluster.installImage ?? undefined,
    });
    return { controlplane: configs.controlplane, worker: configs.worker, talosconfig: configs.talosconfig, origin: `generated(${shortPath(bundleFile)}, ${configs.contract})` };
  } catch (err) {
    if (err instanceof GenInputError || err instanceof BundleError) throw new ProfileError(`${file}: ${err.message}`);
    throw err;
  }
}

export function readBaseConfigs(loaded: LoadedProfile): BaseConfigs {
  const { profile, dir, file } = loaded;
  if (!profile.configDir) return generateFromSecrets(loaded);
  const configDir = path.resolve(dir, profile.configDir);
  const read = (name: string) => readText(path.join(configDir, name), `${file}: configDir file`);
  return { controlplane: read('controlplane.yaml'), worker: read('worker.yaml'), talosconfig: read('talosconfig'), origin: shortPath(configDir) };
}

/** Every node's rendered config (or the sentence saying why it does not render). */
export function renderProfile(loaded: LoadedProfile, base: BaseConfigs): Map<string, RenderedNode> {
  const out = new Map<string, RenderedNode>();
  for (const node of loaded.profile.nodes) {
    try {
      const baseText = node.role === 'controlplane' ? base.controlplane : base.worker;
      const patches = patchOrder(loaded.profile, node.name).map((p) => ({ name: p, text: readText(path.resolve(loaded.dir, p), 'patch file') }));
      let config = renderPatched({ name: `${base.origin}/${node.role}.yaml`, text: baseText }, patches);
      const identity = nodeIdentityPatch(config, node, loaded.profile.cluster);
      if (identity) config = renderPatched({ name: node.name, text: config }, [{ name: `${node.name} (profile)`, text: identity }]);
      out.set(node.name, { config, error: null, address: renderedAddress(config) });
    } catch (err) {
      const message = err instanceof ConfigPatchError || err instanceof Error ? err.message.replace(/\s*\n\s*/g, ' ') : String(err);
      out.set(node.name, { config: null, error: message, address: null });
    }
  }
  return out;
}
