// YAML from a user (patches, base configs, inventories, META documents) is expanded into plain data.
// An alias bomb (a few lines of anchors referring to anchors) expands to billions of nodes: minutes
// of CPU and gigabytes of memory. Every parse checks the expansion first with the `yaml` package's
// own guard, the limit META and inventories already used (yaml's default of 100).
import type { Document } from 'yaml';

export const MAX_YAML_ALIAS_COUNT = 100;

/** Why expanding `doc` is refused ("it expands aliases ..."), or null when it is within the limits. */
export function yamlExpansionProblem(doc: Document): string | null {
  try {
    doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
    return null;
  } catch (err) {
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      return `it uses YAML aliases too many times (an alias bomb: more than ${MAX_YAML_ALIAS_COUNT} expansions)`;
    }
    if (err instanceof RangeError) return 'it nests too deeply';
    throw err;
  }
}
