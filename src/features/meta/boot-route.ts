// The boot-time route for a META 0x0a document, shared by `talos-tui meta encode|write` and the META
// pane: INSTALLER_META_BASE64 (checked to decode back to the very document), the kernel argument for
// the first boot, and the imager flag. For maintenance nodes, which refuse META writes over the API.
import { gunzipSync, gzipSync } from 'node:zlib';
import { decodeInstallerMeta, encodeInstallerMeta, imagerMetaFlag, kernelArgument, META_ENV_VAR, META_NETWORK_KEY } from '../../core/meta/index.js';

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
