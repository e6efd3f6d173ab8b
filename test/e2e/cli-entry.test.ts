// The built entry's contract without a terminal: --version, --help, dispatch and exit codes
// (0 ok, 1 failed, 2 usage), one sentence on stderr.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { commandLoaders } from '../../src/cli/commands/index.js';
import { builtEntry, describeBuilt, repoRoot } from '../helpers/built.js';

const root = repoRoot;
const entry = builtEntry;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [entry, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 15_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describeBuilt('talos-tui entry (built)', () => {
  it('is built with a shebang', () => {
    expect(readFileSync(entry, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('--version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string };
    expect(run('--version')).toMatchObject({ code: 0, stdout: `talos-tui ${version}\n`, stderr: '' });
  });

  it('--help lists every command', () => {
    const r = run('--help');
    expect(r.code).toBe(0);
    for (const name of Object.keys(commandLoaders)) expect(r.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(r.stdout).toContain('--demo');
  });

  it('usage errors exit 2 with one sentence naming the input', () => {
    for (const args of [['frobnicate'], ['--bogus'], ['--demo', 'extra'], ['--log-buffer-mb', 'lots'], ['--log-buffer-mb', '0']]) {
      const r = run(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^talos-tui: /);
    }
    expect(run('frobnicate').stderr).toContain('"frobnicate"');
    expect(run('--bogus').stderr).toContain('--bogus');
    expect(run('--log-buffer-mb', 'lots').stderr).toContain('--log-buffer-mb takes a whole number, not "lots"');
  });

  it('accepts connection flags before the command name, as talosctl does', () => {
    const r = run('--talosconfig', '/nonexistent/talosconfig', 'services', '-n', '127.0.0.2');
    expect(r.stderr).not.toContain('unknown command');
    expect(r.stderr).toContain('/nonexistent/talosconfig');
    expect(r.stderr).toMatch(/^talos-tui services: /);
  });

  it('the console refuses to start without a terminal (exit 2) instead of hanging', () => {
    const r = run('--demo');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('needs a terminal');
  });
});
