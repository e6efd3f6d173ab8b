// "s save": the filtered buffer as displayed (LogModel.renderForSave) to a file the operator names.
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { FileTargetError, writeFileAtomic } from '../../io/atomic-file.js';

/** ./talos-logs-20260101-120000.log (local time: it is the operator's file). */
export function defaultSavePath(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `./talos-logs-${stamp}.log`;
}

/** Absolute path of what the operator typed (`~/` is their home). */
export function resolveSavePath(typed: string, cwd = process.cwd()): string {
  const t = typed.trim();
  if (t === '~' || t.startsWith('~/')) return resolve(homedir(), t.slice(2));
  return resolve(cwd, t);
}

export interface SaveResult {
  path: string;
  lines: number;
}

/** Writes the text; the error names the file and the reason in one sentence. */
export async function saveText(typed: string, text: string): Promise<SaveResult> {
  if (typed.trim() === '') throw new Error('name a file to save the logs to');
  const path = resolveSavePath(typed);
  try {
    // Atomic and 0600 like every file the product writes: logs can hold tokens and addresses.
    await writeFileAtomic(path, text, { overwrite: true, what: 'the logs' });
  } catch (err) {
    if (err instanceof FileTargetError) throw err;
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'its folder does not exist' : e.code === 'EACCES' ? 'permission denied' : e.code === 'EISDIR' ? 'it is a folder' : e.message;
    throw new Error(`cannot write ${path}: ${why}`);
  }
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return { path, lines };
}
