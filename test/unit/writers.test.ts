// Every file the product writes goes through src/io/atomic-file.ts (random temp, exclusive create,
// 0600, fsync, rename, non-regular targets refused). A direct write anywhere else in src/ would bring
// back a predictable temp name, a 0644 file or a replaced device: this keeps the rule checked.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { saveText } from '../../src/features/logs/save.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const DIRECT_WRITE = /\b(writeFileSync|writeFile|appendFileSync|appendFile|createWriteStream|renameSync|rename|copyFileSync|copyFile)\s*\(/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'gen' ? [] : sources(p);
    return /\.tsx?$/.test(name) ? [p] : [];
  });
}

describe('writers', () => {
  it('no file in src/ outside src/io writes or renames files itself', () => {
    const offenders = sources(join(root, 'src'))
      .filter((f) => !relative(root, f).startsWith('src/io/'))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${relative(root, f)}:${i + 1}` }))
          .filter(({ line }) => DIRECT_WRITE.test(line) && !/^\s*(\/\/|\*)/.test(line) && !/\.write\(|stdout|stderr/.test(line)),
      )
      .map(({ at, line }) => `${at}: ${line.trim()}`);
    expect(offenders).toEqual([]);
  });
});

describe('saved logs (the Logs pane\'s s)', () => {
  it('are written 0600 through the atomic writer, and a FIFO is refused, not replaced', async () => {
    const d = mkdtempSync(join(tmpdir(), 'saved-logs-'));
    const saved = await saveText(join(d, 'out.log'), 'a\nb\n');
    expect(saved.lines).toBe(2);
    expect(statSync(saved.path).mode & 0o777).toBe(0o600);
    execFileSync('mkfifo', [join(d, 'fifo')]);
    await expect(saveText(join(d, 'fifo'), 'x\n')).rejects.toThrow(/not a regular file \(a FIFO\)/);
    expect(statSync(join(d, 'fifo')).isFIFO()).toBe(true);
  });
});
