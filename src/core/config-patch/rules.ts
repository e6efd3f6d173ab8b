// Where talosctl's merge is not the default (maps merge key by key, lists concatenate, scalars
// replace unless zero). talosctl reads these from Go struct tags and Merge methods; without the
// types, this table names the paths. Path syntax: keys joined by '.', '[]' for "any list element".
//
// Upstream sources (siderolabs/talos, pkg/machinery/config/types/...):
//   v1alpha1/v1alpha1_types.go  `merge:"replace"` on ClusterNetworkConfig.PodSubnet/ServiceSubnet and
//                               APIServerConfig.AuditPolicyConfig; NetworkDeviceList.Merge (by
//                               `interface`, else an equal `deviceSelector`), VlanList.Merge (by
//                               vlanId), AdmissionPluginConfigList.Merge (by name); meta.Args for the
//                               extraArgs of kubelet, apiServer, controllerManager, proxy, scheduler, etcd.
//   meta/args.go                Args.Merge = maps.Copy: each key replaced whole.
//   runtime/extensions/service_config.go  ConfigFileList.Merge (by mountPath).
//   security/image_verification.go        ImageVerificationRules.Merge (by image; the rule is replaced).
import { LEGACY_ID } from './documents.js';

export type ListRule =
  | { type: 'replace' }
  /** key 'interface' also matches an equal deviceSelector; replaceElement: the match is replaced, not merged. */
  | { type: 'keyed'; key: string; replaceElement?: boolean };

export type Rule = ListRule | { type: 'args' };

const v1alpha1: Record<string, Rule> = {
  'cluster.network.podSubnets': { type: 'replace' },
  'cluster.network.serviceSubnets': { type: 'replace' },
  'cluster.apiServer.auditPolicy': { type: 'replace' },
  'machine.network.interfaces': { type: 'keyed', key: 'interface' },
  'machine.network.interfaces[].vlans': { type: 'keyed', key: 'vlanId' },
  'cluster.apiServer.admissionControl': { type: 'keyed', key: 'name' },
  'machine.kubelet.extraArgs': { type: 'args' },
  'cluster.apiServer.extraArgs': { type: 'args' },
  'cluster.controllerManager.extraArgs': { type: 'args' },
  'cluster.proxy.extraArgs': { type: 'args' },
  'cluster.scheduler.extraArgs': { type: 'args' },
  'cluster.etcd.extraArgs': { type: 'args' },
};

const byKind: Record<string, Record<string, Rule>> = {
  ExtensionServiceConfig: { configFiles: { type: 'keyed', key: 'mountPath' } },
  ImageVerificationConfig: { rules: { type: 'keyed', key: 'image', replaceElement: true } },
};

/** `docKind` is the document's kind, or LEGACY_ID for the v1alpha1 machine config. */
export function ruleFor(docKind: string, schemaPath: string): Rule | undefined {
  const table = docKind === LEGACY_ID ? v1alpha1 : byKind[docKind];
  return table?.[schemaPath];
}
