// Where the pinned Talos machinery's stability fixtures live: the Go module cache (read at test time,
// never copied into the repository).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const MACHINERY = 'github.com/siderolabs/talos/pkg/machinery';

/** testdata/stability of the machinery module oracle/go.mod pins. */
export function stabilityDir(): string {
  const oracleDir = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..', 'oracle');
  const r = spawnSync('go', ['list', '-m', '-f', '{{.Dir}}', MACHINERY], { cwd: oracleDir, encoding: 'utf8' });
  const dir = r.status === 0 ? r.stdout.trim() : '';
  const stability = join(dir, 'config', 'types', 'v1alpha1', 'testdata', 'stability');
  if (!dir || !existsSync(stability)) throw new Error(`the machinery module's stability fixtures are not in the Go module cache (go list -m ${MACHINERY}: ${r.stderr.trim()})`);
  return stability;
}

/**
 * The stability secrets bundle, read on first use: describe bodies run even when describeOracle skips
 * (no Go), so they must not touch the module cache while collecting.
 */
export function stabilitySecrets(): string {
  cached ??= readFileSync(join(stabilityDir(), 'secrets.yaml'), 'utf8');
  return cached;
}
let cached: string | undefined;
