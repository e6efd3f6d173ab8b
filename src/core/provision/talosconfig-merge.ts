// The talosconfig context of a provisioned cluster written into the admin's talosconfig (runbook step
// 12: endpoints = the control planes, nodes = all nodes), as `talosctl config merge` adds contexts:
// other contexts are kept and the new one becomes current. A context of the same name holding the
// same CA is this cluster's (a rerun): it is updated in place. One with another CA is another
// cluster's: it is kept and the new context is named NAME-1, NAME-2, ... unless force replaces it.
import { parse, stringify } from 'yaml';

type Context = { endpoints?: string[]; nodes?: string[]; ca?: string; crt?: string; key?: string; [k: string]: unknown };
type Talosconfig = { context?: string; contexts?: Record<string, Context>; [k: string]: unknown };

export interface TalosconfigMerge {
  text: string;
  context: string;
  change: string;
}

export function mergeTalosconfig(
  existing: string | null,
  generated: string,
  opts: { clusterName: string; endpoints: string[]; nodes: string[]; force: boolean },
): TalosconfigMerge {
  const base: Talosconfig = existing && existing.trim() !== '' ? (parse(existing) as Talosconfig) : {};
  if (typeof base !== 'object' || base === null) throw new Error('the existing talosconfig is not a mapping');
  const gen = parse(generated) as Talosconfig;
  const source = gen.contexts?.[gen.context ?? ''] ?? Object.values(gen.contexts ?? {})[0];
  if (!source) throw new Error('the generated talosconfig has no context');
  const ctx: Context = { ...source, endpoints: opts.endpoints, nodes: opts.nodes };
  const contexts = (base.contexts ??= {});
  let name = opts.clusterName;
  let change = `talosconfig context ${name} added`;
  const taken = contexts[name];
  if (taken && (taken.ca === ctx.ca || opts.force)) change = `talosconfig context ${name} updated`;
  else if (taken) {
    let n = 1;
    while (contexts[`${name}-${n}`]) n++;
    name = `${name}-${n}`;
    change = `talosconfig context ${opts.clusterName} belongs to another cluster: added as ${name} (--force replaces)`;
  }
  contexts[name] = ctx;
  base.context = name;
  return { text: stringify(base), context: name, change };
}
