// Applying a rendered machine config to one node, shared by `talos-tui apply` and (later) the Apply
// pane: choose the connection (maintenance/insecure with optional fingerprint pins, or the session's
// mutual TLS), send ApplyConfiguration with the mode always set, and turn the reply or the refusal
// into text an operator can read. No React, no argv, no files.
import { REDACTED } from '../core/config-redact.js';
import { redactNodeReply } from '../core/secret-lines.js';
import { describeError, machine, TalosError, Code, type NodeTarget, type TalosSession, type InsecureOptions } from '../talos/index.js';

export type ApplyMode = machine.ApplyMode;

/** The modes `--mode` accepts. `reboot` is Talos's deprecated REBOOT, sent explicitly when asked for. */
export const APPLY_MODES: readonly ApplyMode[] = ['auto', 'no-reboot', 'reboot', 'staged', 'try'];

/** talosctl's default `--timeout` for try mode (constants.ConfigTryTimeout). */
export const DEFAULT_TRY_TIMEOUT_MS = 60_000;

export function isApplyMode(value: string): value is ApplyMode {
  return (APPLY_MODES as readonly string[]).includes(value);
}

const DURATION_UNITS_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration ("1m", "90s", "1m30s", "500ms") in milliseconds, or undefined when it is not one. */
export function parseGoDuration(text: string): number | undefined {
  const t = text.trim();
  if (t === '0') return 0;
  if (!/^(\d+(\.\d+)?(ns|us|\u00b5s|ms|s|m|h))+$/.test(t)) return undefined;
  let ms = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ns|us|\u00b5s|ms|s|m|h)/g)) ms += Number(m[1]) * DURATION_UNITS_MS[m[2]!]!;
  return Math.round(ms);
}

export interface ApplyRequestPlan {
  /** The node, as the user named it (IP, or IP:port for a maintenance node on another port). */
  node: string;
  /** The machine config to send (YAML, one or more documents). */
  config: string;
  /** Default 'auto' (talosctl's default); never left to the wire default REBOOT. */
  mode?: ApplyMode;
  dryRun?: boolean;
  /** Try mode only: when the node rolls back. */
  tryTimeoutMs?: number;
  /** Maintenance mode: TLS without a client certificate, straight to the node. */
  insecure?: boolean;
  /** With insecure: the node's certificate must match one of these or nothing is sent. */
  fingerprints?: string[];
  /** After the config is applied, send Reboot (what --mode reboot did before Talos v1.14). */
  rebootAfter?: boolean;
  /** Keep the secrets in Talos's dry-run diff (headless --show-secrets); otherwise they are replaced. */
  showSecrets?: boolean;
  signal?: AbortSignal;
}

export interface ApplyOutcome {
  node: string;
  requestedMode: ApplyMode;
  /** The mode the node used (auto resolves to no-reboot or reboot). */
  mode: ApplyMode;
  dryRun: boolean;
  modeDetails: string;
  warnings: string[];
  /** The node's Talos version as read before applying (configured nodes; '' when unknown). */
  talosVersion: string;
  /** Something the operator should know about how this Talos applied it (one sentence), or ''. */
  note: string;
  /** rebootAfter: the Reboot call was accepted. */
  rebooted: boolean;
}

/** Where a plan's call goes: the maintenance connection, or the session's endpoints with the `node` header. */
export interface ApplyConnector {
  insecure(address: string, opts: InsecureOptions): NodeTarget;
  session(): TalosSession;
}

/**
 * Send the config to the node and report what it did. Throws a TalosError whose message is one
 * line (see refusalSentence) when the node refuses or cannot be reached; with pins that do not
 * match, the client fails before ApplyConfiguration is sent.
 */
export async function applyConfig(connect: ApplyConnector, plan: ApplyRequestPlan): Promise<ApplyOutcome> {
  const mode = plan.mode ?? 'auto';
  const dryRun = plan.dryRun ?? false;
  const target = plan.insecure ? connect.insecure(plan.node, { fingerprints: plan.fingerprints }) : connect.session().target(plan.node);
  // A configured node's version decides what the modes mean (maintenance nodes apply, install and reboot alike).
  const talosVersion = plan.insecure ? '' : await versionOf(target, plan.signal);
  const v114 = atLeast(talosVersion, 1, 14);
  if (v114 && mode === 'reboot') {
    throw new TalosError({
      code: Code.FAILED_PRECONDITION,
      message: `${plan.node} runs Talos ${talosVersion}, which answers Unimplemented to --mode reboot outside maintenance mode: nothing was sent; use --mode no-reboot --reboot to apply and then reboot`,
      node: plan.node,
    });
  }
  let result: Awaited<ReturnType<typeof machine.applyConfiguration>>;
  try {
    result = await machine.applyConfiguration(
      target,
      { config: plan.config, mode, dryRun, tryModeTimeoutMs: mode === 'try' ? (plan.tryTimeoutMs ?? DEFAULT_TRY_TIMEOUT_MS) : undefined },
      { signal: plan.signal },
    );
  } catch (err) {
    const e = describeError(err, { node: plan.node, method: 'ApplyConfiguration', insecure: plan.insecure });
    // Talos's immediate-mode refusal quotes the config diff, secrets included.
    throw new TalosError({ code: e.code, message: refusalSentence(e, plan.node), node: e.node, endpoint: e.endpoint, details: redactNodeReply(e.details, REDACTED), cause: e });
  }
  const note =
    v114 && mode === 'auto' && !plan.rebootAfter
      ? `Talos ${talosVersion} applies --mode auto without a reboot: changes that need one take effect at the next reboot (talos-tui apply --reboot applies and then reboots)`
      : '';
  let rebooted = false;
  if (plan.rebootAfter && !dryRun) {
    try {
      await machine.reboot(target, 'default', { signal: plan.signal });
      rebooted = true;
    } catch (err) {
      const e = describeError(err, { node: plan.node, method: 'Reboot' });
      throw new TalosError({ code: e.code, message: `the config was applied to ${plan.node}, but the reboot failed: ${oneLine(e.message)}`, node: e.node, details: e.details, cause: e });
    }
  }
  return { node: plan.node, requestedMode: mode, mode: result.mode, dryRun, modeDetails: plan.showSecrets ? result.modeDetails : redactNodeReply(result.modeDetails, REDACTED), warnings: result.warnings, talosVersion, note, rebooted };
}

async function versionOf(target: NodeTarget, signal?: AbortSignal): Promise<string> {
  try {
    return (await machine.version(target, { deadlineMs: 5000, signal })).version?.tag ?? '';
  } catch {
    return ''; // unknown: the apply itself will say what is wrong with the connection
  }
}

/** "v1.14.1" >= major.minor; false when the tag is not a version. */
export function atLeast(tag: string, major: number, minor: number): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(tag);
  if (!m) return false;
  const [maj, min] = [Number(m[1]), Number(m[2])];
  return maj > major || (maj === major && min >= minor);
}

/** hashicorp/go-multierror text ("2 errors occurred:\n\t* a\n\t* b\n\n") as "a; b"; other text as is. */
export function flattenMultiError(text: string): string {
  const m = /^\s*\d+ errors? occurred:\s*\n([\s\S]*)$/.exec(text);
  if (!m) return text.trim();
  return m[1]!
    .split('\n')
    .map((l) => l.replace(/^\s*\*\s?/, '').trim())
    .filter((l) => l !== '')
    .join('; ');
}

/**
 * One line for a failed apply. A config the node rejects (INVALID_ARGUMENT: Talos's validation or
 * decode text) says "NODE rejected the config: <Talos's words>"; a change that needs a reboot under
 * --mode no-reboot/try keeps only its first line (the diff is what --dry-run shows). Anything else is
 * describeError's sentence with its lines joined.
 */
export function refusalSentence(err: TalosError, node: string): string {
  if (err.code === Code.INVALID_ARGUMENT || err.code === Code.FAILED_PRECONDITION) {
    const text = flattenMultiError(err.details);
    if (/can't be applied in immediate mode/.test(text)) {
      return `${node} rejected the config: ${text.split('\n')[0]!.trim()} (--dry-run shows the change; --mode auto reboots when needed, or use --mode staged)`;
    }
    if (err.code === Code.FAILED_PRECONDITION) return `${node} refused the config: ${oneLine(text)}`;
    return `${node} rejected the config: ${oneLine(text)}`;
  }
  if (err.code === Code.UNIMPLEMENTED && /REBOOT mode is not supported/i.test(err.details)) {
    return `${node} does not support --mode reboot (Talos v1.14 and later): use --mode no-reboot --reboot to apply and then reboot`;
  }
  return oneLine(err.message);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** What talosctl prints for a reply (PrintApplyResults): warnings, then the mode details. */
export function formatOutcome(o: ApplyOutcome): { warnings: string[]; details: string } {
  let details = o.modeDetails !== '' ? o.modeDetails : o.dryRun ? 'Dry run: nothing was applied.' : `Applied configuration (mode ${o.mode}).`;
  if (!details.endsWith('\n')) details += '\n';
  if (o.rebooted) details += `Rebooting ${o.node}.\n`;
  const notes = o.note !== '' ? [`NOTE: ${o.note}`] : [];
  return { warnings: [...o.warnings.map((w) => `WARNING: ${o.node}: ${w}`), ...notes], details };
}
