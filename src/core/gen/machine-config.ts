// The controlplane and worker machine configs Talos's generator (machinery config/generate) produces for
// a contract, as ordered YAML trees in Talos's field order; rendered with comments disabled they are the
// bytes `talosctl gen config --with-docs=false --with-examples=false` writes.
//
// Up to v1.13 almost everything sits in the v1alpha1 document; v1.12 moves registries and the hostname,
// v1.13 KubeSpan, and v1.14 Kubernetes, discovery, host DNS, install and sysctls into documents of their own.
import { crtPem, keyPem, type SecretsBundle } from './bundle.js';
import { features, type Contract, type ContractFeatures } from './contract.js';
import { goMap, marshalGoYaml, sortedGoMap, type GoMap, type GoYaml } from './go-yaml.js';

export interface GenerateOptions {
  clusterName: string;
  /** The Kubernetes API endpoint, https://host:port */
  endpoint: string;
  /** Without the leading v. */
  kubernetesVersion: string;
  contract: Contract;
  bundle: SecretsBundle;
  installDisk?: string;
  installImage?: string;
  additionalSANs?: string[];
  dnsDomain?: string;
  /** Cluster discovery (talosctl: --with-cluster-discovery, default on). */
  discovery?: boolean;
  /** KubeSpan (talosctl: --with-kubespan); only ever switched on. */
  kubespan?: boolean;
  allowSchedulingOnControlPlanes?: boolean;
  installExtraKernelArgs?: string[];
  /** 0 or absent: the default (6443, not written). */
  localAPIServerPort?: number;
  sysctls?: Record<string, string>;
  cniURL?: string;
  /** [host, mirror URL] pairs in the order given; endpoints of one host accumulate. */
  registryMirrors?: Array<[string, string]>;
  /**
   * Talos's encoder with comments on (talosctl's default --with-docs/--with-examples) also writes the
   * empty `machine.registries: {}` that the plain encoder leaves out; set this to get the same values.
   * The documentation comments themselves are not written.
   */
  documented?: boolean;
}

export type MachineType = 'controlplane' | 'worker';

const KUBELET_IMAGE = 'ghcr.io/siderolabs/kubelet';
const APISERVER_IMAGE = 'registry.k8s.io/kube-apiserver';
const CONTROLLER_MANAGER_IMAGE = 'registry.k8s.io/kube-controller-manager';
const SCHEDULER_IMAGE = 'registry.k8s.io/kube-scheduler';
const PROXY_IMAGE = 'registry.k8s.io/kube-proxy';
const DEFAULT_POD_CIDR = '10.244.0.0/16';
const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';
const KUBEPRISM_PORT = 7445;
const DISCOVERY_ENDPOINT = 'https://discovery.talos.dev/';
const LABEL_CONTROL_PLANE = 'node-role.kubernetes.io/control-plane';
const LABEL_EXCLUDE_LB = 'node.kubernetes.io/exclude-from-external-load-balancers';

const nonEmpty = <T>(list: T[] | undefined): T[] | undefined => (list && list.length > 0 ? list : undefined);
const nonEmptyString = (s: string | undefined): string | undefined => (s ? s : undefined);
const nonEmptyMap = (m: GoMap): GoMap | undefined => (m.size > 0 ? m : undefined);

/** Resolved inputs, as machinery's Input holds them after NewInput. */
interface Input extends GenerateOptions {
  f: ContractFeatures;
  dnsDomain: string;
  discovery: boolean;
  certSANs: string[];
  mirrors: Array<[string, string[]]>;
}

function resolve(o: GenerateOptions): Input {
  const mirrors = new Map<string, string[]>();
  for (const [host, url] of o.registryMirrors ?? []) mirrors.set(host, [...(mirrors.get(host) ?? []), url]);
  return {
    ...o,
    f: features(o.contract),
    dnsDomain: o.dnsDomain ?? 'cluster.local',
    discovery: o.discovery ?? true,
    certSANs: o.additionalSANs ?? [],
    mirrors: [...mirrors],
  };
}

/** url.Hostname() of the endpoint: the host without port or IPv6 brackets. */
function endpointHost(endpoint: string): string | undefined {
  try {
    return new URL(endpoint).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return undefined;
  }
}

function apiServerSANs(i: Input): string[] {
  const host = i.f.populateClusterSANsFromEndpoint ? endpointHost(i.endpoint) : undefined;
  return [...(host !== undefined ? [host] : []), ...i.certSANs];
}

const doc = (kind: string, entries: Array<[string, GoYaml | undefined]>): GoMap => goMap([['apiVersion', 'v1alpha1'], ['kind', kind], ...entries]);

// ------------------------------------------------------------ shared defaults

function podSecurityConfiguration(): GoMap {
  return goMap([
    ['apiVersion', 'pod-security.admission.config.k8s.io/v1alpha1'],
    [
      'defaults',
      goMap([
        ['audit', 'restricted'],
        ['audit-version', 'latest'],
        ['enforce', 'baseline'],
        ['enforce-version', 'latest'],
        ['warn', 'restricted'],
        ['warn-version', 'latest'],
      ]),
    ],
    ['exemptions', goMap([['namespaces', ['kube-system']], ['runtimeClasses', []], ['usernames', []]])],
    ['kind', 'PodSecurityConfiguration'],
  ]);
}

const auditPolicy = (): GoMap => goMap([['apiVersion', 'audit.k8s.io/v1'], ['kind', 'Policy'], ['rules', [goMap([['level', 'Metadata']])]]]);

function install(i: Input): GoMap | undefined {
  if (i.f.multidocKubernetes) return undefined; // v1.14: UnattendedInstallConfig
  return goMap([
    ['disk', nonEmptyString(i.installDisk)],
    ['extraKernelArgs', nonEmpty(i.installExtraKernelArgs)],
    ['image', nonEmptyString(i.installImage)],
    ['wipe', false],
    ['grubUseUKICmdline', i.f.grubUseUKICmdline ? true : undefined],
  ]);
}

function machineFeatures(i: Input): GoMap {
  const f = i.f;
  return goMap([
    ['rbac', f.hideRBACAndKeyUsage ? undefined : true],
    ['stableHostname', f.stableHostname && !f.multidocNetwork ? true : undefined],
    ['apidCheckExtKeyUsage', !f.hideRBACAndKeyUsage && f.apidExtKeyUsageCheck ? true : undefined],
    ['diskQuotaSupport', f.diskQuotaSupport ? true : undefined],
    ['kubePrism', !f.multidocKubernetes && f.kubePrism ? goMap([['enabled', true], ['port', KUBEPRISM_PORT]]) : undefined],
    [
      'hostDNS',
      f.hostDNS && !f.multidocKubernetes ? goMap([['enabled', true], ['forwardKubeDNSToHost', f.hostDNSForwardKubeDNSToHost ? true : undefined]]) : undefined,
    ],
  ]);
}

function legacyRegistries(i: Input): GoMap | undefined {
  if (i.f.multidocNetwork) return undefined;
  const mirrors: Record<string, GoYaml> = {};
  for (const [host, endpoints] of i.mirrors) mirrors[host] = goMap([['endpoints', endpoints]]);
  const registries = goMap([['mirrors', nonEmptyMap(sortedGoMap(mirrors))]]);
  return i.documented ? registries : nonEmptyMap(registries);
}

function legacyNetwork(i: Input): GoMap | undefined {
  if (i.f.kubeSpanMultidoc) return undefined;
  return goMap([['kubespan', i.kubespan ? goMap([['enabled', true]]) : undefined]]);
}

function machineSection(i: Input, machineType: MachineType): GoMap {
  const f = i.f;
  const cp = machineType === 'controlplane';
  const legacyK8s = !f.multidocKubernetes;
  const os = i.bundle.certs.os;
  return goMap([
    ['type', machineType],
    ['token', i.bundle.trustdToken],
    ['ca', goMap([['crt', os.crt], ['key', cp ? os.key : '']])],
    ['certSANs', i.certSANs],
    [
      'kubelet',
      legacyK8s
        ? goMap([
            ['image', `${KUBELET_IMAGE}:v${i.kubernetesVersion}`],
            ['defaultRuntimeSeccompProfileEnabled', f.kubeletSeccompDefault ? true : undefined],
            ['disableManifestsDirectory', f.kubeletManifestsDirectoryDisabled ? true : undefined],
          ])
        : undefined,
    ],
    ['network', legacyNetwork(i)],
    ['install', install(i)],
    ['sysctls', !f.multidocKubernetes && i.sysctls && Object.keys(i.sysctls).length > 0 ? sortedGoMap(i.sysctls) : undefined],
    ['registries', legacyRegistries(i)],
    ['features', machineFeatures(i)],
    ['nodeLabels', cp && f.excludeFromExternalLoadBalancer && legacyK8s ? sortedGoMap({ [LABEL_EXCLUDE_LB]: '' }) : undefined],
  ]);
}

function legacyCNI(i: Input): GoMap | undefined {
  return i.cniURL ? goMap([['name', 'custom'], ['urls', [i.cniURL]]]) : undefined;
}

function legacyDiscovery(i: Input): GoMap | undefined {
  if (i.f.multidocKubernetes) return undefined;
  return goMap([
    ['enabled', i.discovery],
    ['registries', goMap([['kubernetes', goMap([['disabled', i.f.discoveryKubernetesBackendDisabled ? true : undefined]])], ['service', goMap([])]])],
  ]);
}

function clusterNetwork(i: Input): GoMap {
  return goMap([['cni', legacyCNI(i)], ['dnsDomain', i.dnsDomain], ['podSubnets', [DEFAULT_POD_CIDR]], ['serviceSubnets', [DEFAULT_SERVICE_CIDR]]]);
}

const pair = (p: { crt: string; key: string }): GoMap => goMap([['crt', p.crt], ['key', p.key]]);

function encryptionSecrets(i: Input): Array<[string, GoYaml | undefined]> {
  // Contracts from v1.3 on use secretbox; the value is the bundle's (an old bundle may only have AES-CBC).
  return [['secretboxEncryptionSecret', nonEmptyString(i.bundle.secrets.secretboxEncryptionSecret)]];
}

function controlplaneCluster(i: Input): GoMap {
  const f = i.f;
  const b = i.bundle;
  if (f.multidocKubernetes) return goMap([['token', b.secrets.bootstrapToken], ['etcd', goMap([['ca', pair(b.certs.etcd)]])]]);
  const img = (name: string): GoMap => goMap([['image', `${name}:v${i.kubernetesVersion}`]]);
  return goMap([
    ['id', b.cluster.id],
    ['secret', b.cluster.secret],
    ['controlPlane', goMap([['endpoint', i.endpoint], ['localAPIServerPort', i.localAPIServerPort ? i.localAPIServerPort : undefined]])],
    ['clusterName', nonEmptyString(i.clusterName)],
    ['network', clusterNetwork(i)],
    ['token', b.secrets.bootstrapToken],
    ...encryptionSecrets(i),
    ['ca', pair(b.certs.k8s)],
    ['aggregatorCA', pair(b.certs.k8sAggregator)],
    ['serviceAccount', goMap([['key', b.certs.k8sServiceAccount.key]])],
    [
      'apiServer',
      goMap([
        ['image', `${APISERVER_IMAGE}:v${i.kubernetesVersion}`],
        ['certSANs', nonEmpty(apiServerSANs(i))],
        ['disablePodSecurityPolicy', f.hideDisablePSP ? undefined : true],
        ['admissionControl', [goMap([['name', 'PodSecurity'], ['configuration', podSecurityConfiguration()]])]],
        ['auditPolicy', auditPolicy()],
      ]),
    ],
    ['controllerManager', img(CONTROLLER_MANAGER_IMAGE)],
    ['proxy', img(PROXY_IMAGE)],
    ['scheduler', img(SCHEDULER_IMAGE)],
    ['discovery', legacyDiscovery(i)],
    ['etcd', goMap([['ca', pair(b.certs.etcd)]])],
    ['allowSchedulingOnControlPlanes', i.allowSchedulingOnControlPlanes ? true : undefined],
  ]);
}

function workerCluster(i: Input): GoMap {
  const f = i.f;
  const b = i.bundle;
  if (f.multidocKubernetes) return goMap([['token', b.secrets.bootstrapToken]]);
  return goMap([
    ['id', b.cluster.id],
    ['secret', b.cluster.secret],
    ['controlPlane', goMap([['endpoint', i.endpoint]])],
    ['clusterName', f.clusterNameForWorkers ? nonEmptyString(i.clusterName) : undefined],
    ['network', clusterNetwork(i)],
    ['token', b.secrets.bootstrapToken],
    ['ca', goMap([['crt', b.certs.k8s.crt], ['key', '']])],
    ['discovery', legacyDiscovery(i)],
  ]);
}

// ------------------------------------------------------------ v1.12+ documents

const GO_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };

/** A string literal as Go's %q writes it (the install disk selector), for ASCII controls and quotes. */
function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    out += GO_ESCAPES[ch] ?? (code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : ch);
  }
  return out + '"';
}

function multidocs(i: Input, machineType: MachineType): GoMap[] {
  const f = i.f;
  const b = i.bundle;
  const cp = machineType === 'controlplane';
  const docs: GoMap[] = [];
  if (f.multidocKubernetes) {
    if (i.discovery) docs.push(doc('DiscoveryServiceConfig', [['name', 'default'], ['endpoint', DISCOVERY_ENDPOINT]]));
    docs.push(doc('DiscoveryIdentityConfig', [['clusterID', b.cluster.id], ['clusterSecret', b.cluster.secret]]));
    if (i.installDisk) {
      docs.push(
        doc('UnattendedInstallConfig', [
          ['installer', goMap([['image', nonEmptyString(i.installImage)]])],
          ['provisioning', goMap([['diskSelector', goMap([['match', `disk.dev_path == ${goQuote(i.installDisk)}`]])], ['wipe', false]])],
        ]),
      );
    }
    docs.push(doc('ResolverConfig', [['hostDNS', goMap([['enabled', true], ['forwardKubeDNSToHost', true]])]]));
    if (i.sysctls && Object.keys(i.sysctls).length > 0) docs.push(doc('SysctlConfig', [['params', sortedGoMap(i.sysctls)]]));
    docs.push(doc('VolumeConfig', [['name', 'EPHEMERAL'], ['mount', goMap([['secure', true]])]]));
    docs.push(doc('FilesystemTrimConfig', [['interval', '168h0m0s']]));
    docs.push(doc('SecurityProfileConfig', [['workloadIsolation', true]]));
  }
  if (f.multidocNetwork) {
    const sorted = [...i.mirrors].sort(([a], [b2]) => (a < b2 ? -1 : a > b2 ? 1 : 0));
    for (const [host, endpoints] of sorted) {
      docs.push(doc('RegistryMirrorConfig', [['name', host], ['endpoints', endpoints.map((url) => goMap([['url', url]]))]]));
    }
    docs.push(doc('HostnameConfig', [['auto', 'stable']]));
  }
  if (f.kubeSpanMultidoc && i.kubespan) docs.push(doc('KubeSpanConfig', [['enabled', true]]));
  if (f.multidocKubernetes) docs.push(...kubernetesDocs(i, cp));
  return docs;
}

function kubernetesDocs(i: Input, cp: boolean): GoMap[] {
  const b = i.bundle;
  const labels: Record<string, string> = cp ? { [LABEL_CONTROL_PLANE]: '', [LABEL_EXCLUDE_LB]: '' } : {};
  const taints: Record<string, string> = cp && !i.allowSchedulingOnControlPlanes ? { [LABEL_CONTROL_PLANE]: 'NoSchedule' } : {};
  const docs: GoMap[] = [
    doc('KubeClusterConfig', [['clusterName', i.clusterName], ['endpoint', i.endpoint]]),
    doc('KubeNodeConfig', [['nodeIP', goMap([])], ['labels', nonEmptyMap(sortedGoMap(labels))], ['taints', nonEmptyMap(sortedGoMap(taints))]]),
    doc('KubeletConfig', [['image', `${KUBELET_IMAGE}:v${i.kubernetesVersion}`], ['config', goMap([])], ['defaultRuntimeSeccompProfileEnabled', true]]),
    doc('KubeNetworkConfig', [['dnsDomain', i.dnsDomain], ['podSubnets', [DEFAULT_POD_CIDR]], ['serviceSubnets', [DEFAULT_SERVICE_CIDR]]]),
    doc('KubeAPIServerCAConfig', cp ? [['issuingCA', goMap([['cert', crtPem(b.certs.k8s)], ['key', keyPem(b.certs.k8s)]])]] : [['acceptedCAs', [crtPem(b.certs.k8s)]]]),
    doc('KubePrismConfig', [['port', KUBEPRISM_PORT]]),
  ];
  if (!cp) return docs;
  const secretKeys: GoMap[] = [];
  if (b.secrets.secretboxEncryptionSecret) secretKeys.push(goMap([['secretbox', goMap([['keys', [goMap([['name', 'key2'], ['secret', b.secrets.secretboxEncryptionSecret]])]]])]]));
  if (b.secrets.aescbcEncryptionSecret) secretKeys.push(goMap([['secretbox', goMap([['keys', [goMap([['name', 'key1'], ['secret', b.secrets.aescbcEncryptionSecret]])]]])]]));
  const image = (name: string) => `${name}:v${i.kubernetesVersion}`;
  docs.push(
    doc('KubeAggregatorCAConfig', [['issuingCA', goMap([['cert', crtPem(b.certs.k8sAggregator)], ['key', keyPem(b.certs.k8sAggregator)]])]]),
    doc('KubeAdmissionControlConfig', [['name', 'PodSecurity'], ['configuration', podSecurityConfiguration()]]),
    doc('KubeAuditPolicyConfig', [['configuration', auditPolicy()]]),
    doc('KubeAuthenticationConfig', [
      [
        'configuration',
        goMap([
          ['anonymous', goMap([['conditions', ['/livez', '/readyz', '/healthz'].map((p) => goMap([['path', p]]))], ['enabled', true]])],
          ['jwt', []],
        ]),
      ],
    ]),
    doc('KubeAuthorizerConfig', [['name', 'node'], ['type', 'Node']]),
    doc('KubeAuthorizerConfig', [['name', 'rbac'], ['type', 'RBAC']]),
    doc('KubeEtcdEncryptionConfig', [['config', goMap([['resources', [goMap([['providers', secretKeys], ['resources', ['secrets']]])]]])]]),
    doc('KubeServiceAccountConfig', [['issuer', goMap([['privateKey', keyPem(b.certs.k8sServiceAccount)], ['issuerURL', i.endpoint]])]]),
    doc('KubeAPIServerConfig', [['image', image(APISERVER_IMAGE)], ['apiPort', i.localAPIServerPort ? i.localAPIServerPort : undefined], ['certExtraSANs', nonEmpty(apiServerSANs(i))]]),
    doc('KubeControllerManagerConfig', [['image', image(CONTROLLER_MANAGER_IMAGE)]]),
    doc('KubeSchedulerConfig', [['image', image(SCHEDULER_IMAGE)], ['config', goMap([])]]),
    doc('KubeProxyConfig', [['image', image(PROXY_IMAGE)], ['config', goMap([])]]),
  );
  if (!i.cniURL) docs.push(doc('KubeFlannelCNIConfig', [['backendType', 'vxlan'], ['backendPort', 4789]]));
  docs.push(doc('KubeCoreDNSConfig', [['enabled', true]]));
  if (i.cniURL) docs.push(doc('KubeExternalManifestConfig', [['name', 'custom-cni'], ['url', i.cniURL]]));
  return docs;
}

/** The documents of one machine type's config, v1alpha1 first. */
export function machineConfigDocuments(options: GenerateOptions, machineType: MachineType): GoMap[] {
  const i = resolve(options);
  const main = goMap([
    ['version', 'v1alpha1'],
    ['debug', false],
    ['persist', true],
    ['machine', machineSection(i, machineType)],
    ['cluster', machineType === 'controlplane' ? controlplaneCluster(i) : workerCluster(i)],
  ]);
  return [main, ...multidocs(i, machineType)];
}

/** The config with comments disabled: Talos's bytes for the same inputs. */
export function renderMachineConfig(options: GenerateOptions, machineType: MachineType): string {
  return machineConfigDocuments(options, machineType).map(marshalGoYaml).join('---\n');
}
