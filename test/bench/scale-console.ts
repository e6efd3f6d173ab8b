// The scale bench's console part (--only console): the shipped console (dist/talos-tui.js, or each
// build named by --consoles label=path,...) run as a user runs it, in a private tmux server at
// 120x40, against the bench's simulator. On the Status pane showing node 1 of N:
//   idle CPU  the console process's utime+stime from /proc/<pid>/stat over --seconds with no key
//             pressed (polling and repaints only), as a share of one core;
//   keys      → (next node) every 250 ms for --seconds, each one's latency the time from
//             send-keys until the console's output (tmux pipe-pane into a FIFO, read as it comes,
//             no polling) carries the new node's "(k/N)": what the operator waits.
// The floor of that method (a tmux client process for send-keys, tmux relaying input and output) is
// measured the same way on `cat` echoing a key: a console's latency is only meaningful against it.
import { execFileSync } from 'node:child_process';
import { createReadStream, readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface ConsoleResult {
  label: string;
  firstLookMs: number;
  idleCpuPercent: number;
  keyP50: number;
  keyP90: number;
  keyP99: number;
  keyMax: number;
  keys: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

function tmuxOn(socket: string) {
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  return {
    tmux,
    screen: () => tmux('capture-pane', '-p', '-t', 'bench'),
    keys: (...k: string[]) => void tmux('send-keys', '-t', 'bench', ...k),
    pid: () => Number(tmux('list-panes', '-t', 'bench', '-F', '#{pane_pid}').trim()),
    kill: () => {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
    },
  };
}

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after "(comm) ": state is index 0, utime is field 14 of the whole line (index 11 here), stime 15.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

async function waitScreen(screen: () => string, test: (s: string) => boolean, limitMs: number): Promise<string> {
  const until = performance.now() + limitMs;
  let s = screen();
  while (!test(s) && performance.now() < until) {
    await sleep(20);
    s = screen();
  }
  if (!test(s)) throw new Error(`the console did not get there in ${limitMs} ms; its screen:\n${s}`);
  return s;
}

/** What the program in the pane writes, as it writes it (tmux pipe-pane into a FIFO). */
function paneOutput(t: ReturnType<typeof tmuxOn>, dir: string) {
  const fifo = join(dir, 'out');
  execFileSync('mkfifo', [fifo]);
  let text = '';
  let waiter: { test: (s: string) => boolean; done: () => void } | null = null;
  const stream = createReadStream(fifo, { encoding: 'utf8' });
  stream.on('data', (chunk: string | Buffer) => {
    // Only the recent output matters: what the last key brought.
    text = (text + String(chunk)).slice(-65536);
    if (waiter?.test(text)) {
      waiter.done();
      waiter = null;
    }
  });
  t.tmux('pipe-pane', '-O', '-t', 'bench', `cat > ${fifo}`);
  return {
    /** Forget what was written so far (before a key). */
    reset: () => void (text = ''),
    until: (test: (s: string) => boolean, limitMs: number) =>
      new Promise<void>((resolve) => {
        if (test(text)) return resolve();
        const timer = setTimeout(() => {
          waiter = null;
          resolve();
        }, limitMs);
        waiter = { test, done: () => (clearTimeout(timer), resolve()) };
      }),
    close: () => stream.destroy(),
  };
}

/** Presses a key every 250 ms; each latency is from send-keys until the output shows `shown(k)`. */
async function keyLatencies(t: ReturnType<typeof tmuxOn>, out: ReturnType<typeof paneOutput>, key: string, shown: (k: number, output: string) => boolean, seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  for (let k = 1; performance.now() < until; k++) {
    out.reset();
    const at = performance.now();
    t.keys(key);
    await out.until((s) => shown(k, s), 3000);
    const ms = performance.now() - at;
    latencies.push(ms);
    await sleep(Math.max(0, 250 - ms));
  }
  return latencies;
}

function percentiles(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
  return { keyP50: pct(0.5), keyP90: pct(0.9), keyP99: pct(0.99), keyMax: sorted.at(-1) ?? NaN, keys: sorted.length };
}

/** The method's floor: `cat` echoing a key in the same kind of tmux pane. */
export async function tmuxFloor(seconds: number): Promise<ConsoleResult> {
  const dir = mkdtempSync(join(tmpdir(), 'scale-bench-'));
  const t = tmuxOn(`scale-bench-floor-${process.pid}`);
  try {
    t.tmux('new-session', '-d', '-s', 'bench', '-x', '120', '-y', '40', 'exec cat');
    const out = paneOutput(t, dir);
    const keys = await keyLatencies(t, out, 'x', (_k, s) => s.includes('x'), seconds);
    out.close();
    return { label: 'tmux+cat', firstLookMs: NaN, idleCpuPercent: NaN, ...percentiles(keys) };
  } finally {
    t.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function consoleInTmux(label: string, consolePath: string, talosconfig: string, nodes: number, seconds: number): Promise<ConsoleResult> {
  const dir = mkdtempSync(join(tmpdir(), 'scale-bench-'));
  const config = join(dir, 'talosconfig');
  writeFileSync(config, talosconfig, { mode: 0o600 });
  const t = tmuxOn(`scale-bench-${process.pid}-${label.replace(/\W/g, '')}`);
  try {
    const t0 = performance.now();
    t.tmux('new-session', '-d', '-s', 'bench', '-x', '120', '-y', '40', `exec node ${resolve(consolePath)} --talosconfig ${config}`);
    const pid = t.pid();
    await waitScreen(t.screen, (s) => s.includes('Status'), 30_000);
    t.keys('4');
    // Node 1 of N answered (its strip leaves "loading…").
    await waitScreen(t.screen, (s) => s.includes(`(1/${nodes})`) && !s.includes('loading'), 60_000);
    const firstLookMs = performance.now() - t0;
    await sleep(3000); // the first round over every node settles
    const cpu0 = cpuSeconds(pid);
    const w0 = performance.now();
    await sleep(seconds * 1000);
    const idleCpuPercent = ((cpuSeconds(pid) - cpu0) / ((performance.now() - w0) / 1000)) * 100;
    const out = paneOutput(t, dir);
    const keys = await keyLatencies(t, out, 'Right', (k, s) => s.includes(`(${(k % nodes) + 1}/${nodes})`), seconds);
    out.close();
    if (process.env['SCALE_BENCH_FRAME']) process.stderr.write(`${t.screen()}\n`);
    return { label, firstLookMs, idleCpuPercent, ...percentiles(keys) };
  } finally {
    t.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
