// Talos RBAC as machined enforces it (v1.13 rules table): the client certificate's subject Organization
// names the roles; a method allowed to none of them answers PERMISSION_DENIED "not authorized".
// Maintenance mode runs apid in read-only role mode: every caller is os:reader.
import { Code, RpcError } from '../talos/status-codes.js';
import { subjectOrganizations } from './pki.js';

export const Role = {
  admin: 'os:admin',
  operator: 'os:operator',
  reader: 'os:reader',
  etcdBackup: 'os:etcd:backup',
  metaWriter: 'os:meta:writer',
} as const;

const KNOWN = new Set<string>(Object.values(Role));
const { admin, operator, reader, etcdBackup, metaWriter } = Role;
const READ = [admin, operator, reader];

/** Roles allowed per method path; methods not listed fall back to admin only. */
const RULES: Record<string, string[]> = {
  '/cluster.ClusterService/HealthCheck': READ,
  '/machine.MachineService/ApplyConfiguration': READ, // the handler itself requires admin outside maintenance
  '/machine.MachineService/Bootstrap': [admin],
  '/machine.MachineService/Containers': READ, // maintenance (os:reader) included, as in Talos v1.13
  '/machine.MachineService/Dmesg': READ,
  '/machine.MachineService/EtcdAlarmList': [...READ, etcdBackup],
  '/machine.MachineService/EtcdAlarmDisarm': [admin, operator],
  '/machine.MachineService/EtcdDefragment': [admin, operator],
  '/machine.MachineService/EtcdForfeitLeadership': [admin],
  '/machine.MachineService/EtcdLeaveCluster': [admin],
  '/machine.MachineService/EtcdMemberList': [...READ, etcdBackup],
  '/machine.MachineService/EtcdRecover': [admin],
  '/machine.MachineService/EtcdRemoveMemberByID': [admin],
  '/machine.MachineService/EtcdSnapshot': [admin, operator, etcdBackup],
  '/machine.MachineService/EtcdStatus': [...READ, etcdBackup],
  '/machine.MachineService/Kubeconfig': [admin],
  '/machine.MachineService/Logs': READ,
  '/machine.MachineService/LogsContainers': READ,
  '/machine.MachineService/MetaWrite': [admin, metaWriter],
  '/machine.MachineService/MetaDelete': [admin, metaWriter],
  '/machine.MachineService/Reboot': [admin, operator],
  '/machine.MachineService/ServiceList': READ,
  '/machine.MachineService/ServiceRestart': [admin, operator],
  '/machine.MachineService/ServiceStart': [admin, operator],
  '/machine.MachineService/ServiceStop': [admin, operator],
  '/machine.MachineService/Version': READ,
  '/machine.MachineService/LoadAvg': READ,
  '/machine.MachineService/Memory': READ,
  '/machine.MachineService/SystemStat': READ,
  '/cosi.resource.State/Get': READ,
  '/cosi.resource.State/List': READ,
  '/cosi.resource.State/Watch': READ,
  '/storage.StorageService/Disks': READ,
};

/** Roles carried by a client certificate (unknown organisations are ignored, as Talos does). */
export function rolesFromCertificate(der: Buffer | null): Set<string> {
  if (!der) return new Set();
  return new Set(subjectOrganizations(der).filter((o) => KNOWN.has(o)));
}

export function authorize(methodPath: string, roles: Set<string>): void {
  const allowed = RULES[methodPath] ?? [admin];
  if (!allowed.some((r) => roles.has(r))) throw new RpcError(Code.PERMISSION_DENIED, 'not authorized');
}
