// META network config (key 0x0a), shared by `talos-tui meta get|write|delete|encode` and the META
// pane: read, write and delete it on a node, tell a maintenance node's refusal, and export the
// boot-time route for a document: INSTALLER_META_BASE64 (checked to decode back to the very
// document), the kernel argument for the first boot, and the imager flag. For maintenance nodes,
// which refuse META writes over the API. Returns data; the callers word the outcome.
import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeInstallerMeta, encodeInstallerMeta, imagerMetaFlag, kernelArgument, META_ENV_VAR, META_NETWORK_ID, META_NETWORK_KEY } from '../core/meta/index.js';
import { Code, cosi, machine, TalosError, type NodeTarget } from '../talos/index.js';

/** The node's stored network config (0x0a), or null when the key is not set. */
export async function readMetaNetwork(t: NodeTarget): Promise<string | null> {
  try {
    const res = await cosi.get<{ value?: string }>(t, cosi.Kinds.metaKeys, META_NETWORK_ID);
    return res.spec?.value ?? '';
  } catch (err) {
    if (err instanceof TalosError && err.code === Code.NOT_FOUND) return null;
    throw err;
  }
}

export function writeMetaNetwork(t: NodeTarget, text: string): Promise<void> {
  return machine.metaWrite(t, META_NETWORK_KEY, text);
}

export function deleteMetaNetwork(t: NodeTarget): Promise<void> {
  return machine.metaDelete(t, META_NETWORK_KEY);
}

/** True when `err` is a maintenance-mode node refusing a META change (no client certificate). */
export function isMaintenanceRefusal(err: unknown): boolean {
  return err instanceof TalosError && (err.code === Code.PERMISSION_DENIED || (err.code === Code.UNIMPLEMENTED && /maintenance/i.test(`${err.details} ${err.message}`)));
}

export interface BootRoute {
  b64: string;
  kernelArg: string;
  imager: string;
  /** What to show or print: the three forms, each under a comment saying where it goes. */
  lines: string[];
}

/** Throws when the encoding does not round-trip (an internal error, never a user's). */
export function bootRoute(text: string): BootRoute {
  const b64 = encodeInstallerMeta(text, (d) => gzipSync(d, { level: 9 }));
  const back = decodeInstallerMeta(b64, (d) => gunzipSync(d));
  if (back.length !== 1 || back[0]!.key !== META_NETWORK_KEY || back[0]!.value !== text) {
    throw new Error('internal error: INSTALLER_META_BASE64 does not decode back to the document');
  }
  const kernelArg = kernelArgument(b64);
  const imager = imagerMetaFlag(text);
  const lines = [
    `${META_ENV_VAR}=${b64}`,
    '',
    '# kernel argument for the first boot (ISO/PXE); Talos writes it to META when it installs:',
    kernelArg,
    '',
    '# imager flag (disk image, ISO), for a POSIX shell:',
    ...imager.split('\n'),
  ];
  return { b64, kernelArg, imager, lines };
}

/** The QR code of `text` as terminal text (qrcode-terminal, loaded only when asked for). */
export async function qrCode(text: string): Promise<string> {
  // @ts-expect-error qrcode-terminal ships no type declarations
  const mod = (await import('qrcode-terminal')) as { default: { setErrorLevel(level: string): void; generate(input: string, opts: { small: boolean }, cb: (s: string) => void): void } };
  // Low error correction: the smallest code for the text, so it fits more terminals (a screen, not paper).
  mod.default.setErrorLevel('L');
  return await new Promise<string>((resolve) => mod.default.generate(text, { small: true }, resolve));
}
