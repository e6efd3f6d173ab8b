// The talosconfig that lets talosctl (and talos-tui) reach the simulated cluster's configured nodes.
import { mkdir } from 'node:fs/promises';
import { writeFileAtomic } from '../io/atomic-file.js';
import path from 'node:path';
import { stringify } from 'yaml';

const b64 = (pem: string): string => Buffer.from(pem).toString('base64');

/** How talosctl spells an endpoint: the bare IP on the standard port, ip:port otherwise. */
export function endpointFor(ip: string, port: number): string {
  return port === 50000 ? ip : `${ip}:${port}`;
}

export function talosconfigYaml(opts: { context: string; endpoints: string[]; nodes: string[]; caPem: string; crtPem: string; keyPem: string }): string {
  return stringify({
    context: opts.context,
    contexts: {
      [opts.context]: {
        endpoints: opts.endpoints,
        nodes: opts.nodes,
        ca: b64(opts.caPem),
        crt: b64(opts.crtPem),
        key: b64(opts.keyPem),
      },
    },
  });
}

/** Write a talosconfig file readable by its owner only (it holds a private key). */
export async function writeTalosconfig(sim: { talosconfigText: string }, file: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFileAtomic(file, sim.talosconfigText, { overwrite: true, what: 'the talosconfig' });
}
