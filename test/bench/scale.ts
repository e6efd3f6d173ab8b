// Scale bench (printed figures, not a test): the Logs pane following dmesg from N simulated nodes,
// side by side with a bare grpc-js client reading the very same streams. For each N (default 50,
// 200, 500) one simulator process runs N configured nodes; then, one after the other, two client
// processes connect to it:
//   bare  one grpc-js channel to the first endpoint, one Dmesg(follow) call per node with the `node`
//         header, messages counted and dropped: what the wire and grpc-js cost by themselves.
//   pane  the console's path: TalosSession -> LogsController (follow.ts, LogModel, ThrottledStore) ->
//         a real Ink render of the shell and the Logs pane at 120x40, with a key ('w', wrap on/off)
//         every 250 ms over the second half of the following, whose latency is the time until a frame
//         shows the new state (no keys before: CPU, frames/s and CPU per line are the lines' own).
// Figures per client: wire messages (every kernel record that crossed the wire, replays included),
// time to the first line shown, time until every node showed a line, time until every ring was
// read and the rate meanwhile, the longest pause in deliveries while the rings were read (a stall),
// then, after --seconds of following, the CPU of the following part (the "idle" load: 0.5 kernel
// lines/s per node) and RSS.
//
// --services K also follows K service logs of every node (tail 100), the memory scenario of the issue
// (dmesg plus 12 service logs on 20 nodes: --nodes 20 --services 10 --seconds 600).
//
// --only status: the Status pane showing every node instead: time until every node's first answer is
// in, idle CPU (polling only) over the first half of --seconds, then → (next node) every 250 ms over the
// second half, its latency the time until a frame shows that node.
//
// Also printed: CPU per wire message while the rings are read and while following (the issue's "CPU per
// line", as a ratio to the bare client), the connections each client used, and the latency of a unary
// poll (Version of one node every 250 ms) made beside the pane's streams: is a poll starved?
// --calls-per-connection N / --connections K change the console's bound (src/talos/call-slots.ts) and
// connections per endpoint; --bare-connections K spreads the bare client's streams over K connections.
//
// --only console: the shipped console in tmux on the Status pane (scale-console.ts): idle CPU of its
// process and key latency p50/p90/p99/max as the operator sees them, for each build named by
// --consoles label=path[,label=path] (default: this worktree's dist/talos-tui.js; `npm run build` first),
// against the tmux+cat floor and against the same build at the smallest N.
//
// Run: node --expose-gc test/bench/scale.mjs [--nodes 50,200,500] [--seconds 30] [--budget-mb 64] [--services K] [--only bare,pane,status,console]
//      [--calls-per-connection N] [--connections K] [--bare-connections K] [--consoles main=/tmp/main/dist/talos-tui.js,branch=dist/talos-tui.js]
// Loopback only: the simulator listens on a random 127.X.Y.0/24 and the /24s after it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { consoleInTmux, tmuxFloor, type ConsoleResult } from './scale-console.js';

const self = fileURLToPath(import.meta.url);
const argv = process.argv.slice(2);
const flag = (name: string, fallback: string) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1]! : fallback);
// Passed on to the client children through the environment (their argv is positional).
/** --calls-per-connection N: the console's bound per connection (default: the session's, 100). */
const callsPerConnection = Number(process.env['SCALE_BENCH_CALLS'] ?? flag('calls-per-connection', '0'));
/** --connections K: connections per endpoint the console may open (default: the session's, 8). */
const connectionsPerEndpoint = Number(process.env['SCALE_BENCH_CONNECTIONS'] ?? flag('connections', '0'));
/** --bare-connections K: channels the bare client spreads its streams over (default 1). */
const bareConnections = Math.max(1, Number(process.env['SCALE_BENCH_BARE_CONNECTIONS'] ?? flag('bare-connections', '1')));

interface Ready {
  talosconfig: string;
  nodes: string[];
  /** Kernel records in every ring when the simulator came up (what "every ring read" waits for). */
  ringRecords: number;
}

interface ClientResult {
  client: 'bare' | 'pane';
  wireMessages: number;
  firstShownMs: number;
  allNodesMs: number;
  ringsReadMs: number;
  ringRate: number;
  longestStallMs: number;
  followSeconds: number;
  followCpuPercent: number;
  /** CPU per wire message: while the rings are read, and while following (µs). */
  ringCpuUsPerMsg: number;
  followCpuUsPerMsg: number;
  rssMb: number;
  heapMb: number;
  /** RSS change over the second half of the following, per minute (flat: about 0). */
  rssGrowthMbPerMin: number;
  keyP50?: number;
  keyP99?: number;
  keys?: number;
  framesPerSecond?: number;
  /** Connections the client used to the endpoint. */
  connections?: number;
  /** Unary polls (Version of a node, every 250 ms) while the rings are read and while following. */
  pollP50?: number;
  pollP99?: number;
  polls?: number;
}

// ---------------------------------------------------------------- the simulator child
if (argv[0] === '--sim-child') {
  const { startSimCluster } = await import('../../src/sim/index.js');
  const n = Number(argv[1]);
  // A random /24 far from the demo's 127.0.X0.0 and from the tests' helper; the plan takes the next /24s too.
  const listen = `127.${100 + Math.floor(Math.random() * 150)}.${Math.floor(Math.random() * 200)}.1`;
  const sim = await startSimCluster({ configured: n, maintenance: 0, listen });
  const ringRecords = sim.nodes.reduce((sum, node) => sum + node.machine.dmesg().tail(-1).length, 0);
  const ready: Ready = { talosconfig: sim.talosconfigText, nodes: sim.nodes.map((node) => node.ip), ringRecords };
  process.stdout.write(JSON.stringify(ready) + '\n');
  process.on('SIGTERM', () => void sim.stop().then(() => process.exit(0)));
  await new Promise(() => {});
}

// ---------------------------------------------------------------- measuring helpers shared by both clients
class Progress {
  readonly t0 = performance.now();
  private readonly cpu0 = process.cpuUsage();
  /** CPU (ms) from the start until every ring was read. */
  ringCpuMs = NaN;
  wire = 0;
  firstShownMs = NaN;
  allNodesMs = NaN;
  ringsReadMs = NaN;
  private lastDelivery = NaN;
  longestStallMs = 0;

  constructor(readonly ringRecords: number) {}

  /** `count` kernel records crossed the wire. */
  onWire(count: number): void {
    this.wire += count;
    const now = performance.now();
    if (Number.isNaN(this.ringsReadMs)) {
      if (!Number.isNaN(this.lastDelivery)) this.longestStallMs = Math.max(this.longestStallMs, now - this.lastDelivery);
      this.lastDelivery = now;
      if (this.wire >= this.ringRecords) {
        this.ringsReadMs = now - this.t0;
        const cpu = process.cpuUsage(this.cpu0);
        this.ringCpuMs = (cpu.user + cpu.system) / 1000;
      }
    }
  }

  shown(allNodes: boolean): void {
    const ms = performance.now() - this.t0;
    if (Number.isNaN(this.firstShownMs)) this.firstShownMs = ms;
    if (allNodes && Number.isNaN(this.allNodesMs)) this.allNodesMs = ms;
  }
}

/** Services every simulated node runs (control planes also etcd and trustd). */
const SERVICES = ['apid', 'containerd', 'cri', 'kubelet', 'machined', 'udevd', 'auditd', 'syslogd', 'dashboard', 'ext-qemu-guest-agent'];
const SERVICE_TAIL = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(done: () => boolean, limitMs: number): Promise<void> {
  const until = performance.now() + limitMs;
  while (!done() && performance.now() < until) await sleep(20);
}

/** Following: CPU share and memory over `seconds` after the rings are in. */
async function follow(seconds: number, p?: Progress): Promise<Pick<ClientResult, 'followSeconds' | 'followCpuPercent' | 'rssMb' | 'heapMb' | 'rssGrowthMbPerMin' | 'ringCpuUsPerMsg' | 'followCpuUsPerMsg'>> {
  const cpu0 = process.cpuUsage();
  const wire0 = p?.wire ?? 0;
  const t = performance.now();
  await sleep((seconds * 1000) / 2);
  globalThis.gc?.();
  const halfMem = process.memoryUsage();
  // SCALE_BENCH_HEAPSNAPSHOT=DIR: heap snapshots at half time and at the end, to diff for leaks.
  const snapshots = process.env['SCALE_BENCH_HEAPSNAPSHOT'];
  if (snapshots) (await import('node:v8')).writeHeapSnapshot(`${snapshots}/half-${process.pid}.heapsnapshot`);
  const half = { rss: halfMem.rss, at: performance.now() };
  await sleep((seconds * 1000) / 2);
  const elapsed = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(cpu0);
  globalThis.gc?.();
  if (snapshots) (await import('node:v8')).writeHeapSnapshot(`${snapshots}/end-${process.pid}.heapsnapshot`);
  const mem = process.memoryUsage();
  const rssGrowthMbPerMin = (mem.rss - half.rss) / 1048576 / ((performance.now() - half.at) / 60_000);
  if (process.env['SCALE_BENCH_MEMORY']) {
    const { getHeapSpaceStatistics } = await import('node:v8');
    const spaces = getHeapSpaceStatistics().map((sp) => `${sp.space_name} ${Math.round(sp.space_size / 1048576)}/${Math.round(sp.space_used_size / 1048576)}`);
    process.stderr.write(`memory at half time: rss ${Math.round(halfMem.rss / 1048576)} heapUsed ${Math.round(halfMem.heapUsed / 1048576)} MB\n`);
    process.stderr.write(`memory: ${JSON.stringify(Object.fromEntries(Object.entries(mem).map(([k, v]) => [k, Math.round(v / 1048576)])))} MB; spaces (size/used MB) ${spaces.join(', ')}\n`);
  }
  const cpuUs = cpu.user + cpu.system;
  return {
    followSeconds: elapsed,
    followCpuPercent: (cpuUs / 1e6 / elapsed) * 100,
    ringCpuUsPerMsg: p ? (p.ringCpuMs * 1000) / p.ringRecords : NaN,
    followCpuUsPerMsg: p ? cpuUs / Math.max(1, p.wire - wire0) : NaN,
    rssMb: mem.rss / 1048576,
    heapMb: mem.heapUsed / 1048576,
    rssGrowthMbPerMin,
  };
}

/** Every frame Ink writes goes to `onFrame`, and no frame is kept (RSS should be the console's, not the harness's). */
function onEveryFrame(ui: { stdout: unknown }, onFrame: (frame: string) => void): void {
  const stdout = ui.stdout as { write: (frame: string) => void; frames: string[] };
  const inkWrite = stdout.write.bind(stdout);
  stdout.write = (frame: string) => {
    onFrame(frame);
    inkWrite(frame);
    stdout.frames.length = 0;
  };
}

// ---------------------------------------------------------------- the bare grpc-js client
/** LogsRequest{namespace: "system", id, follow: true, tail_lines: 100}, encoded by hand (fields 1, 2, 4, 5). */
function logsRequest(id: string): Buffer {
  const str = (field: number, v: string) => [(field << 3) | 2, Buffer.byteLength(v), ...Buffer.from(v)];
  return Buffer.from([...str(1, 'system'), ...str(2, id), 0x20, 0x01, 0x28, SERVICE_TAIL]);
}

async function bareClient(ready: Ready, seconds: number, services: number): Promise<ClientResult> {
  const grpc = await import('@grpc/grpc-js');
  const { parse } = await import('yaml');
  const doc = parse(ready.talosconfig) as { context: string; contexts: Record<string, { endpoints: string[]; ca: string; crt: string; key: string }> };
  const ctx = doc.contexts[doc.context]!;
  const b64 = (s: string) => Buffer.from(s, 'base64');
  // --bare-connections K: the streams spread over K channels (separate connections), round robin.
  const clients = Array.from({ length: bareConnections }, () =>
    new grpc.Client(`${ctx.endpoints[0]}:50000`, grpc.credentials.createSsl(b64(ctx.ca), b64(ctx.key), b64(ctx.crt)), {
      'grpc.max_receive_message_length': 4 << 20,
      'grpc.use_local_subchannel_pool': 1,
    }),
  );
  let turn = 0;
  const nextClient = () => clients[turn++ % clients.length]!;
  const p = new Progress(ready.ringRecords);
  const seen = new Set<string>();
  const calls = ready.nodes.map((node) => {
    const md = new grpc.Metadata();
    md.set('node', node);
    // DmesgRequest{follow: true}: field 1, varint 1. Replies are counted, not decoded.
    const call = nextClient().makeServerStreamRequest('/machine.MachineService/Dmesg', () => Buffer.from([0x08, 0x01]), (b: Buffer) => b, {}, md, {});
    call.on('data', () => {
      p.onWire(1);
      if (!seen.has(node)) {
        seen.add(node);
        p.shown(seen.size === ready.nodes.length);
      }
    });
    call.on('error', () => undefined);
    return call;
  });
  for (const node of ready.nodes) {
    for (const id of SERVICES.slice(0, services)) {
      const md = new grpc.Metadata();
      md.set('node', node);
      const call = nextClient().makeServerStreamRequest('/machine.MachineService/Logs', () => logsRequest(id), (b: Buffer) => b, {}, md, {});
      call.on('data', () => p.onWire(1));
      call.on('error', () => undefined);
      calls.push(call);
    }
  }
  await waitFor(() => !Number.isNaN(p.ringsReadMs), 120_000);
  const followed = await follow(seconds, p);
  for (const c of calls) c.cancel();
  for (const c of clients) c.close();
  return { client: 'bare', connections: clients.length, wireMessages: p.wire, firstShownMs: p.firstShownMs, allNodesMs: p.allNodesMs, ringsReadMs: p.ringsReadMs, ringRate: p.wire / (p.ringsReadMs / 1000), longestStallMs: p.longestStallMs, ...followed };
}

// ---------------------------------------------------------------- the console's Logs pane
async function paneClient(ready: Ready, seconds: number, budgetMb: number, services: number): Promise<ClientResult> {
  const { createElement } = await import('react');
  const { render } = await import('ink-testing-library');
  const { LogsPaneView } = await import('../../src/features/logs/index.js');
  const { LogsController } = await import('../../src/features/logs/controller.js');
  const { Shell } = await import('../../src/ui/shell/Shell.js');
  const { parseTalosconfig, TalosSession, machine } = await import('../../src/talos/index.js');
  type NodeTarget = import('../../src/talos/index.js').NodeTarget;

  const p = new Progress(ready.ringRecords);
  const session = new TalosSession(parseTalosconfig(ready.talosconfig, 'bench'), {
    ...(callsPerConnection ? { callLimits: { maxCalls: callsPerConnection } } : {}),
    ...(connectionsPerEndpoint ? { connectionsPerEndpoint } : {}),
  });
  // Every stream message is one kernel record: count them where they leave the session.
  const counted = (t: NodeTarget): NodeTarget => ({
    node: t.node,
    unary: (m, r, o) => t.unary(m, r, o),
    stream: (m, r, o) => ({
      async *[Symbol.asyncIterator]() {
        for await (const msg of t.stream(m, r, o)) {
          p.onWire(1);
          yield msg;
        }
      },
    }),
  });
  const controller = new LogsController({ targetFor: (n) => counted(session.target(n)), model: { maxBytes: budgetMb * 1048576, tailLines: SERVICE_TAIL } });
  controller.store.subscribe(() => {
    const view = controller.store.getSnapshot().view;
    if (view.buffered > 0) p.shown(view.sources.every((s) => s.lines > 0));
  });

  // Streams open before the pane mounts, as the console does after the source picker: no picker on screen.
  for (const node of ready.nodes) {
    controller.streams.open({ node, selector: { kind: 'dmesg' } });
    for (const id of SERVICES.slice(0, services)) controller.streams.open({ node, selector: { kind: 'service', id } });
  }
  const Pane = (props: import('../../src/ui/pane-types.js').PaneProps) => createElement(LogsPaneView, { ...props, controller });
  const panes: import('../../src/ui/pane-types.js').PaneDefinition[] = [{ id: 'logs', number: 5, title: 'Logs', Component: Pane }];
  let frames = 0;
  let pendingKey: { at: number; wantWrap: boolean } | null = null;
  const keyLatencies: number[] = [];
  // SCALE_BENCH_NO_RENDER=1: the same data path without Ink, to tell the render's memory from the rest.
  const ui = process.env['SCALE_BENCH_NO_RENDER']
    ? { stdout: { write: () => undefined, frames: [] }, stdin: { write: () => undefined }, unmount: () => undefined, lastFrame: () => '' }
    : render(createElement(Shell, { panes, session, size: { columns: 120, rows: 40 }, initialPane: 'logs', onQuit: () => {} }));
  onEveryFrame(ui, (frame) => {
    frames++;
    if (pendingKey && frame.includes(`wrap ${pendingKey.wantWrap ? 'on' : 'off'}`)) {
      keyLatencies.push(performance.now() - pendingKey.at);
      pendingKey = null;
    }
  });
  let wrapOn = false;
  const pressKeys = () =>
    setInterval(() => {
      if (pendingKey) keyLatencies.push(performance.now() - pendingKey.at); // not answered yet: count what it took so far
      wrapOn = !wrapOn;
      pendingKey = { at: performance.now(), wantWrap: wrapOn };
      ui.stdin.write('w');
    }, 250);
  let keyTimer: ReturnType<typeof setInterval>;

  // A poll beside the streams, as Status or the source picker would make: is it starved?
  const pollLatencies: number[] = [];
  let polled = 0;
  const pollTimer = setInterval(() => {
    const started = performance.now();
    const node = ready.nodes[polled++ % ready.nodes.length]!;
    void machine.version(session.target(node), { deadlineMs: 10_000 }).then(
      () => pollLatencies.push(performance.now() - started),
      () => pollLatencies.push(10_000),
    );
  }, 250);

  await waitFor(() => !Number.isNaN(p.ringsReadMs) && !Number.isNaN(p.allNodesMs), 120_000);
  const connections = Object.values(session.callLoad())[0]?.connections ?? 0;
  // No keys while the rings are read nor over the first half of the following, so CPU per line is
  // the lines' own cost (a key is a frame of its own); keys over the second half.
  const frames0 = frames;
  const followed = await follow(seconds / 2, p);
  const framesPerSecond = (frames - frames0) / followed.followSeconds;
  keyTimer = pressKeys();
  await sleep((seconds / 2) * 1000);
  clearInterval(keyTimer);
  clearInterval(pollTimer);
  if (process.env['SCALE_BENCH_FRAME']) process.stderr.write(`${ui.lastFrame()}\n`);
  controller.dispose();
  ui.unmount();
  session.close();
  const sorted = [...keyLatencies].sort((a, b) => a - b);
  const pct = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
  const polls = [...pollLatencies].sort((a, b) => a - b);
  const pollPct = (q: number) => polls[Math.min(polls.length - 1, Math.floor(polls.length * q))] ?? NaN;
  return {
    client: 'pane',
    connections,
    pollP50: pollPct(0.5),
    pollP99: pollPct(0.99),
    polls: polls.length,
    wireMessages: p.wire,
    firstShownMs: p.firstShownMs,
    allNodesMs: p.allNodesMs,
    ringsReadMs: p.ringsReadMs,
    ringRate: p.wire / (p.ringsReadMs / 1000),
    longestStallMs: p.longestStallMs,
    ...followed,
    keyP50: pct(0.5),
    keyP99: pct(0.99),
    keys: sorted.length,
    framesPerSecond,
  };
}

// ---------------------------------------------------------------- the console's Status pane
/** Status showing every node: idle CPU over the first half of `seconds`, then → every 250 ms (next node). */
async function statusClient(ready: Ready, seconds: number): Promise<StatusResult> {
  const { createElement } = await import('react');
  const { render } = await import('ink-testing-library');
  const { default: StatusPane } = await import('../../src/features/status/index.js');
  const { Shell } = await import('../../src/ui/shell/Shell.js');
  const { parseTalosconfig, TalosSession } = await import('../../src/talos/index.js');
  const session = new TalosSession(parseTalosconfig(ready.talosconfig, 'bench'));
  const panes: import('../../src/ui/pane-types.js').PaneDefinition[] = [{ id: 'status', number: 4, title: 'Status', Component: StatusPane }];
  const t0 = performance.now();
  let frames = 0;
  let firstFrameAllNodesMs = NaN;
  let pending: { at: number; want: string } | null = null;
  const latencies: number[] = [];
  const ui = render(createElement(Shell, { panes, session, size: { columns: 120, rows: 40 }, initialPane: 'status', onQuit: () => {} }));
  onEveryFrame(ui, (frame) => {
    frames++;
    if (Number.isNaN(firstFrameAllNodesMs) && frame.includes(`/${ready.nodes.length}`) && !frame.includes('loading')) firstFrameAllNodesMs = performance.now() - t0;
    if (pending && frame.includes(pending.want)) {
      latencies.push(performance.now() - pending.at);
      pending = null;
    }
  });
  await waitFor(() => !Number.isNaN(firstFrameAllNodesMs), 60_000);
  await sleep(3000); // the first look at every node settles
  const idleFrames0 = frames;
  const idle = await follow(seconds / 2);
  const idleFramesPerSecond = (frames - idleFrames0) / idle.followSeconds;
  let shown = 0;
  const keyTimer = setInterval(() => {
    if (pending) latencies.push(performance.now() - pending.at);
    shown = (shown + 1) % ready.nodes.length;
    pending = { at: performance.now(), want: `(${shown + 1}/${ready.nodes.length})` };
    ui.stdin.write('\u001B[C');
  }, 250);
  await sleep((seconds / 2) * 1000);
  clearInterval(keyTimer);
  if (process.env['SCALE_BENCH_FRAME']) process.stderr.write(`${ui.lastFrame()}\n`);
  ui.unmount();
  session.close();
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
  return { client: 'status', firstLookMs: firstFrameAllNodesMs, idleCpuPercent: idle.followCpuPercent, rssMb: idle.rssMb, keyP50: pct(0.5), keyP99: pct(0.99), keyMax: pct(1), keys: sorted.length, frames, idleFramesPerSecond };
}

interface StatusResult {
  client: 'status';
  firstLookMs: number;
  idleCpuPercent: number;
  rssMb: number;
  keyP50: number;
  keyP99: number;
  keyMax: number;
  keys: number;
  frames: number;
  /** Frames Ink wrote while no key was pressed: repaints for data changes only (ideally few). */
  idleFramesPerSecond: number;
}

if (argv[0] === '--client') {
  const ready = JSON.parse(Buffer.from(argv[2]!, 'base64').toString('utf8')) as Ready;
  const seconds = Number(argv[3]);
  const services = Number(argv[5]);
  const result =
    argv[1] === 'bare' ? await bareClient(ready, seconds, services) : argv[1] === 'status' ? await statusClient(ready, seconds) : await paneClient(ready, seconds, Number(argv[4]), services);
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
}

// ---------------------------------------------------------------- the orchestrator
function firstLine(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return lines.next().then((l) => {
    if (l.done) throw new Error('a bench child exited before it answered');
    return l.value;
  });
}

async function runClient<R = ClientResult>(kind: 'bare' | 'pane' | 'status', ready: Ready, seconds: number, budgetMb: number, services: number): Promise<R> {
  const encoded = Buffer.from(JSON.stringify(ready)).toString('base64');
  const profile = process.env['SCALE_BENCH_PROFILE'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['SCALE_BENCH_PROFILE']}`] : [];
  const env = {
    ...process.env,
    SCALE_BENCH_CALLS: String(callsPerConnection),
    SCALE_BENCH_CONNECTIONS: String(connectionsPerEndpoint),
    SCALE_BENCH_BARE_CONNECTIONS: String(bareConnections),
  };
  const child = spawn(process.execPath, ['--expose-gc', ...profile, self, '--client', kind, encoded, String(seconds), String(budgetMb), String(services)], { stdio: ['ignore', 'pipe', 'inherit'], env });
  return JSON.parse(await firstLine(child)) as R;
}

const sizes = flag('nodes', '50,200,500').split(',').map(Number);
const seconds = Number(flag('seconds', '30'));
const budgetMb = Number(flag('budget-mb', '64'));
const only = flag('only', 'bare,pane').split(',');
const services = Math.min(SERVICES.length, Number(flag('services', '0')));

const f = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const results: { n: number; r: ClientResult }[] = [];
const consoles = flag('consoles', 'branch=dist/talos-tui.js')
  .split(',')
  .map((c) => ({ label: c.split('=')[0]!, path: c.split('=').slice(1).join('=') }));
const consoleResults: { n: number; r: ConsoleResult }[] = [];
const floor = only.includes('console') ? await tmuxFloor(10) : null;
if (floor) console.log(`  floor   tmux send-keys -> the program's output shows it (cat): p50 ${f(floor.keyP50, 1)} ms p90 ${f(floor.keyP90, 1)} ms p99 ${f(floor.keyP99, 1)} ms max ${f(floor.keyMax, 1)} ms (${floor.keys})`);
console.log(
  `scale bench (Node ${process.version}, React production build): dmesg -f${services ? ` and ${services} service logs` : ''} from every node, ` +
    `${seconds} s of following after the rings are in, log buffer ${budgetMb} MB`,
);
for (const n of sizes) {
  // SCALE_BENCH_PROFILE=DIR: CPU profiles of the simulator and the clients (node --cpu-prof) in DIR.
  const profile = process.env['SCALE_BENCH_PROFILE'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['SCALE_BENCH_PROFILE']}`] : [];
  const sim = spawn(process.execPath, [...profile, self, '--sim-child', String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = JSON.parse(await firstLine(sim)) as Ready;
  try {
    if (only.includes('status')) {
      const r = await runClient<StatusResult>('status', ready, seconds, budgetMb, services);
      console.log(
        `  N=${String(n).padEnd(4)} status  first node shown after ${f(r.firstLookMs)} ms  idle CPU ${f(r.idleCpuPercent, 1)}% (${f(r.idleFramesPerSecond, 1)} frames/s)  RSS ${f(r.rssMb)} MB  ` +
          `keys (→ next node) p50 ${f(r.keyP50, 1)} ms p99 ${f(r.keyP99, 1)} ms max ${f(r.keyMax, 1)} ms (${r.keys})`,
      );
    }
    if (only.includes('console')) {
      for (const c of consoles) {
        const r = await consoleInTmux(c.label, c.path, ready.talosconfig, n, seconds);
        consoleResults.push({ n, r });
        console.log(
          `  N=${String(n).padEnd(4)} console ${c.label.padEnd(8)} Status shown after ${f(r.firstLookMs)} ms  idle CPU ${f(r.idleCpuPercent, 1)}% of a core  ` +
            `keys (→ in tmux) p50 ${f(r.keyP50, 1)} p90 ${f(r.keyP90, 1)} p99 ${f(r.keyP99, 1)} max ${f(r.keyMax, 1)} ms (${r.keys})`,
        );
      }
    }
    for (const kind of ['bare', 'pane'] as const) {
      if (!only.includes(kind)) continue;
      const r = await runClient(kind, ready, seconds, budgetMb, services);
      results.push({ n, r });
      console.log(
        `  N=${String(n).padEnd(4)} ${kind.padEnd(5)} wire ${String(r.wireMessages).padStart(7)} msgs (rings ${ready.ringRecords})  ` +
          `first line ${f(r.firstShownMs).padStart(5)} ms  all nodes ${f(r.allNodesMs).padStart(5)} ms  rings read ${f(r.ringsReadMs).padStart(6)} ms ` +
          `(${f(r.ringRate).padStart(6)} msgs/s, longest stall ${f(r.longestStallMs)} ms)  ` +
          `CPU/msg ${f(r.ringCpuUsPerMsg, 1)} µs  following: CPU ${f(r.followCpuPercent, 1)}% (${f(r.followCpuUsPerMsg)} µs/msg)  RSS ${f(r.rssMb)} MB (heap ${f(r.heapMb)} MB, ${r.rssGrowthMbPerMin >= 0 ? '+' : ''}${f(r.rssGrowthMbPerMin, 1)} MB/min)` +
          `  ${r.connections} connection(s)` +
          (r.client === 'pane'
            ? `  keys p50 ${f(r.keyP50!, 1)} ms p99 ${f(r.keyP99!, 1)} ms (${r.keys})  ${f(r.framesPerSecond!, 1)} frames/s  polls p50 ${f(r.pollP50!, 1)} ms p99 ${f(r.pollP99!, 1)} ms (${r.polls})`
            : ''),
      );
    }
  } finally {
    sim.kill('SIGTERM');
  }
}

if (consoleResults.length > 0) {
  const ratio = (a: number, b: number | undefined) => (b !== undefined && b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}x` : '-');
  console.log(`  console ratios (against ${consoles[0]!.label} at the same N; against the same build at N=${sizes[0]}; key p50 against the tmux+cat floor)`);
  for (const { n, r } of consoleResults) {
    const base = consoleResults.find((x) => x.n === n && x.r.label === consoles[0]!.label)?.r;
    const small = consoleResults.find((x) => x.n === sizes[0] && x.r.label === r.label)?.r;
    console.log(
      `  N=${String(n).padEnd(4)} ${r.label.padEnd(8)} vs ${consoles[0]!.label}: idle CPU ${ratio(r.idleCpuPercent, base?.idleCpuPercent)}, key p50 ${ratio(r.keyP50, base?.keyP50)} p99 ${ratio(r.keyP99, base?.keyP99)}` +
        `   vs N=${sizes[0]}: idle CPU ${ratio(r.idleCpuPercent, small?.idleCpuPercent)}, key p99 ${ratio(r.keyP99, small?.keyP99)}   vs floor: key p50 ${ratio(r.keyP50, floor?.keyP50)}`,
    );
  }
}

// Ratios: each pane figure against the bare client at the same N, and against the pane at the smallest N.
const at = (n: number, c: string) => results.find((x) => x.n === n && x.r.client === c)?.r;
console.log('  ratios (pane / bare at the same N; pane / pane at the smallest N)');
for (const n of sizes) {
  const pane = at(n, 'pane');
  const bare = at(n, 'bare');
  const small = at(sizes[0]!, 'pane');
  if (!pane) continue;
  const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? `${(a / b).toFixed(2)}x` : '-');
  console.log(
    `  N=${String(n).padEnd(4)} vs bare: first line ${ratio(pane.firstShownMs, bare?.firstShownMs)}, rings read ${ratio(pane.ringsReadMs, bare?.ringsReadMs)}, ` +
      `wire msgs ${ratio(pane.wireMessages, bare?.wireMessages)}, CPU ${ratio(pane.followCpuPercent, bare?.followCpuPercent)}, ` +
      `CPU per msg reading the rings ${ratio(pane.ringCpuUsPerMsg, bare?.ringCpuUsPerMsg)}, following ${ratio(pane.followCpuUsPerMsg, bare?.followCpuUsPerMsg)}, RSS ${ratio(pane.rssMb, bare?.rssMb)}` +
      `   vs N=${sizes[0]}: rings read ${ratio(pane.ringsReadMs, small?.ringsReadMs)}, RSS ${ratio(pane.rssMb, small?.rssMb)}`,
  );
}
process.exit(0);
