import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTalosconfig, parseTalosconfig, resolveTalosconfigPath, TalosconfigError } from '../../../src/talos/talosconfig.js';
import { b64, fixture, talosconfigYaml, talosKeyPem } from '../../fixtures/talos/index.js';
import { thrownBy } from '../../helpers/thrown.js';

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'talos-tui-cfg-'));
}

const errorOf = (fn: () => unknown) => thrownBy(TalosconfigError, fn);

describe('talosconfig path resolution (talosctl order)', () => {
  it('prefers --talosconfig, then $TALOSCONFIG, then $TALOS_HOME/config, then ~/.talos/config', () => {
    const dir = tempDir();
    const home = path.join(dir, 'home');
    const talosHome = path.join(dir, 'th');
    mkdirSync(path.join(home, '.talos'), { recursive: true });
    mkdirSync(talosHome);
    const explicit = path.join(dir, 'explicit');
    const fromEnv = path.join(dir, 'env');
    for (const p of [explicit, fromEnv, path.join(talosHome, 'config'), path.join(home, '.talos', 'config')]) writeFileSync(p, 'x');

    const env = { TALOSCONFIG: fromEnv, TALOS_HOME: talosHome };
    expect(resolveTalosconfigPath({ talosconfig: explicit, env, homedir: home })).toBe(explicit);
    expect(resolveTalosconfigPath({ env, homedir: home })).toBe(fromEnv);
    expect(resolveTalosconfigPath({ env: { TALOS_HOME: talosHome }, homedir: home })).toBe(path.join(talosHome, 'config'));
    expect(resolveTalosconfigPath({ env: {}, homedir: home })).toBe(path.join(home, '.talos', 'config'));
    // talosctl ignores a relative $TALOS_HOME, and skips a $TALOSCONFIG that does not exist.
    expect(resolveTalosconfigPath({ env: { TALOS_HOME: 'rel', TALOSCONFIG: path.join(dir, 'nope') }, homedir: home })).toBe(
      path.join(home, '.talos', 'config'),
    );
  });

  it('names the missing --talosconfig file', () => {
    const missing = path.join(tempDir(), 'nope.yaml');
    const err = errorOf(() => loadTalosconfig({ talosconfig: missing, env: {}, homedir: tempDir() }));
    expect(err.message).toBe(`talosconfig ${missing} (from --talosconfig) does not exist`);
  });

  it('says plainly when the talosconfig path is a directory, or the YAML is broken', () => {
    const dir = tempDir();
    expect(errorOf(() => loadTalosconfig({ talosconfig: dir })).message).toBe(`talosconfig ${dir} is a directory, not a file`);
    const broken = errorOf(() => parseTalosconfig('context: a\ncontexts: [x: {y', 'cfg')).message;
    expect(broken).toMatch(/^talosconfig cfg is not valid YAML: /);
    expect(broken).not.toMatch(/:\s*$/);
  });

  it('lists every place it looked when there is no talosconfig at all', () => {
    const home = tempDir();
    const err = errorOf(() => loadTalosconfig({ env: {}, homedir: home }));
    expect(err.message).toContain(path.join(home, '.talos', 'config'));
    expect(err.message).toContain('pass --talosconfig');
  });

  it('loads the file it resolved and reports it as the source', () => {
    const dir = tempDir();
    const file = path.join(dir, 'talosconfig');
    writeFileSync(file, talosconfigYaml('prod', { prod: { endpoints: ['127.0.81.1'] } }));
    const ctx = loadTalosconfig({ env: { TALOSCONFIG: file }, homedir: dir });
    expect(ctx.source).toBe(file);
    expect(ctx.contextName).toBe('prod');
  });
});

describe('parseTalosconfig', () => {
  const two = talosconfigYaml('prod', {
    prod: { endpoints: ['127.0.81.1', '127.0.81.2:50001', '[::1]:50000', '::1', 'https://127.0.81.3:6000'], nodes: ['127.0.81.4'] },
    lab: { endpoints: ['127.0.81.9'] },
  });

  it('resolves the current context with Talos-style Ed25519 keys and normalised endpoints', () => {
    const ctx = parseTalosconfig(two, 'cfg');
    expect(ctx.contextName).toBe('prod');
    expect(ctx.contextNames).toEqual(['prod', 'lab']);
    expect(ctx.endpoints).toEqual(['127.0.81.1:50000', '127.0.81.2:50001', '[::1]:50000', '[::1]:50000', '127.0.81.3:6000']);
    expect(ctx.nodes).toEqual(['127.0.81.4']);
    expect(ctx.keyPem).toContain('-----BEGIN PRIVATE KEY-----');
    expect(ctx.keyPem).not.toContain('ED25519');
    expect(ctx.caPem).toBe(fixture('ca.crt'));
    expect(ctx.identity.roles).toEqual(['os:admin']);
    expect(ctx.identity.subject).toBe('O=os:admin, CN=admin');
  });

  it('applies --context, -e and -n overrides', () => {
    const ctx = parseTalosconfig(two, 'cfg', { context: 'lab', endpoints: ['127.0.81.5'], nodes: ['127.0.81.6', ' 127.0.81.7 '] });
    expect(ctx.contextName).toBe('lab');
    expect(ctx.endpoints).toEqual(['127.0.81.5:50000']);
    expect(ctx.nodes).toEqual(['127.0.81.6', '127.0.81.7']);
  });

  it('accepts ECDSA keys in SEC1 form (older clusters)', () => {
    const text = talosconfigYaml('old', { old: { crt: b64(fixture('ecdsa.crt')), key: b64(fixture('ecdsa.key')) } });
    const ctx = parseTalosconfig(text, 'cfg');
    expect(ctx.identity.roles).toEqual(['os:operator']);
  });

  it('names the file and the context that is missing, with the ones that exist', () => {
    const err = errorOf(() => parseTalosconfig(two, '/home/me/.talos/config', { context: 'staging' }));
    expect(err.message).toBe('talosconfig /home/me/.talos/config has no context "staging" (from --context; contexts: prod, lab)');
    // The console's :ctx says so, rather than blaming a --context flag the user never typed.
    const fromCtx = errorOf(() => parseTalosconfig(two, '/home/me/.talos/config', { context: 'staging', contextFrom: ':ctx' }));
    expect(fromCtx.message).toBe('talosconfig /home/me/.talos/config has no context "staging" (from :ctx; contexts: prod, lab)');
    const noCurrent = errorOf(() => parseTalosconfig(talosconfigYaml(undefined, { a: {}, b: {} }), 'f'));
    expect(noCurrent.message).toBe('talosconfig f names no current context: pass --context (contexts: a, b)');
  });

  it('names file, context and field for bad base64', () => {
    const text = talosconfigYaml('prod', { prod: { crt: 'not*base64!' } });
    const err = errorOf(() => parseTalosconfig(text, 'cfg'));
    expect(err.message).toBe('talosconfig cfg, context "prod": "crt" is not valid base64');
    expect(err.contextName).toBe('prod');
  });

  it('names the field whose base64 is not PEM, or whose PEM is not a certificate or key', () => {
    expect(errorOf(() => parseTalosconfig(talosconfigYaml('p', { p: { ca: b64('hello') } }), 'cfg')).message).toBe(
      'talosconfig cfg, context "p": "ca" decodes from base64 but is not PEM (no -----BEGIN line)',
    );
    const badCert = b64('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    expect(errorOf(() => parseTalosconfig(talosconfigYaml('p', { p: { crt: badCert } }), 'cfg')).message).toMatch(
      /^talosconfig cfg, context "p": crt is not a PEM certificate: /,
    );
    const badKey = b64('-----BEGIN ED25519 PRIVATE KEY-----\nAAAA\n-----END ED25519 PRIVATE KEY-----\n');
    expect(errorOf(() => parseTalosconfig(talosconfigYaml('p', { p: { key: badKey } }), 'cfg')).message).toMatch(
      /^talosconfig cfg, context "p": key is not a PEM private key: /,
    );
  });

  it('refuses a key that does not belong to the certificate', () => {
    const text = talosconfigYaml('p', { p: { key: b64(talosKeyPem(fixture('reader.key'))) } });
    expect(errorOf(() => parseTalosconfig(text, 'cfg')).message).toBe('talosconfig cfg, context "p": key does not belong to the certificate in crt');
  });

  it('refuses a context without client credentials, and bad endpoints, naming them', () => {
    const noKey = 'context: p\ncontexts:\n  p:\n    endpoints: [127.0.81.1]\n    ca: ' + b64(fixture('ca.crt')) + '\n    crt: ' + b64(fixture('admin.crt')) + '\n';
    expect(errorOf(() => parseTalosconfig(noKey, 'cfg')).message).toMatch(/^talosconfig cfg, context "p": "key" is missing/);
    expect(errorOf(() => parseTalosconfig(two, 'cfg', { endpoints: ['127.0.81.1:99999'] })).message).toBe(
      'talosconfig cfg, context "prod": endpoint "127.0.81.1:99999" has a bad port "99999"',
    );
  });

  it('says so when the file is not YAML or not a talosconfig', () => {
    expect(errorOf(() => parseTalosconfig('a: [', 'cfg')).message).toMatch(/^talosconfig cfg is not valid YAML: /);
    expect(errorOf(() => parseTalosconfig('- 1\n', 'cfg')).message).toMatch(/^talosconfig cfg is not a talosconfig/);
  });
});
