// A node that accepts TCP and never answers (a hung apid, a tarpit): reads that are meant to end
// (logs and dmesg without -f, etcd snapshot) give up with one sentence instead of hanging forever,
// and the snapshot leaves no partial file behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHeadlessLogs } from '../../src/cli/headless-logs.js';
import { Code, insecureClient, saveEtcdSnapshot, TalosError, type TalosClient } from '../../src/talos/index.js';
import { freeLoopback24 } from '../helpers/loopback.js';
import { sink } from '../helpers/run-command.js';

let silent: net.Server;
let address: string;
const held: net.Socket[] = [];
const clients: TalosClient[] = [];
const dir = mkdtempSync(join(tmpdir(), 'talos-tui-silent-'));

beforeAll(async () => {
  silent = net.createServer((s) => void held.push(s)); // accepts, reads nothing, answers nothing
  const ip = `${await freeLoopback24()}.9`;
  await new Promise<void>((resolve) => silent.listen(0, ip, resolve));
  address = `${ip}:${(silent.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  for (const c of clients) c.close();
  for (const s of held) s.destroy();
  await new Promise((resolve) => silent.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function client(): TalosClient {
  const c = insecureClient(address);
  clients.push(c);
  return c;
}

describe('a node that never answers', () => {
  it.each([
    ['logs', { kind: 'service', id: 'kubelet' } as const],
    ['dmesg', { kind: 'dmesg' } as const],
  ])('%s without -f gives up after the read deadline: one sentence, exit 1', async (command, selector) => {
    const out = sink();
    const err = sink();
    const started = Date.now();
    const code = await runHeadlessLogs({
      command,
      nodes: [address],
      targetFor: () => client(),
      selector,
      tail: 10,
      follow: false,
      stdout: out.stream,
      stderr: err.stream,
      signal: new AbortController().signal,
      readIdleTimeoutMs: 600,
    });
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(out.text()).toBe('');
    expect(err.text().trim().split('\n')).toHaveLength(1);
    expect(err.text()).toMatch(/sent nothing for 0\.6 s .*does not answer/);
  });

  it('etcd snapshot gives up after its deadline and leaves no file', async () => {
    const file = join(dir, 'db.snapshot');
    const err = await saveEtcdSnapshot(client(), file, { idleTimeoutMs: 600 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TalosError);
    expect((err as TalosError).code).toBe(Code.DEADLINE_EXCEEDED);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an interrupted snapshot removes its temp file and says cancelled', async () => {
    const file = join(dir, 'cancelled.snapshot');
    const ac = new AbortController();
    const saving = saveEtcdSnapshot(client(), file, { signal: ac.signal }).catch((e: unknown) => e);
    await expect.poll(() => readdirSync(dir).length, { timeout: 3000 }).toBe(1); // the .part exists meanwhile
    ac.abort();
    const err = (await saving) as Error;
    expect(err.name).toBe('SaveCancelledError');
    expect(err.message).toBe(`the snapshot was cancelled: ${file} was not written`);
    expect(readdirSync(dir)).toEqual([]);
  });
});
