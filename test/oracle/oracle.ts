// The Go oracle (oracle/, built by `npm run oracle:build`) from the tests' side: Talos's own machinery
// answering the same question the product answers, so a test can compare the two.
// Tests call `describeOracle` instead of `describe`: without Go (a user's laptop) the whole suite is
// skipped with one line saying why; in CI a missing binary is a failure, never a skip.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

export const ORACLE_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'oracle', 'bin', 'talos-oracle');

function goPresent(): boolean {
  const r = spawnSync('go', ['version'], { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

/** Why the oracle tests cannot run here, or null when they can. Throws in CI when they should but can't. */
export function oracleUnavailable(): string | null {
  if (existsSync(ORACLE_BIN)) return null;
  if (process.env.CI === 'true' || goPresent()) {
    throw new Error(`the oracle binary ${ORACLE_BIN} is missing: run \`npm run oracle:build\` (Go is present, so the differential tests must run)`);
  }
  return '`go` is not on PATH, so the differential tests against Talos code are skipped';
}

/** `describe` that skips, with the reason in its name, when the oracle cannot run here. */
export function describeOracle(name: string, body: () => void): void {
  const why = oracleUnavailable();
  if (why) describe.skip(`${name} (skipped: ${why})`, body);
  else describe(name, body);
}

export interface OracleRun<T> {
  value: T;
  stderr: string;
}

/**
 * Runs `talos-oracle SUBCOMMAND ARGS...` with `input` on stdin and parses its one JSON answer.
 * A Talos-side error comes back inside the JSON; a non-zero exit means the oracle itself broke.
 */
export function runOracle<T = unknown>(subcommand: string, input: string | Buffer = '', args: string[] = [], timeoutMs = 60_000): T {
  const r = spawnSync(ORACLE_BIN, [subcommand, ...args], { input, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`talos-oracle ${subcommand} exited ${r.status}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as T;
}

/**
 * The pinned machinery module's directory in the Go module cache (`go list -m` from oracle/), so tests
 * read upstream test data where Go put it instead of copying it into this repository.
 */
export function machineryDir(): string {
  const r = spawnSync('go', ['list', '-m', '-json', 'github.com/siderolabs/talos/pkg/machinery'], {
    cwd: join(dirname(ORACLE_BIN), '..'),
    encoding: 'utf8',
  });
  if (r.error || r.status !== 0) throw new Error(`go list -m github.com/siderolabs/talos/pkg/machinery failed: ${r.stderr || r.error}`);
  const dir = (JSON.parse(r.stdout) as { Dir?: string }).Dir;
  if (!dir) throw new Error('go list -m did not report the machinery module directory (is it downloaded?)');
  return dir;
}

/** runOracle without blocking the event loop: for calls answered by a simulator in this process. */
export function runOracleAsync<T = unknown>(subcommand: string, input: string, args: string[] = [], timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(ORACLE_BIN, [subcommand, ...args], { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`talos-oracle ${subcommand} exited ${code}: ${Buffer.concat(err).toString().trim()}`));
      try {
        resolve(JSON.parse(Buffer.concat(out).toString()) as T);
      } catch (e) {
        reject(e as Error);
      }
    });
    child.stdin.end(input);
  });
}
