// The talosconfig `talosctl gen config` writes (machinery client/config NewConfig, marshalled with
// go.yaml.in/yaml): one context named after the cluster holding the endpoints (an empty list when none
// are given), the OS CA and a client certificate, all base64 of PEM.
import { goMap, marshalGoYaml, sortedGoMap } from './go-yaml.js';
import type { ClientCertificate } from './secrets.js';

export function renderTalosconfig(contextName: string, endpoints: readonly string[], caPem: string, client: ClientCertificate): string {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  const context = goMap([
    ['endpoints', [...endpoints]],
    ['ca', b64(caPem)],
    ['crt', b64(client.crtPem)],
    ['key', b64(client.keyPem)],
  ]);
  return marshalGoYaml(goMap([['context', contextName], ['contexts', sortedGoMap({ [contextName]: context })]]));
}
