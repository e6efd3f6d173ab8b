import { execFileSync } from 'node:child_process';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeInstallerMeta, encodeInstallerMeta, encodeProblem, imagerMetaFlag, kernelArgument, metaAssignment, shellQuote } from '../../src/core/meta/index.js';

const gzip = (d: Uint8Array) => gzipSync(d, { level: 9 });
const gunzip = (d: Uint8Array) => gunzipSync(d);
const yaml = 'links:\n  - name: eth0\n    up: true\n    layer: platform\n';

describe('INSTALLER_META_BASE64', () => {
  it('is base64 of gzip -9 of `0xa=<yaml>` (what `echo -n "0xa=$(cat f)" | gzip -9 | base64` feeds Talos)', () => {
    const b64 = encodeInstallerMeta(yaml, gzip);
    const raw = Buffer.from(b64, 'base64');
    expect([raw[0], raw[1]]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(raw).toString('utf8')).toBe(`0xa=${yaml}`);
    expect(metaAssignment(yaml)).toBe(`0xa=${yaml}`);
  });

  it('decodes like Talos: gzipped or plain, values split at ";", keys in Go number syntax', () => {
    expect(decodeInstallerMeta(encodeInstallerMeta(yaml, gzip), gunzip)).toEqual([{ key: 10, value: yaml }]);
    // The imager's own example: `MHhhPWZvbw==` is plain base64 of "0xa=foo" (short values are not gzipped).
    expect(decodeInstallerMeta('MHhhPWZvbw==', gunzip)).toEqual([{ key: 10, value: 'foo' }]);
    expect(decodeInstallerMeta(Buffer.from('0xa=a;10=b').toString('base64'), gunzip)).toEqual([{ key: 10, value: 'a' }, { key: 10, value: 'b' }]);
    expect(() => decodeInstallerMeta('!!!', gunzip)).toThrow(/base64/);
    expect(() => decodeInstallerMeta(Buffer.from('0x100=a').toString('base64'), gunzip)).toThrow(/invalid key/);
  });

  it('refuses text with ";" (it would be cut there)', () => {
    expect(encodeProblem('a: 1\n# x; y\n')).toMatch(/^line 2 contains ";"/);
    expect(() => encodeInstallerMeta('a: b;c', gzip)).toThrow(/separates values/);
  });

  it('round-trips arbitrary text without ";" (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }).filter((s) => !s.includes(';')), (text) => {
        expect(decodeInstallerMeta(encodeInstallerMeta(text, gzip), gunzip)).toEqual([{ key: 10, value: text }]);
      }),
      { numRuns: 200 },
    );
  });

  it('agrees with the gzip command line tool when it is installed', () => {
    let out: string;
    try {
      out = execFileSync('gzip', ['-dc'], { input: Buffer.from(encodeInstallerMeta(yaml, gzip), 'base64') }).toString('utf8');
    } catch {
      return; // no gzip here
    }
    expect(out).toBe(`0xa=${yaml}`);
  });
});

describe('kernel argument and imager flag', () => {
  it('are spelled as Talos documents them', () => {
    expect(kernelArgument('MHhhPWZvbw==')).toBe('talos.environment=INSTALLER_META_BASE64=MHhhPWZvbw==');
    expect(imagerMetaFlag("a: 'b'\n")).toBe(`--meta '0xa=a: '\\''b'\\''\n'`);
  });

  it('shellQuote survives a real shell (fast-check)', () => {
    let hasSh = true;
    try {
      execFileSync('sh', ['-c', 'true']);
    } catch {
      hasSh = false;
    }
    if (!hasSh) return;
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }).filter((s) => !s.includes('\0')), (s) => {
        expect(execFileSync('sh', ['-c', `printf %s ${shellQuote(s)}`]).toString('utf8')).toBe(s);
      }),
      { numRuns: 30 },
    );
  });
});
