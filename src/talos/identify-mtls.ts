// Step 3 of identification (identify.ts) for a configured node: the server asked for a client
// certificate, so with a session the reads go over mutual TLS with its talosconfig context,
// straight to the node as its own endpoint (no `node` header: it is not behind an endpoint we know).
import { TalosClient } from './client.js';
import { mtlsCredentials } from './credentials.js';
import type { IdentifiedNode, IdentifyOptions } from './identify.js';
import { anyAnswered, applyReads, readFacts, settledErrors } from './identify-reads.js';
import type { TalosSession } from './session.js';

// One set of credentials per session, not per node: building them is not free and a scan
// identifies many configured nodes with the same talosconfig.
const mtlsBySession = new WeakMap<TalosSession, ReturnType<typeof mtlsCredentials>>();

/** Fills `node` from the mTLS reads, or says in `node.error` why it could not be read. */
export async function identifyConfigured(node: IdentifiedNode, address: string, deadlineAt: number, opts: IdentifyOptions): Promise<void> {
  const session = opts.session;
  if (!session) {
    node.error = 'configured (asks for a client certificate); give a talosconfig to read it';
    return;
  }
  const ctx = session.context;
  // Straight to the node as its own endpoint: it is not behind any endpoint of the talosconfig.
  let credentials = mtlsBySession.get(session);
  if (!credentials) mtlsBySession.set(session, (credentials = mtlsCredentials(ctx)));
  const client = new TalosClient({
    address,
    credentials,
    errorContext: { contextName: ctx.contextName, source: ctx.source, roles: ctx.identity.roles, certNotAfter: ctx.identity.notAfter, insecure: false },
  });
  try {
    const reads = await readFacts(client, deadlineAt, opts.signal, true);
    if (anyAnswered(reads)) {
      node.via = 'mtls';
      applyReads(node, reads);
    } else {
      node.error = `the talosconfig cannot read it: ${settledErrors(reads)[0]?.message ?? 'no answer'}`;
    }
  } finally {
    client.close();
  }
}
