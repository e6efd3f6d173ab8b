// Vitest global setup: every test run gets its own XDG_CACHE_HOME, so the console's V8 code cache
// (src/cli/code-cache.ts) that e2e runs of the built package write never lands in the user's
// ~/.cache, and two runs side by side never share one. Workers and the tmux servers the e2e tests
// start inherit it from this process's environment.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'talos-tui-test-cache-'));
  process.env.XDG_CACHE_HOME = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
