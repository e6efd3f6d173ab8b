// gen config against Talos's generator for random inputs (fast-check): any contract, cluster name,
// endpoint (IPv4, IPv6, DNS name), Kubernetes version and any mix of the generator options, with the
// pinned machinery's stability bundle. Comments off: identical bytes. Comments on (talosctl's default):
// Talos adds documentation, so the documents are compared as parsed values.
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseBundle, type SecretsBundle } from '../../src/core/gen/bundle.js';
import { parseContract, SUPPORTED_CONTRACTS, type Contract } from '../../src/core/gen/contract.js';
import { renderMachineConfig, type GenerateOptions } from '../../src/core/gen/machine-config.js';
import { FLAVOURS, oracleRequest, type OracleGen } from './gen-helpers.js';
import { describeOracle, runOracle } from './oracle.js';
import { stabilitySecrets } from './stability.js';

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}[a-z0-9]$/);
const dnsName = fc.array(label, { minLength: 1, maxLength: 3 }).map((p) => p.join('.'));
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const ipv6 = fc.constantFrom('::1', 'fd00::5', '2001:db8::10');
const host = fc.oneof(dnsName, ipv4);
const endpoint = fc.tuple(fc.oneof(dnsName, ipv4, ipv6.map((a) => `[${a}]`)), fc.integer({ min: 1, max: 65535 })).map(([h, p]) => `https://${h}:${p}`);
const sysctlKey = fc.array(fc.oneof(label, fc.stringMatching(/^[a-z]{1,4}[0-9]{1,3}$/), fc.stringMatching(/^[0-9]{1,3}$/)), { minLength: 1, maxLength: 4 }).map((p) => p.join('.'));
// Values that exercise the encoder's quoting: numbers, YAML 1.1 booleans, indicators, timestamps, spaces.
const tricky = fc.constantFrom('32768 60999', 'true', 'off', 'Yes', '', '1.5', '1:20', '12:60', 'a: b', 'x #y', '#x', '-1', '-', '- x', '0x10', '017', '08', '1_000', '2001-12-14', '~', '.inf', '._1', '[x', 'x]', '&a', "'q", 'x\ty', 'é', '<<', '=', '  lead', 'trail ');
const sysctlValue = fc.oneof(fc.stringMatching(/^[0-9]{1,6}$/), tricky, label, fc.string({ maxLength: 6 }));

const options: fc.Arbitrary<Omit<GenerateOptions, 'bundle' | 'contract'>> = fc.record(
  {
    clusterName: label,
    endpoint,
    kubernetesVersion: fc.tuple(fc.integer({ min: 24, max: 37 }), fc.nat(12)).map(([m, p]) => `1.${m}.${p}`),
    installDisk: fc.constantFrom('/dev/sda', '/dev/vda', '/dev/nvme0n1', '/dev/disk/by-id/wwn-0x5000c500a0b1c2d3', '/dev/disk/by-path/pci-0000:00:1f.2-ata-1', '/dev/we"ird', '/dev/tab\there', '/dev/é'),
    installImage: fc.tuple(dnsName, label, fc.stringMatching(/^v[0-9]\.[0-9]{1,2}\.[0-9]$/)).map(([r, p, t]) => `${r}/${p}:${t}`),
    additionalSANs: fc.array(fc.oneof(host, ipv6), { maxLength: 3 }),
    dnsDomain: dnsName,
    discovery: fc.boolean(),
    kubespan: fc.boolean(),
    allowSchedulingOnControlPlanes: fc.boolean(),
    installExtraKernelArgs: fc.array(fc.tuple(label, fc.stringMatching(/^[a-z0-9,.]{1,8}$/)).map(([k, v]) => `${k}=${v}`), { maxLength: 3 }),
    localAPIServerPort: fc.integer({ min: 1, max: 65535 }),
    sysctls: fc.dictionary(sysctlKey, sysctlValue, { maxKeys: 4 }),
    cniURL: fc.tuple(dnsName, label).map(([h, p]) => `https://${h}/${p}.yaml`),
    registryMirrors: fc.array(fc.tuple(fc.constantFrom('docker.io', 'ghcr.io', 'registry.k8s.io', 'quay.io'), fc.tuple(dnsName, fc.option(label)).map(([h, p]) => `https://${h}${p ? '/' + p : ''}`)), { maxLength: 3 }),
  },
  { requiredKeys: ['clusterName', 'endpoint', 'kubernetesVersion'] },
);

/** Every document's value, comments ignored. */
const values = (text: string) => parseAllDocuments(text).map((d) => d.toJS());

describeOracle('gen config: random inputs against Talos machinery', () => {
  let secrets = '';
  let bundle: SecretsBundle;
  beforeAll(() => {
    secrets = stabilitySecrets();
    bundle = parseBundle(secrets, 'stability secrets.yaml');
  });

  it('identical bytes with comments disabled, the same values with comments on', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SUPPORTED_CONTRACTS), options, (name, o) => {
        const talos = runOracle<OracleGen>('gen', JSON.stringify(oracleRequest(secrets, name, o)));
        expect(talos.error).toBeUndefined();
        const contract = parseContract(name) as Contract;
        for (const machineType of ['controlplane', 'worker'] as const) {
          const ours = renderMachineConfig({ ...o, bundle, contract }, machineType);
          expect(ours).toBe(talos[machineType]);
          const documented = renderMachineConfig({ ...o, bundle, contract, documented: true }, machineType);
          expect(values(documented)).toEqual(values(talos[`${machineType}Documented`]));
        }
      }),
      { numRuns: 80 },
    );
  }, 600_000);

  it('numbers at the edges of Go\'s integer and float parsing are quoted as Talos quotes them (keys and values)', () => {
    // Found by the random test: the key "1.e309" matches YAML's float pattern, but ParseFloat fails
    // (out of range), so Go keeps it a plain string.
    const edges = [
      '1.e309', '1e309', '-1e400', '1e-400', '1.e5', '.5e-3', '+1.', '0x7FFFFFFFFFFFFFFF', '0x8000000000000000', '0xFFFFFFFFFFFFFFFF',
      '0x1FFFFFFFFFFFFFFFF', '-0x8000000000000000', '-0x8000000000000001', '9223372036854775807', '9223372036854775808',
      '18446744073709551615', '18446744073709551616', '-9223372036854775808', '-9223372036854775809', '+18446744073709551615',
      '0o777', '0o1777777777777777777777', '0o2777777777777777777777', '01777777777777777777777', '02777777777777777777777',
      `0b1${'0'.repeat(63)}`, `0b1${'0'.repeat(64)}`, '1_000_000', '0x_FF', `1${'0'.repeat(400)}`,
    ];
    const sysctls = Object.fromEntries(edges.map((e, i) => [`k${i}.${e}`, e]));
    // As bare keys too, but not those with a run of 19 digits or more: Go's key order adds such runs up
    // in a wrapping int64, which is no total order, so where they land depends on Go's sort algorithm.
    for (const e of edges.filter((x) => !/\d{19}/.test(x))) sysctls[e] = 'v';
    // A key over 128 bytes is written as a complex key ("? key", then ": value").
    sysctls[`long.${'x'.repeat(130)}`] = 'v';
    const o = { clusterName: 'edges', endpoint: 'https://edges.example.com:6443', kubernetesVersion: '1.30.1', sysctls };
    const name = SUPPORTED_CONTRACTS[SUPPORTED_CONTRACTS.length - 1]!;
    const talos = runOracle<OracleGen>('gen', JSON.stringify(oracleRequest(secrets, name, o)));
    expect(talos.error).toBeUndefined();
    expect(renderMachineConfig({ ...o, bundle, contract: parseContract(name) as Contract }, 'worker')).toBe(talos.worker);
  });

  it('talosctl\'s documented output (its default) parses to our documents for every contract and flavour', () => {
    for (const name of SUPPORTED_CONTRACTS) {
      for (const flavour of Object.values(FLAVOURS)) {
        const o = { clusterName: 'docs', endpoint: 'https://docs.example.com:6443', kubernetesVersion: '1.30.1', ...flavour };
        const talos = runOracle<OracleGen>('gen', JSON.stringify(oracleRequest(secrets, name, o)));
        for (const machineType of ['controlplane', 'worker'] as const) {
          const ours = renderMachineConfig({ ...o, bundle, contract: parseContract(name) as Contract, documented: true }, machineType);
          expect(values(ours), `${name} ${machineType}`).toEqual(values(talos[`${machineType}Documented`]));
        }
      }
    }
  });
});
