// Machine config patching as talosctl does it (`talosctl gen config --config-patch`,
// `machineconfig patch`): strategic merge YAML and RFC 6902 JSON patches, applied in order.
// Pure logic: the caller reads files and passes text plus a name for messages.
//
// Known differences from talosctl, which decodes into Go types and re-encodes:
// - output keeps the base's key order and scalar styles; talosctl re-encodes in struct order, and
//   after a JSON patch in sorted key order. Comments are dropped. What a node reads from the output is
//   the same: test/oracle compares both outputs as Talos's own loader reads them.
// - "zero value" is judged from the YAML value ("", 0, null); talosctl knows the Go type (a pointer
//   field replaces even with 0). Booleans always replace, as upstream.
// - unknown fields and kinds are not rejected (talosctl's schema does that).
// - a JSON 6902 patch after a strategic one acts on the document as it stands; talosctl acts on Go's
//   re-encoding, which spells out zero fields (`type: ""`, `certSANs: []`), so a pointer to one of
//   those resolves there and not here.
// - a `$patch: delete` of an absent key succeeds when its parent mapping exists and is not one of
//   the map-typed fields (strategic.ts names them), as talosctl zeroes a struct field; list elements
//   are matched by the key's text (talosctl matches only string fields, so `vlanId: 100` could not be
//   deleted there).
import { ConfigPatchError } from './errors.js';
import { identify, parseConfig, parseStream, renderConfig, type ConfigDocs } from './documents.js';
import { applyJsonPatch, jsonPatch, type JsonPatch } from './json6902.js';
import { clone } from './tree.js';
import { applyStrategic, strategicPatch, type StrategicPatch, type WorkingDoc } from './strategic.js';

export { ConfigPatchError } from './errors.js';
export { parseConfig, renderConfig, type ConfigDocs } from './documents.js';
export { parsePointer, escapePointerToken, type JsonPatch } from './json6902.js';
export type { StrategicPatch } from './strategic.js';
export { toJS } from './tree.js';

export type Patch = StrategicPatch | JsonPatch;

/**
 * Reads a patch the way talosctl's LoadPatch does: a strategic merge patch (mappings, possibly
 * several documents) unless the text is a single list, which is a JSON 6902 patch (a JSON array and
 * a YAML list of {op, path, value} are the same thing here). Text with no document at all (empty,
 * comments, `null`) is an empty JSON 6902 patch there, so it is here too; a strategic patch whose
 * documents carry nothing (`{}`, `version: v1alpha1`) is refused there ("config not found").
 */
export function parsePatch(text: string, name: string): Patch {
  const roots = parseStream(text, name);
  if (roots.length === 0) return { type: 'json6902', name, ops: [] };
  const lists = roots.filter((r) => r.root.kind === 'seq');
  if (lists.length > 0) {
    if (roots.length > 1) {
      throw new ConfigPatchError('parse', `${name} mixes a list (a JSON 6902 patch) with other documents; a JSON 6902 patch must be one list`);
    }
    return jsonPatch(roots[0].root, name);
  }
  return strategicPatch(roots, name, roots.length > 1);
}

/** What a `--config-patch` value means, as talosctl's LoadPatches reads it. */
export type PatchArg = { kind: 'file'; path: string; name: string } | { kind: 'inline'; text: string; name: string };

/**
 * `@FILE` is a file; other text is inline, except that (as in talosctl) a value with no space or
 * newline that does not start with `[` or `{` is taken for a file name given without the `@`.
 * `position` is the 1-based place of the flag, used to name inline patches ("inline patch 2").
 */
export function classifyPatchArg(arg: string, position: number): PatchArg {
  if (arg.startsWith('@')) return { kind: 'file', path: arg.slice(1), name: arg.slice(1) };
  if (!/[\n ]/.test(arg) && !arg.startsWith('[') && !arg.startsWith('{')) return { kind: 'file', path: arg, name: arg };
  return { kind: 'inline', text: arg, name: `inline patch ${position}` };
}

/** Applies the patches in order to a copy of the config. Throws ConfigPatchError('apply'). */
export function applyPatches(config: ConfigDocs, patches: readonly Patch[]): ConfigDocs {
  let docs: WorkingDoc[] = config.docs.map((root) => {
    const ident = identify(root);
    if (typeof ident === 'string') throw new ConfigPatchError('parse', `a config document cannot be identified: ${ident}`);
    return { root: clone(root), ident };
  });
  // talosctl hands a JSON patch the config as written until a strategic patch has run; after one, it
  // hands it Go's re-encoding, whose scalars are typed, so no YAML 1.1 reading happens (json6902.ts).
  let asWritten = true;
  for (const patch of patches) {
    if (patch.type === 'json6902') {
      if (docs.length !== 1) {
        throw new ConfigPatchError(
          'apply',
          `${patch.name} is a JSON 6902 patch, which talosctl applies only to a single-document config, and this config has ${docs.length} documents (use a strategic merge patch)`,
        );
      }
      const root = applyJsonPatch(docs[0].root, patch, asWritten);
      const ident = identify(root);
      if (typeof ident === 'string') throw new ConfigPatchError('apply', `${patch.name} leaves a document that cannot be identified: ${ident}`);
      docs = [{ root, ident }];
    } else {
      applyStrategic(docs, patch);
      asWritten = false;
    }
  }
  return { docs: docs.map((d) => d.root) };
}

export interface PatchInput {
  name: string;
  text: string;
}

/** Parse the base and every patch (ConfigPatchError 'parse'), apply them (ConfigPatchError 'apply'), render. */
export function renderPatched(base: PatchInput, patches: readonly PatchInput[]): string {
  const config = parseConfig(base.text, base.name);
  const parsed = patches.map((p) => parsePatch(p.text, p.name));
  return renderConfig(applyPatches(config, parsed));
}
