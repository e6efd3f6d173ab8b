// The secrets bundle (talosctl's secrets.yaml): the roots of trust and tokens a cluster's configs are
// generated from. Stored as talosctl stores it: certificates and keys are base64 of their PEM text.
import { parse } from 'yaml';
import { goMap, marshalGoYaml, type GoMap } from './go-yaml.js';

export interface CertAndKey {
  /** base64 of the PEM certificate */
  crt: string;
  /** base64 of the PEM private key */
  key: string;
}

export interface SecretsBundle {
  cluster: { id: string; secret: string };
  secrets: { bootstrapToken: string; aescbcEncryptionSecret?: string; secretboxEncryptionSecret?: string };
  trustdToken: string;
  certs: { etcd: CertAndKey; k8s: CertAndKey; k8sAggregator: CertAndKey; k8sServiceAccount: { key: string }; os: CertAndKey };
}

export class BundleError extends Error {
  override name = 'BundleError';
}

const pem = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');
export const crtPem = (c: { crt: string }): string => pem(c.crt);
export const keyPem = (c: { key: string }): string => pem(c.key);

function text(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

/**
 * Reads a bundle the way talosctl's LoadBundle does (YAML, field names matched case-insensitively as the Go
 * decoder's lower-cased names) and checks what `gen config --with-secrets` needs, naming what is missing.
 */
export function parseBundle(yamlText: string, name: string): SecretsBundle {
  let doc: unknown;
  try {
    doc = parse(yamlText);
  } catch (err) {
    throw new BundleError(`${name} is not YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new BundleError(`${name} is not a secrets bundle (expected a YAML mapping with cluster, secrets, trustdinfo and certs)`);
  const root = doc as Record<string, any>;
  const certs = (root.certs ?? {}) as Record<string, any>;
  const pair = (k: string): CertAndKey => ({ crt: text(certs[k]?.crt), key: text(certs[k]?.key) });
  const bundle: SecretsBundle = {
    cluster: { id: text(root.cluster?.id), secret: text(root.cluster?.secret) },
    secrets: {
      bootstrapToken: text(root.secrets?.bootstraptoken),
      aescbcEncryptionSecret: text(root.secrets?.aescbcencryptionsecret) || undefined,
      secretboxEncryptionSecret: text(root.secrets?.secretboxencryptionsecret) || undefined,
    },
    trustdToken: text(root.trustdinfo?.token),
    certs: { etcd: pair('etcd'), k8s: pair('k8s'), k8sAggregator: pair('k8saggregator'), k8sServiceAccount: { key: text(certs.k8sserviceaccount?.key) }, os: pair('os') },
  };
  const missing: string[] = [];
  if (!bundle.cluster.id) missing.push('cluster.id');
  if (!bundle.cluster.secret) missing.push('cluster.secret');
  if (!bundle.secrets.bootstrapToken) missing.push('secrets.bootstraptoken');
  if (!bundle.secrets.aescbcEncryptionSecret && !bundle.secrets.secretboxEncryptionSecret) missing.push('secrets.secretboxencryptionsecret');
  if (!bundle.trustdToken) missing.push('trustdinfo.token');
  for (const k of ['etcd', 'k8s', 'k8saggregator', 'os'] as const) {
    const p = pair(k);
    if (!p.crt || !p.key) missing.push(`certs.${k}`);
  }
  if (!bundle.certs.k8sServiceAccount.key) missing.push('certs.k8sserviceaccount.key');
  if (missing.length > 0) throw new BundleError(`${name} is not a complete secrets bundle: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`);
  if (bundle.secrets.aescbcEncryptionSecret && bundle.secrets.secretboxEncryptionSecret) {
    throw new BundleError(`${name} has both secrets.secretboxencryptionsecret and secrets.aescbcencryptionsecret; Talos allows only one`);
  }
  for (const [k, v] of Object.entries({ ...certs })) {
    for (const part of ['crt', 'key'] as const) {
      const s = text((v as Record<string, unknown> | null)?.[part]);
      if (s && !pem(s).startsWith('-----BEGIN ')) throw new BundleError(`${name}: certs.${k}.${part} is not base64 of a PEM block`);
    }
  }
  return bundle;
}

const pairYaml = (p: CertAndKey): GoMap => goMap([['crt', p.crt], ['key', p.key]]);

/** The bundle as `talosctl gen secrets` writes it (go.yaml.in/yaml Marshal of secrets.Bundle). */
export function renderBundle(b: SecretsBundle): string {
  return marshalGoYaml(
    goMap([
      ['cluster', goMap([['id', b.cluster.id], ['secret', b.cluster.secret]])],
      [
        'secrets',
        goMap([
          ['bootstraptoken', b.secrets.bootstrapToken],
          ['aescbcencryptionsecret', b.secrets.aescbcEncryptionSecret || undefined],
          ['secretboxencryptionsecret', b.secrets.secretboxEncryptionSecret || undefined],
        ]),
      ],
      ['trustdinfo', goMap([['token', b.trustdToken]])],
      [
        'certs',
        goMap([
          ['etcd', pairYaml(b.certs.etcd)],
          ['k8s', pairYaml(b.certs.k8s)],
          ['k8saggregator', pairYaml(b.certs.k8sAggregator)],
          ['k8sserviceaccount', goMap([['key', b.certs.k8sServiceAccount.key]])],
          ['os', pairYaml(b.certs.os)],
        ]),
      ],
    ]),
  );
}
