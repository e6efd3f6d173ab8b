// Archives made by the system's tar, as Talos makes one with Go's archive/tar for the kubeconfig.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTar } from '../../../src/talos/api/tar.js';

function makeTar(files: Record<string, string>, format: string): Uint8Array {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'talos-tui-tar-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, 'in', name)), { recursive: true });
    writeFileSync(path.join(dir, 'in', name), content);
  }
  execFileSync('tar', [`--format=${format}`, '-C', path.join(dir, 'in'), '-cf', path.join(dir, 'out.tar'), ...Object.keys(files)]);
  return readFileSync(path.join(dir, 'out.tar'));
}

describe('readTar', () => {
  it('reads a ustar file', () => {
    const entries = readTar(makeTar({ kubeconfig: 'apiVersion: v1\nkind: Config\n' }, 'ustar'));
    expect(entries).toHaveLength(1);
    expect(entries[0].name).toBe('kubeconfig');
    expect(Buffer.from(entries[0].data).toString()).toBe('apiVersion: v1\nkind: Config\n');
  });

  it('follows pax and GNU long names', () => {
    const long = `${'d'.repeat(120)}/kubeconfig`;
    for (const format of ['pax', 'gnu']) {
      const entries = readTar(makeTar({ [long]: 'x'.repeat(1000), short: 'y' }, format)).filter((e) => e.type === '0');
      expect(entries.map((e) => e.name)).toEqual([long, 'short']);
      expect(entries[0].data.length).toBe(1000);
    }
  });

  it('rejects a corrupted header and a truncated archive', () => {
    const tar = makeTar({ kubeconfig: 'abc' }, 'ustar');
    const bad = Uint8Array.from(tar);
    bad[10] ^= 0xff;
    expect(() => readTar(bad)).toThrow(/bad checksum/);
    expect(() => readTar(tar.subarray(0, 512))).toThrow('tar archive is truncated');
  });
});
