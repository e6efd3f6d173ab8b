// talosconfig: find the file as talosctl does, pick the context, apply -e/-n overrides, decode and
// check the base64 PEM credentials. Every failure is one TalosconfigError naming file and context.
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readUserFile, UserFileError } from '../io/user-file.js';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseEndpoint } from './address.js';
import { clientIdentity, type ClientIdentity } from './identity.js';

export interface TalosconfigSelection {
  /** --talosconfig: used as is, must exist. */
  talosconfig?: string;
  /** --context: overrides the file's `context`. */
  context?: string;
  /** Where `context` came from, for error messages (default "--context"; the console's `:ctx` passes ":ctx"). */
  contextFrom?: string;
  /** -e/--endpoints: replace the context's endpoints when non-empty. */
  endpoints?: string[];
  /** -n/--nodes: replace the context's nodes when non-empty. */
  nodes?: string[];
  env?: NodeJS.ProcessEnv;
  homedir?: string;
}

export interface ResolvedContext {
  /** The file the context came from, or a label such as `demo` for in-memory configs. */
  source: string;
  contextName: string;
  contextNames: string[];
  /** Normalised `host:port` (default port 50000, IPv6 in brackets). */
  endpoints: string[];
  nodes: string[];
  caPem: string;
  certPem: string;
  /** PKCS#8 or SEC1 PEM that node:crypto accepts (Talos's `ED25519 PRIVATE KEY` header rewritten). */
  keyPem: string;
  identity: ClientIdentity;
}

export class TalosconfigError extends Error {
  override name = 'TalosconfigError';
  constructor(
    message: string,
    readonly source: string,
    readonly contextName?: string,
  ) {
    super(message);
  }
}

/** Where talosctl looks when --talosconfig is not given, first existing wins. */
export function talosconfigCandidates(sel: Pick<TalosconfigSelection, 'env' | 'homedir'> = {}): { path: string; origin: string }[] {
  const env = sel.env ?? process.env;
  const home = sel.homedir ?? os.homedir();
  const out: { path: string; origin: string }[] = [];
  if (env.TALOSCONFIG) out.push({ path: expandHome(env.TALOSCONFIG, home), origin: '$TALOSCONFIG' });
  // talosctl honours $TALOS_HOME only when it is an absolute path.
  const talosHome = env.TALOS_HOME && path.isAbsolute(env.TALOS_HOME) ? env.TALOS_HOME : undefined;
  out.push(talosHome ? { path: path.join(talosHome, 'config'), origin: '$TALOS_HOME/config' } : { path: path.join(home, '.talos', 'config'), origin: '~/.talos/config' });
  // Inside a pod with a Talos service account.
  out.push({ path: '/var/run/secrets/talos.dev/config', origin: 'service account' });
  return out;
}

function expandHome(p: string, home: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(home, p.slice(1)) : p;
}

/** The file loadTalosconfig would read; throws a TalosconfigError naming what was tried. */
export function resolveTalosconfigPath(sel: TalosconfigSelection = {}): string {
  if (sel.talosconfig) {
    const p = expandHome(sel.talosconfig, sel.homedir ?? os.homedir());
    if (!existsSync(p)) throw new TalosconfigError(`talosconfig ${p} (from --talosconfig) does not exist`, p);
    return p;
  }
  const candidates = talosconfigCandidates(sel);
  const found = candidates.find((c) => existsSync(c.path));
  if (found) return found.path;
  const tried = candidates.map((c) => `${c.path} (${c.origin})`).join(', ');
  throw new TalosconfigError(`no talosconfig found: tried ${tried}; pass --talosconfig FILE`, candidates[0].path);
}

export function loadTalosconfig(sel: TalosconfigSelection = {}): ResolvedContext {
  const file = resolveTalosconfigPath(sel);
  let text: string;
  try {
    text = readUserFile(file, 'talosconfig');
  } catch (err) {
    if (err instanceof UserFileError) throw new TalosconfigError(err.message, file);
    throw err;
  }
  return parseTalosconfig(text, file, sel);
}

type RawContext = Record<string, unknown>;

export function parseTalosconfig(text: string, source: string, sel: TalosconfigSelection = {}): ResolvedContext {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new TalosconfigError(`talosconfig ${source} is not valid YAML: ${(err as Error).message.split('\n')[0]!.replace(/:\s*$/, '')}`, source);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new TalosconfigError(`talosconfig ${source} is not a talosconfig: expected a mapping with "context" and "contexts"`, source);
  }
  const top = doc as { context?: unknown; contexts?: unknown };
  const contexts = (typeof top.contexts === 'object' && top.contexts !== null ? top.contexts : {}) as Record<string, RawContext | null>;
  const contextNames = Object.keys(contexts);
  const fileContext = typeof top.context === 'string' && top.context !== '' ? top.context : undefined;
  const contextName = sel.context || fileContext || (contextNames.length === 1 ? contextNames[0] : undefined);
  const available = contextNames.length > 0 ? contextNames.join(', ') : 'none';
  if (!contextName) {
    throw new TalosconfigError(`talosconfig ${source} names no current context: pass --context (contexts: ${available})`, source);
  }
  const raw = contexts[contextName];
  if (!Object.prototype.hasOwnProperty.call(contexts, contextName) || typeof raw !== 'object' || raw === null) {
    const from = sel.context ? (sel.contextFrom ?? '--context') : '"context:"';
    throw new TalosconfigError(`talosconfig ${source} has no context "${contextName}" (from ${from}; contexts: ${available})`, source, contextName);
  }
  const where = `talosconfig ${source}, context "${contextName}"`;
  const fail = (msg: string): never => {
    throw new TalosconfigError(`${where}: ${msg}`, source, contextName);
  };

  const listOf = (key: string): string[] => {
    const v = raw[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) fail(`"${key}" must be a list of strings`);
    return (v as string[]).map((s) => s.trim()).filter((s) => s !== '');
  };
  // talosconfigs from old talosctl versions carry one `target` instead of `endpoints`.
  const fileEndpoints = [...listOf('endpoints'), ...(typeof raw.target === 'string' && raw.target ? [raw.target] : [])];
  const endpointInputs = sel.endpoints && sel.endpoints.length > 0 ? sel.endpoints : fileEndpoints;
  const endpoints = endpointInputs.map((e) => {
    try {
      return parseEndpoint(e).address;
    } catch (err) {
      return fail((err as Error).message);
    }
  });
  const nodes = sel.nodes && sel.nodes.length > 0 ? sel.nodes.map((n) => n.trim()).filter((n) => n !== '') : listOf('nodes');

  const caPem = decodePem(raw, 'ca', fail);
  const certPem = decodePem(raw, 'crt', fail);
  const keyPem = normalizeKeyPem(decodePem(raw, 'key', fail));

  let caCert: X509Certificate | undefined;
  let cert: X509Certificate | undefined;
  let key: KeyObject | undefined;
  try {
    caCert = new X509Certificate(caPem);
  } catch (err) {
    fail(`ca is not a PEM certificate: ${(err as Error).message}`);
  }
  try {
    cert = new X509Certificate(certPem);
  } catch (err) {
    fail(`crt is not a PEM certificate: ${(err as Error).message}`);
  }
  try {
    key = createPrivateKey(keyPem);
  } catch (err) {
    fail(`key is not a PEM private key: ${(err as Error).message}`);
  }
  if (!cert!.checkPrivateKey(key!)) fail('key does not belong to the certificate in crt');
  void caCert;

  return {
    source,
    contextName,
    contextNames,
    endpoints,
    nodes,
    caPem,
    certPem,
    keyPem,
    identity: clientIdentity(certPem),
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodePem(raw: RawContext, key: 'ca' | 'crt' | 'key', fail: (msg: string) => never): string {
  const value = raw[key];
  if (typeof value !== 'string' || value.trim() === '') {
    return fail(`"${key}" is missing: talos-tui needs ca, crt and key (base64 PEM) to talk to Talos`);
  }
  const compact = value.replace(/\s+/g, '');
  // Talos writes standard, padded base64; Buffer.from would silently skip bad characters.
  if (!BASE64.test(compact) || compact.length % 4 !== 0) return fail(`"${key}" is not valid base64`);
  const text = Buffer.from(compact, 'base64').toString('utf8');
  if (!text.includes('-----BEGIN ')) return fail(`"${key}" decodes from base64 but is not PEM (no -----BEGIN line)`);
  return text;
}

/** Talos writes Ed25519 keys as `ED25519 PRIVATE KEY` around a PKCS#8 body; Node only knows `PRIVATE KEY`. */
export function normalizeKeyPem(pem: string): string {
  return pem.replace(/-----(BEGIN|END) ED25519 PRIVATE KEY-----/g, '-----$1 PRIVATE KEY-----');
}
