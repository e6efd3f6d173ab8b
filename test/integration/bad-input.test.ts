// Inputs that used to hang the tool or slip through to a node: every one is a usage error (exit 2),
// one sentence naming the input, quickly, with nothing sent. "Nothing sent" is checked with a TCP
// listener on a free loopback address that counts connections.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommandLine, connectionOptions, UsageError } from '../../src/cli/args.js';
import { freeLoopback24 } from '../helpers/loopback.js';
import { runCommand } from '../helpers/run-command.js';
import { thrownBy } from '../helpers/thrown.js';

const dir = mkdtempSync(join(tmpdir(), 'talos-tui-bad-input-'));
let listener: net.Server;
let node: string;
let connections = 0;

beforeAll(async () => {
  listener = net.createServer((s) => {
    connections++;
    s.destroy();
  });
  const ip = `${await freeLoopback24()}.7`;
  await new Promise<void>((resolve) => listener.listen(0, ip, resolve));
  node = `${ip}:${(listener.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => listener.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, text: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const BASE = 'version: v1alpha1\nmachine:\n  type: worker\ncluster:\n  clusterName: c\n';
/** Nine levels of nine aliases: a billion nodes once expanded. */
function aliasBomb(top = ''): string {
  let text = `${top}a: &a ["x","x","x","x","x","x","x","x","x"]\n`;
  let prev = 'a';
  for (const c of 'bcdefghi') {
    text += `${c}: &${c} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
    prev = c;
  }
  return text;
}

/** Runs a command and checks it is a quick usage error, naming `mention`, with nothing sent. */
async function expectUsageError(name: string, argv: string[], mention: RegExp | string): Promise<string> {
  const before = connections;
  const started = Date.now();
  const r = await runCommand(name, argv);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(mention);
  expect(Date.now() - started).toBeLessThan(5000);
  expect(connections).toBe(before);
  return r.stderr;
}

describe('YAML alias bombs are refused at once, naming the file (item 3, 14)', () => {
  it('in a patch file, a base, an inline patch, an inventory and a META document', async () => {
    const base = file('base.yaml', BASE);
    const bomb = file('bomb.yaml', aliasBomb('machine:\n  type: worker\n'));
    await expectUsageError('config', ['render', '-f', base, '--config-patch', `@${bomb}`], /bomb\.yaml is refused: .*alias/);
    await expectUsageError('config', ['render', '-f', file('bomb-base.yaml', BASE + aliasBomb())], /bomb-base\.yaml is refused: .*alias/);
    await expectUsageError('config', ['render', '-f', base, '--config-patch', aliasBomb()], /inline patch 1 is refused: .*alias/);
    await expectUsageError('apply', ['-i', '-n', node, '-f', file('bomb-apply.yaml', BASE + aliasBomb())], /bomb-apply\.yaml is refused/);
    await expectUsageError('meta', ['validate', file('bomb-meta.yaml', aliasBomb())], /bomb-meta\.yaml: refused: .*alias/);
    await expectUsageError('discover', [node.split(':')[0]!, '--inventory', file('bomb-inv.yaml', aliasBomb())], /bomb-inv\.yaml is refused: .*alias/);
  });
});

describe('deeply nested YAML is refused, naming the file (item 3)', () => {
  it('flow and block nesting', async () => {
    const base = file('deep-base.yaml', BASE);
    const flow = file('deep-flow.yaml', `machine: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    await expectUsageError('config', ['render', '-f', base, '--config-patch', `@${flow}`], /deep-flow\.yaml /);
    const block = file('deep-block.yaml', Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n');
    await expectUsageError('config', ['render', '-f', base, '--config-patch', `@${block}`], /deep-block\.yaml .*(nests too deeply|not valid YAML)/);
  });
});

describe('one reader for every user-named file (item 3)', () => {
  it('a FIFO nobody writes to is refused instead of blocking forever', async () => {
    const fifo = join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    await expectUsageError('config', ['render', '-f', fifo], /base config .*fifo\.yaml is not a regular file \(a FIFO\)/);
    await expectUsageError('meta', ['validate', fifo], /fifo\.yaml is not a regular file/);
  });

  it('a directory, an oversized file and a binary file each say so', async () => {
    const d = join(dir, 'adir');
    mkdirSync(d);
    await expectUsageError('config', ['render', '-f', d], /base config .*adir is a directory/);
    const big = file('big.yaml', '');
    truncateSync(big, 9 * 1024 * 1024);
    await expectUsageError('apply', ['-i', '-n', node, '-f', big], /big\.yaml is too large \(9\.0 MiB; at most 8\.0 MiB\)/);
    await expectUsageError('apply', ['-i', '-n', node, '-f', file('bin.yaml', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]))], /bin\.yaml is not a text file/);
  });
});

describe('config render -o refuses a target that is not a regular file (item 9, 14)', () => {
  it('a FIFO stays a FIFO, a directory is named as one (no raw EISDIR, no temp name)', async () => {
    const base = file('render-base.yaml', BASE);
    const fifo = join(dir, 'out-fifo');
    execFileSync('mkfifo', [fifo]);
    await expectUsageError('config', ['render', '-f', base, '-o', fifo], /out-fifo: it exists and is not a regular file \(a FIFO\)/);
    expect(statSync(fifo).isFIFO()).toBe(true);
    const stderr = await expectUsageError('config', ['render', '-f', base, '-o', dir], /it is a directory, name a file inside it/);
    expect(stderr).not.toMatch(/EISDIR|\.tmp|\.part/);
  });
});

describe('apply checks a base sent without patches before anything is sent (item 6)', () => {
  it.each([
    ['not YAML', 'machine: [unclosed\n', /not-yaml\.yaml is not valid YAML/],
    ['a list', '- a\n- b\n', /is a list, not a config document/],
    ['no kind', 'foo: bar\n', /cannot be identified/],
  ])('%s', async (_what, text, mention) => {
    await expectUsageError('apply', ['-i', '-n', node, '-f', file('not-yaml.yaml', text)], mention);
  });
});

describe('connection flags are checked before anything is sent (items 5, 7)', () => {
  it('an empty --cert-fingerprint never turns pinning off in silence', async () => {
    const base = file('ok.yaml', BASE);
    await expectUsageError('apply', ['-i', '-n', node, '-f', base, '--cert-fingerprint', ''], /--cert-fingerprint has an empty value/);
    await expectUsageError('apply', ['-i', '-n', node, '-f', base, '--cert-fingerprint', ',,'], /--cert-fingerprint has an empty value/);
    await expectUsageError('logs', ['-i', '-n', node, 'kubelet', '--cert-fingerprint', ''], /--cert-fingerprint has an empty value/);
  });

  it.each([
    ['-n', '127.0.0.300', 'is not a valid IPv4 address'],
    ['-n', '127.0.1', 'is not a valid IPv4 address'],
    ['-e', '127.0.0.1:99999', 'has a bad port "99999"'],
    ['-e', '127.0.0.1:0', 'has a bad port "0"'],
    ['--nodes', '127..0.1', 'is not a valid IPv4 address'],
    ['-n', 'fe80::zz', 'is not an address'],
    ['-n', '[fe80::zz]:50000', 'is not a valid IPv6 address'],
    ['-n', 'node_1.example.com.', null],
    ['-n', 'cp-1', null],
  ])('%s %s', (flag, value, problem) => {
    const parse = () => parseCommandLine('services', [flag, value], connectionOptions);
    if (problem === null) return expect(parse).not.toThrow();
    const err = thrownBy(UsageError, parse);
    expect(err.message).toContain(problem);
    expect(err.message).toContain(value);
  });

  it('a malformed node is a usage error in the command too, nothing sent', async () => {
    await expectUsageError('logs', ['-i', '-n', `${node.split(':')[0]}:70000`, 'kubelet'], /-n "[\d.]+:70000" has a bad port/);
  });
});

describe('messages (item 14)', () => {
  it('a negative number for a numeric flag is one sentence, not parseArgs\'s three lines', async () => {
    await expectUsageError('logs', ['-i', '-n', node, 'kubelet', '--tail', '-5'], /--tail takes a value; a value starting with "-"/);
    await expectUsageError('logs', ['-i', '-n', node, 'kubelet', '--tail=-5'], /--tail takes a whole number, not "-5"/);
  });
});
