// The commented template `t` writes: every section of the META network config (key 0x0a) with a bond of
// two NICs, a VLAN on it, a static address, a default route, hostname, resolvers and time servers.
// No ';' anywhere (it would cut the document in INSTALLER_META_BASE64), comments included.
export const META_TEMPLATE = `# META network config (key 0x0a): Talos's metal platform applies it before any machine config.
# Edit it in your editor: the talos-tui META pane re-validates on every save.
# Every entry uses layer: platform, as META documents do.
addresses:
  # a static address on the VLAN below (CIDR form)
  - address: 192.0.2.10/24
    linkName: bond0.100
    family: inet4
    scope: global
    flags: permanent
    layer: platform
links:
  # two physical NICs enslaved to bond0
  - name: eth0
    up: true
    masterName: bond0
    slaveIndex: 0
    layer: platform
  - name: eth1
    up: true
    masterName: bond0
    slaveIndex: 1
    layer: platform
  # the bond (LACP)
  - name: bond0
    logical: true
    up: true
    kind: bond
    type: ether
    bondMaster:
      mode: 802.3ad
      xmitHashPolicy: layer3+4
      lacpRate: fast
      miimon: 100
    layer: platform
  # VLAN 100 on the bond
  - name: bond0.100
    logical: true
    up: true
    kind: vlan
    type: ether
    parentName: bond0
    vlan:
      vlanID: 100
      vlanProtocol: 802.1q
    layer: platform
routes:
  # default route (no dst) through the VLAN
  - family: inet4
    gateway: 192.0.2.1
    outLinkName: bond0.100
    table: main
    priority: 1024
    scope: global
    type: unicast
    protocol: static
    layer: platform
hostnames:
  - hostname: node-1
    domainname: example.internal
    layer: platform
resolvers:
  - dnsServers:
      - 192.0.2.53
    layer: platform
timeServers:
  - timeServers:
      - pool.ntp.org
    layer: platform
`;
