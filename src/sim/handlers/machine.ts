// MachineService: version, services, apply-config, reboot, META, bootstrap, kubeconfig — with Talos
// v1.13.9's modes, wording and refusals.
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ApplyConfigurationRequest_Mode as Mode, type MachineService } from '../../talos/proto/gen/machine/machine_pb.js';
import { Code, RpcError } from '../../talos/status-codes.js';
import { configDiff, immediateApplyError, parseMachineConfig, type ParsedConfig } from '../machine-config.js';
import type { SimMachine } from '../machine-state.js';
import { Role } from '../rbac.js';
import { createRng, hashSeed } from '../rng.js';
import { restoreSnapshot } from '../etcd-snapshot.js';
import { serviceFailed, startService, stopService, type ServiceRecord } from '../services.js';
import { tarGzFile } from '../tar.js';
import type { SimCall, SimHandlers } from './types.js';

const TRY_TIMEOUT_DEFAULT_S = 60;

/** Go's time.Duration String() for whole seconds: 1m0s, 1h30m0s, 45s. */
export function goDuration(totalSeconds: number): string {
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  if (h) return `${h}h${m}m${s}s`;
  if (m) return `${m}m${s}s`;
  return `${s}s`;
}

function uuidFor(...parts: (string | number)[]): string {
  const h = createRng(hashSeed(...parts)).hex(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function serviceInfo(rec: ServiceRecord) {
  return {
    id: rec.id,
    state: rec.state,
    events: { events: rec.events.map((e) => ({ msg: e.msg, state: e.state, ts: timestampFromDate(e.ts) })) },
    health: {
      unknown: rec.health.unknown,
      healthy: rec.health.healthy,
      lastMessage: rec.health.lastMessage,
      lastChange: timestampFromDate(rec.health.lastChange),
    },
  };
}

function requireControlPlane(machine: SimMachine, apiName: string): void {
  if (machine.mode !== 'configured' || machine.role !== 'controlplane') {
    throw new RpcError(Code.UNIMPLEMENTED, `${apiName} is only available on control plane nodes`);
  }
}

function serviceOrFail(machine: SimMachine, id: string): ServiceRecord {
  const rec = machine.services.get(id);
  // Plain Go errors reach the client as code Unknown.
  if (!rec) throw new RpcError(Code.UNKNOWN, `service ${JSON.stringify(id)} not defined`);
  return rec;
}

function doStop(machine: SimMachine, rec: ServiceRecord): void {
  stopService(rec);
  machine.serviceEventLogged(rec.id, 'Finished', 'Service finished successfully');
}

function doStart(machine: SimMachine, rec: ServiceRecord): void {
  startService(rec, machine.pid(rec.id) + machine.services.size * rec.events.length);
  machine.serviceEventLogged(rec.id, 'Running', rec.events[rec.events.length - 1].msg);
  if (rec.id === 'etcd') machine.etcd.elect();
}

function kubeconfigText(machine: SimMachine): string {
  const name = machine.config?.clusterName ?? machine.cluster.clusterName;
  const fake = (label: string) => Buffer.from(`-----BEGIN ${label}-----\nsimulated\n-----END ${label}-----\n`).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: ' + name,
    '    cluster:',
    `      server: https://${machine.ip}:6443`,
    `      certificate-authority-data: ${fake('CERTIFICATE')}`,
    'users:',
    `  - name: admin@${name}`,
    '    user:',
    `      client-certificate-data: ${fake('CERTIFICATE')}`,
    `      client-key-data: ${fake('EC PRIVATE KEY')}`,
    'contexts:',
    `  - context:`,
    `      cluster: ${name}`,
    '      namespace: default',
    `      user: admin@${name}`,
    `    name: admin@${name}`,
    `current-context: admin@${name}`,
    '',
  ].join('\n');
}

async function applyConfiguration(req: { data: Uint8Array; mode: Mode; dryRun: boolean; tryModeTimeout?: { seconds: bigint } }, call: SimCall) {
  const { machine, roles, actions } = call;
  const inMaintenance = machine.mode === 'maintenance';
  if (machine.rebootPending) {
    throw new RpcError(
      Code.FAILED_PRECONDITION,
      'configuration was already applied and node is rebooting, cannot apply more configuration changes until next reboot',
    );
  }
  if (!inMaintenance && !roles.has(Role.admin)) throw new RpcError(Code.PERMISSION_DENIED, 'not authorized');

  const parsed = parseMachineConfig(req.data);
  if (!inMaintenance && !parsed.v1alpha1) {
    throw new RpcError(
      Code.INVALID_ARGUMENT,
      "the applied machine configuration doesn't contain v1alpha1 config, did you mean to patch the machine config instead?",
    );
  }

  let mode = req.mode;
  let modeDetails = 'Applied configuration with a reboot';
  let modeErr = '';
  // Talos v1.14: REBOOT is refused outside maintenance, AUTO never reboots, and every change is
  // accepted live (what needs a reboot takes effect at the next one).
  const v114 = /^v1\.(1[4-9]|[2-9]\d)\./.test(machine.talosVersion);
  if (inMaintenance && mode === Mode.REBOOT) mode = Mode.NO_REBOOT;
  if (v114 && mode === Mode.REBOOT) throw new RpcError(Code.UNIMPLEMENTED, 'the REBOOT mode is not supported, please use AUTO or NO_REBOOT modes instead');
  if (v114 && mode === Mode.AUTO) mode = Mode.NO_REBOOT;
  switch (mode) {
    case Mode.TRY:
    case Mode.NO_REBOOT: {
      const err = v114 ? '' : immediateApplyError(machine.config, parsed);
      if (err && !inMaintenance) throw new RpcError(Code.INVALID_ARGUMENT, err);
      modeDetails = 'Applied configuration without a reboot';
      break;
    }
    case Mode.STAGED:
      modeDetails = 'Staged configuration to be applied after the next reboot';
      break;
    case Mode.AUTO: {
      const err = immediateApplyError(machine.config, parsed);
      if (err && !inMaintenance) {
        mode = Mode.REBOOT;
        modeErr = ': ' + err;
      } else {
        mode = Mode.NO_REBOOT;
        modeDetails = 'Applied configuration without a reboot';
      }
      break;
    }
    case Mode.REBOOT:
      break;
    default:
      throw new RpcError(Code.UNKNOWN, `incorrect mode '${String(mode)}' specified for the apply config call`);
  }

  if (req.dryRun) {
    const diff = configDiff(machine.config?.text ?? '', parsed.text);
    return {
      messages: [
        { mode, modeDetails: `Dry run summary:\n${modeDetails} (skipped in dry-run).\nConfig diff:\n\n${diff || 'No changes.'}` },
      ],
    };
  }

  machine.machinedLog(`[talos] apply config request: mode ${Mode[req.mode].toLowerCase()}${req.mode === Mode.AUTO ? `(${Mode[mode].toLowerCase()})` : ''}`);
  switch (mode) {
    case Mode.TRY: {
      const seconds = req.tryModeTimeout ? Number(req.tryModeTimeout.seconds) : TRY_TIMEOUT_DEFAULT_S;
      modeDetails += `\nThe config is applied in 'try' mode and will be automatically reverted back in ${goDuration(seconds)}`;
      const previous = machine.config;
      applyNow(machine, parsed, call);
      if (!inMaintenance && previous) scheduleRevert(machine, previous, parsed, seconds);
      break;
    }
    case Mode.NO_REBOOT:
      applyNow(machine, parsed, call);
      break;
    case Mode.STAGED:
      machine.stagedConfig = parsed;
      break;
    case Mode.REBOOT:
      machine.rebootPending = true;
      actions.reboot(machine, { config: parsed });
      break;
  }
  return { messages: [{ mode, warnings: parsed.warnings, modeDetails: modeDetails + modeErr }] };
}

/** Config in effect now: a maintenance node installs and reboots into it; a configured node updates live. */
function applyNow(machine: SimMachine, parsed: ParsedConfig, call: SimCall): void {
  if (machine.mode === 'maintenance') {
    if (!parsed.v1alpha1) {
      // Partial configs (no v1alpha1 document) are accepted but do not complete the boot: stay in maintenance.
      machine.stagedConfig = parsed;
      return;
    }
    machine.rebootPending = true;
    call.actions.reboot(machine, { config: parsed });
    return;
  }
  machine.config = parsed;
  if (parsed.hostname && parsed.hostname !== machine.hostname) {
    machine.machinedLog(`[talos] setting hostname {"hostname": "${parsed.hostname}"}`);
    machine.hostname = parsed.hostname;
  }
  machine.refresh();
}

/** TRY mode: the previous config comes back after the timeout unless another apply replaced the tried one. */
function scheduleRevert(machine: SimMachine, previous: ParsedConfig, tried: ParsedConfig, seconds: number): void {
  const timer = setTimeout(() => {
    if (machine.config !== tried) return;
    machine.machinedLog('[talos] rolling back the config applied in try mode');
    machine.config = previous;
    if (previous.hostname) machine.hostname = previous.hostname;
    machine.refresh();
  }, seconds * 1000);
  timer.unref();
}

export const machineHandlers: SimHandlers<typeof MachineService> = {
  async version(_req, { machine }) {
    return {
      messages: [
        {
          version: { tag: machine.talosVersion, sha: '5a8f2c1d', built: '2026-10-01T00:00:00Z', goVersion: 'go1.25.7', os: 'linux', arch: 'amd64' },
          platform: { name: 'metal', mode: 'metal' },
          // machined fills features only from a machine config: a maintenance node has none.
          ...(machine.mode === 'maintenance' ? {} : { features: { rbac: true } }),
        },
      ],
    };
  },

  async serviceList(_req, { machine }) {
    const services = [...machine.services.values()].sort((a, b) => a.id.localeCompare(b.id));
    return { messages: [{ services: services.map(serviceInfo) }] };
  },

  async serviceStart(req, { machine }) {
    const rec = serviceOrFail(machine, req.id);
    if (rec.state !== 'Running') {
      if (!rec.apiControl.start) throw new RpcError(Code.UNKNOWN, `service ${JSON.stringify(req.id)} doesn't support start operation via API`);
      doStart(machine, rec);
      machine.refresh();
    }
    return { messages: [{ resp: `Service ${JSON.stringify(req.id)} started` }] };
  },

  async serviceStop(req, { machine }) {
    const rec = serviceOrFail(machine, req.id);
    if (rec.state === 'Running') {
      if (!rec.apiControl.stop) throw new RpcError(Code.UNKNOWN, `service ${JSON.stringify(req.id)} doesn't support stop operation via API`);
      doStop(machine, rec);
      machine.refresh();
    }
    return { messages: [{ resp: `Service ${JSON.stringify(req.id)} stopped` }] };
  },

  async serviceRestart(req, { machine }) {
    const rec = serviceOrFail(machine, req.id);
    if (rec.state !== 'Running') {
      // Restarting a stopped service is a start.
      if (!rec.apiControl.start) throw new RpcError(Code.UNKNOWN, `service ${JSON.stringify(req.id)} doesn't support start operation via API`);
    } else {
      if (!rec.apiControl.restart) throw new RpcError(Code.UNKNOWN, `service ${JSON.stringify(req.id)} doesn't support restart operation via API`);
      doStop(machine, rec);
    }
    doStart(machine, rec);
    machine.refresh();
    return { messages: [{ resp: `Service ${JSON.stringify(req.id)} restarted` }] };
  },

  applyConfiguration: (req, call) => applyConfiguration(req, call),

  async reboot(_req, call) {
    const { machine } = call;
    const actorId = uuidFor(machine.cluster.seed, machine.name, 'reboot', machine.bootCount);
    machine.machinedLog(`[talos] reboot via API received. actor id: ${actorId}`);
    call.actions.reboot(machine, machine.stagedConfig ? { config: machine.stagedConfig } : undefined);
    return { messages: [{ actorId }] };
  },

  async metaWrite(req, { machine }) {
    if (req.key > 0xff) throw new RpcError(Code.INVALID_ARGUMENT, 'key must be a uint8');
    machine.meta.set(req.key, req.value);
    machine.refresh();
    return { messages: [{}] };
  },

  async metaDelete(req, { machine }) {
    if (req.key > 0xff) throw new RpcError(Code.INVALID_ARGUMENT, 'key must be a uint8');
    if (!machine.meta.delete(req.key)) throw new RpcError(Code.NOT_FOUND, 'meta key not found');
    machine.refresh();
    return { messages: [{}] };
  },

  async bootstrap(req, call) {
    const { machine } = call;
    requireControlPlane(machine, 'bootstrap');
    const etcd = machine.etcd;
    // Talos checks the local etcd data directory; a member (or a node of a bootstrapped cluster) has data.
    if (etcd.bootstrapped || etcd.member(machine.memberId)) throw new RpcError(Code.ALREADY_EXISTS, 'etcd data directory is not empty');
    machine.machinedLog('[talos] bootstrap request received');
    let restored;
    if (req.recoverEtcd) {
      // Talos answers Bootstrap at once and restores in etcd's pre stage: a bad or missing upload
      // shows as the etcd service Failed, not as an error of this call.
      try {
        restored = restoreSnapshot(machine.recoverySnapshot, req.recoverSkipHashCheck);
      } catch (err) {
        const rec = machine.services.get('etcd');
        if (rec) machine.serviceEventLogged('etcd', 'Failed', serviceFailed(rec, (err as Error).message));
        machine.refresh();
        return { messages: [{}] };
      }
      const { data, hash } = restored;
      machine.machinedLog(`[talos] recovering etcd from snapshot: hash ${hash.toString(16).padStart(8, '0')}, revision ${data.revision}, total keys ${data.totalKeys}, total size ${data.dbSize}`);
      machine.recoverySnapshot = undefined;
    }
    etcd.bootstrap(machine, restored?.data);
    machine.startEtcd();
    call.actions.bootstrapped(machine);
    return { messages: [{}] };
  },

  async kubeconfig(_req, { machine }, send) {
    requireControlPlane(machine, 'kubeconfig');
    await send({ bytes: tarGzFile('kubeconfig', Buffer.from(kubeconfigText(machine))) });
  },
};
