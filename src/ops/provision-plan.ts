// Gathering the facts the plan decides on, reading only: the scan of the profile's (or the given)
// targets with insecure identification of maintenance nodes (MACs, certificate fingerprint), an mTLS
// probe of every expected node's target address with the cluster's talosconfig (is it configured
// already, and is it the right machine?), and whether etcd already has members. Then buildPlan.
import { primaryMac } from '../core/match.js';
import { parseTargets } from '../core/targets.js';
import { buildPlan, type ConfiguredProbe, type Plan, type RenderedNode, type ScannedNode } from '../core/provision/plan.js';
import { cosi, machine, TalosSession, type ResolvedContext } from '../talos/index.js';
import { checkBootstrap } from './bootstrap-guard.js';
import { discover, DEFAULT_PORT } from './discover.js';
import type { LoadedProfile } from './provision-inputs.js';

export interface PlanFacts {
  scan: ScannedNode[];
  configured: Map<string, ConfiguredProbe>;
  etcdBootstrapped: boolean;
  scanned: number;
}

export interface GatherOptions {
  loaded: LoadedProfile;
  rendered: ReadonlyMap<string, RenderedNode>;
  /** The cluster's talosconfig (generated with the configs). */
  talosconfig: ResolvedContext;
  /** Scan targets; default the profile's `scan`. */
  targets: readonly string[];
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

/** A session with the cluster's credentials and the given endpoints and nodes. */
export function clusterSession(talosconfig: ResolvedContext, endpoints: readonly string[], nodes: readonly string[] = endpoints): TalosSession {
  return new TalosSession({ ...talosconfig, endpoints: endpoints.map(withPort), nodes: [...nodes] }, { connectTimeoutMs: 3000 });
}

const withPort = (ip: string) => (/:\d+$/.test(ip) ? ip : `${ip}:${DEFAULT_PORT}`);

async function probeConfigured(talosconfig: ResolvedContext, target: string, signal?: AbortSignal): Promise<ConfiguredProbe> {
  const session = clusterSession(talosconfig, [target]);
  try {
    const t = session.target(target);
    await machine.version(t, { deadlineMs: 3000, signal });
    const links = await cosi.linkStatuses(t, { deadlineMs: 3000, signal }).catch(() => []);
    return { answers: true, macs: primaryMac(links.map((l) => ({ ...l, name: l.id }))).macs };
  } catch {
    return { answers: false, macs: [] };
  } finally {
    session.close();
  }
}

export async function gatherFacts(o: GatherOptions): Promise<PlanFacts> {
  const { profile } = o.loaded;
  const targetSet = parseTargets(o.targets);
  o.onProgress?.(`scanning ${o.targets.join(' ')}`);
  const found = await discover({ targets: targetSet, timeoutMs: o.timeoutMs, signal: o.signal });
  const scan: ScannedNode[] = found.nodes
    .filter((n) => n.kind === 'maintenance' || n.kind === 'configured')
    .map((n) => ({ ip: n.ip, port: n.port, maintenance: n.kind === 'maintenance', macs: n.macs, mac: n.mac, fingerprint: n.certFingerprint ?? null }));
  o.onProgress?.(`found ${scan.filter((n) => n.maintenance).length} maintenance node(s) among ${found.scanned} address(es)`);

  const configured = new Map<string, ConfiguredProbe>();
  await Promise.all(
    profile.nodes.map(async (node) => {
      const target = node.ip ?? o.rendered.get(node.name)?.address;
      if (target) configured.set(node.name, await probeConfigured(o.talosconfig, target, o.signal));
    }),
  );
  const answeringCps = profile.nodes.filter((n) => n.role === 'controlplane' && configured.get(n.name)?.answers);
  let etcdBootstrapped = false;
  if (answeringCps.length > 0) {
    const targets = answeringCps.map((n) => (n.ip ?? o.rendered.get(n.name)?.address)!);
    const session = clusterSession(o.talosconfig, targets);
    try {
      const checks = await checkBootstrap(session, targets[0]!);
      etcdBootstrapped = checks.some((c) => (c.members?.length ?? 0) > 0);
    } finally {
      session.close();
    }
  }
  return { scan, configured, etcdBootstrapped, scanned: found.scanned };
}

export function planFrom(loaded: LoadedProfile, rendered: ReadonlyMap<string, RenderedNode>, facts: PlanFacts, choices: { onlyFound?: boolean; allowUnpinned?: boolean }): Plan {
  return buildPlan({ profile: loaded.profile, scan: facts.scan, rendered, configured: facts.configured, etcdBootstrapped: facts.etcdBootstrapped, ...choices });
}
