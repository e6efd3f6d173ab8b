// Builds the Go oracle (oracle/: Talos's own machinery behind a stdin/stdout interface) into
// oracle/bin/talos-oracle, used only by the differential tests in test/oracle.
// Without `go` on PATH it says so in one line and exits 0 (a user's laptop), unless CI=true: CI machines
// have Go, so a missing toolchain or a broken build fails the run there. Prints the build time.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const oracleDir = join(root, 'oracle');
const out = join(oracleDir, 'bin', 'talos-oracle');

const go = spawnSync('go', ['version'], { encoding: 'utf8' });
if (go.error || go.status !== 0) {
  if (process.env.CI === 'true') {
    console.error('oracle: `go` is not on PATH, and CI must run the differential tests');
    process.exit(1);
  }
  console.log('oracle: skipped, `go` is not on PATH (the differential tests against Talos code need Go)');
  process.exit(0);
}

const started = performance.now();
const build = spawnSync('go', ['build', '-trimpath', '-o', out, '.'], { cwd: oracleDir, stdio: ['ignore', 'inherit', 'inherit'] });
if (build.status !== 0 || !existsSync(out)) {
  console.error(`oracle: go build failed (exit ${build.status ?? build.signal})`);
  process.exit(1);
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
const version = spawnSync(out, ['version'], { encoding: 'utf8' });
console.log(`oracle: built ${out.slice(root.length + 1)} in ${seconds} s with ${go.stdout.trim()}; ${version.stdout.trim()}`);
