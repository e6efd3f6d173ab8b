// The boot-time route for META key 0x0a, for machines whose META cannot be written over the API
// (maintenance mode): INSTALLER_META_BASE64 = base64(gzip -9 of `0xa=<yaml>`), given to the first boot as
// the kernel argument `talos.environment=INSTALLER_META_BASE64=<value>`, or baked into an image with
// the imager's `--meta "0xa=<yaml>"`.
//
// Upstream (pkg/machinery/meta/meta.go, Values.Encode / DecodeValues): values are `0x<hex key>=<value>`
// joined by ';', optionally gzipped (decoding detects the gzip magic), then standard base64. So a value
// must not contain ';' (it would be split there). gzip lives in node:zlib: the caller passes it in.
import { META_NETWORK_KEY } from './model.js';

export type Gzip = (data: Uint8Array) => Uint8Array;
export type Gunzip = (data: Uint8Array) => Uint8Array;

export const META_ENV_VAR = 'INSTALLER_META_BASE64';
/** x86 COMMAND_LINE_SIZE: a longer kernel command line is cut. */
export const KERNEL_CMDLINE_MAX = 2048;

/** `0xa=<yaml>`: the META value as the imager's --meta and the environment variable spell it. */
export function metaAssignment(yaml: string, key = META_NETWORK_KEY): string {
  return `0x${key.toString(16)}=${yaml}`;
}

/** Why `yaml` cannot travel in INSTALLER_META_BASE64, or null. */
export function encodeProblem(yaml: string): string | null {
  const i = yaml.indexOf(';');
  if (i < 0) return null;
  const line = yaml.slice(0, i).split('\n').length;
  return `line ${line} contains ";", which separates values in INSTALLER_META_BASE64 (Talos would cut the document there): remove it, comments included`;
}

/** INSTALLER_META_BASE64's value: base64 of gzip -9 of `0xa=<yaml>`. Throws if the text has a ';'. */
export function encodeInstallerMeta(yaml: string, gzip: Gzip, key = META_NETWORK_KEY): string {
  const problem = encodeProblem(yaml);
  if (problem) throw new Error(problem);
  return Buffer.from(gzip(new TextEncoder().encode(metaAssignment(yaml, key)))).toString('base64');
}

export interface MetaValue {
  key: number;
  value: string;
}

/** Decode INSTALLER_META_BASE64 as Talos does: base64, gunzip when gzipped, split at ';', `key=value`. */
export function decodeInstallerMeta(b64: string, gunzip: Gunzip): MetaValue[] {
  const trimmed = b64.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) throw new Error('not standard base64');
  let bytes: Uint8Array = Buffer.from(trimmed, 'base64');
  if (bytes.length === 0) return [];
  if (bytes.length >= 10 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzip(bytes);
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  return text.split(';').map((part) => {
    const eq = part.indexOf('=');
    if (eq < 0) throw new Error(`invalid value "${part.slice(0, 40)}": no "="`);
    const k = part.slice(0, eq);
    // strconv.ParseUint(k, 0, 8): decimal, 0x hex, 0o/0 octal, 0b binary.
    const key = /^0[xX][0-9a-fA-F]+$/.test(k) ? parseInt(k.slice(2), 16) : /^[1-9]\d*$|^0$/.test(k) ? Number(k) : NaN;
    if (!Number.isInteger(key) || key > 0xff) throw new Error(`invalid key "${k}"`);
    return { key, value: part.slice(eq + 1) };
  });
}

/** `talos.environment=INSTALLER_META_BASE64=<value>` */
export function kernelArgument(b64: string): string {
  return `talos.environment=${META_ENV_VAR}=${b64}`;
}

/** POSIX shell single-quoting. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The imager flag, quoted for a POSIX shell: `--meta '0xa=<yaml>'`. */
export function imagerMetaFlag(yaml: string, key = META_NETWORK_KEY): string {
  return `--meta ${shellQuote(metaAssignment(yaml, key))}`;
}
