// How a file path reads on screen and in messages: relative to the working directory when the file
// is inside it, else as given. Pure (node:path only); the caller passes the directory.
import path from 'node:path';

/**
 * `file` relative to `cwd` when inside it ("talos/worker.yaml"), else `file` unchanged. `dotSlash`
 * writes the relative form as "./talos/worker.yaml" and leaves `cwd` itself as given (the META pane's
 * style); without it, `cwd` itself is ".".
 */
export function displayPath(file: string, cwd: string, opts: { dotSlash?: boolean } = {}): string {
  const rel = path.relative(cwd, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return file;
  if (rel === '') return opts.dotSlash ? file : '.';
  return opts.dotSlash ? `./${rel}` : rel;
}
