import { lstatSync, mkdtempSync, readFileSync, readlinkSync, statSync, writeFileSync, readdirSync, symlinkSync, mkdirSync } from 'node:fs';
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

  it('follows the user\'s own symlink to a regular file: the real file is replaced atomically, the link stays', async () => {
    const d = dir();
    mkdirSync(join(d, 'dotfiles'));
    writeFileSync(join(d, 'dotfiles', 'config'), 'old', { mode: 0o644 });
    symlinkSync(join(d, 'dotfiles', 'config'), join(d, 'config'));
    await writeFileAtomic(join(d, 'config'), 'new', { overwrite: true });
    expect(lstatSync(join(d, 'config')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(d, 'config'))).toBe(join(d, 'dotfiles', 'config'));
    expect(readFileSync(join(d, 'dotfiles', 'config'), 'utf8')).toBe('new');
    expect(statSync(join(d, 'dotfiles', 'config')).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(d, 'dotfiles'))).toEqual(['config']);
  });

  it('never follows a symlink to a FIFO, a device or a directory', async () => {
    const d = dir();
    execFileSync('mkfifo', [join(d, 'fifo')]);
    mkdirSync(join(d, 'sub'));
    symlinkSync(join(d, 'fifo'), join(d, 'to-fifo'));
    symlinkSync('/dev/null', join(d, 'to-device'));
    symlinkSync(join(d, 'sub'), join(d, 'to-dir'));
    for (const [name, what] of [['to-fifo', 'a FIFO'], ['to-device', 'a device'], ['to-dir', 'a directory']] as const) {
      await expect(writeFileAtomic(join(d, name), 'secret', { overwrite: true })).rejects.toThrow(`it is a symbolic link to ${what}, not to a regular file`);
    }
    expect(statSync(join(d, 'fifo')).isFIFO()).toBe(true);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('names a missing directory', async () => {
    await expect(writeFileAtomic('/nonexistent-dir-xyz/a', 'x')).rejects.toThrow(/directory \/nonexistent-dir-xyz does not exist/);
  });
});
