// `talos-tui sim` in-process: it starts the simulator, writes a usable talosconfig, prints the node
// table, stops on SIGINT; a non-loopback --listen is a usage error.
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { command } from '../../src/cli/commands/sim.js';
import { UsageError } from '../../src/cli/args.js';
import { MachineService } from '../../src/talos/proto/gen/machine/machine_pb.js';
import { TestClient } from './sim-helpers.js';
import { sink } from '../helpers/run-command.js';
import { freeLoopback24 } from '../helpers/loopback.js';

// Free loopback /24s (test/helpers/loopback.ts): two runs side by side never collide. `length` keeps
// addresses as wide as the columns and messages below expect.
const NET = await freeLoopback24({ length: 8 });
const NET_RE = NET.replaceAll('.', '\\.');

function captureIO() {
  const stdout = sink();
  return { io: { stdout: stdout.stream, stderr: sink().stream, env: {} }, output: stdout.text };
}

describe('talos-tui sim', () => {
  it('runs until SIGINT and writes a talosconfig that reaches its nodes', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sim-cli-')), 'talosconfig');
    const { io, output } = captureIO();
    const run = command.run(['--listen', `${NET}.1`, '--nodes', '1', '--maintenance', '1', '--talosconfig-out', file], io);
    await expect.poll(() => output().includes('Press Ctrl-C'), { timeout: 5000 }).toBe(true);
    expect(output()).toMatch(new RegExp(String.raw`cp1\s+${NET_RE}\.11:50000\s+configured\s+controlplane`));
    expect(output()).toMatch(new RegExp(String.raw`m1\s+${NET_RE}\.101:50000\s+maintenance`));

    const ctx = parseYaml(readFileSync(file, 'utf8')).contexts.sim;
    const b64 = (s: string) => Buffer.from(s, 'base64').toString();
    const endpoint = /:\d+$/.test(ctx.endpoints[0]) ? ctx.endpoints[0] : `${ctx.endpoints[0]}:50000`; // talosctl's default port
    const client = new TestClient(endpoint, { caPem: b64(ctx.ca), certPem: b64(ctx.crt), keyPem: b64(ctx.key) });
    try {
      const v = await client.unary(MachineService.method.version, {});
      expect(v.messages[0].version?.tag).toBe('v1.13.9');
    } finally {
      client.close();
    }

    process.emit('SIGINT');
    expect(await run).toBe(0);
    expect(existsSync(file)).toBe(true); // --talosconfig-out is kept
  });

  it('refuses a --listen address outside loopback with a usage error', async () => {
    const { io } = captureIO();
    await expect(command.run(['--listen', '192.0.2.1'], io)).rejects.toThrow(UsageError);
    await expect(command.run(['--listen', '192.0.2.1'], io)).rejects.toThrow('sim: --listen must be a loopback address in 127.0.0.0/8, not "192.0.2.1"');
  });
});
