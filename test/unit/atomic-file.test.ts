import { mkdtempSync, readFileSync, statSync, writeFileSync, readdirSync, symlinkSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FileTargetError, writeFileAtomic } from '../../src/io/atomic-file.js';

const dir = () => mkdtempSync(join(tmpdir(), 'atomic-'));

describe('writeFileAtomic', () => {
  it('writes 0600 and leaves no temp file', async () => {
    const d = dir();
    await writeFileAtomic(join(d, 'a.yaml'), 'x: 1\n');
    expect(readFileSync(join(d, 'a.yaml'), 'utf8')).toBe('x: 1\n');
    expect(statSync(join(d, 'a.yaml')).mode & 0o777).toBe(0o600);
    expect(readdirSync(d)).toEqual(['a.yaml']);
  });

  it('refuses to overwrite unless asked, and then replaces', async () => {
    const d = dir();
    writeFileSync(join(d, 'a'), 'old');
    await expect(writeFileAtomic(join(d, 'a'), 'new')).rejects.toThrow(/already exists.*--force/);
    expect(readFileSync(join(d, 'a'), 'utf8')).toBe('old');
    await writeFileAtomic(join(d, 'a'), 'new', { overwrite: true });
    expect(readFileSync(join(d, 'a'), 'utf8')).toBe('new');
  });

  it('refuses a FIFO, a symlink and a directory even with overwrite', async () => {
    const d = dir();
    execFileSync('mkfifo', [join(d, 'fifo')]);
    symlinkSync(join(d, 'elsewhere'), join(d, 'link'));
    mkdirSync(join(d, 'sub'));
    for (const name of ['fifo', 'link', 'sub']) {
      await expect(writeFileAtomic(join(d, name), 'secret', { overwrite: true })).rejects.toBeInstanceOf(FileTargetError);
    }
    expect(statSync(join(d, 'fifo')).isFIFO()).toBe(true);
  });

  it('names a missing directory', async () => {
    await expect(writeFileAtomic('/nonexistent-dir-xyz/a', 'x')).rejects.toThrow(/directory \/nonexistent-dir-xyz does not exist/);
  });
});
