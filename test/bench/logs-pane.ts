// Logs pane bench (printed figures, not a test). A simulated node floods one service log as fast as it
// can (its own process, so its CPU is not counted here) -> real gRPC over mutual TLS -> the pane's
// source (follow.ts, reconnect/dedupe machinery included) -> LogModel with a filter on -> the 14/s
// ThrottledStore -> a real Ink render of the shell + Logs pane at 80x24 (ink-testing-library: Ink's
// debug mode, so every React commit is a frame and Ink's own frame limiter does not help us).
// A key ('w', wrap on/off) is injected every 100 ms during the flood; its latency is the time until a
// frame shows the new wrap state.
//
// Targets (issue): >= 100,000 lines/s ingested, <= 15 repaints/s, RSS < 200 MB after 1,000,000 lines,
// keys answered within 100 ms during the flood.
//
// Run: node --expose-gc test/bench/logs-pane.mjs [lines=1000000] [service=containerd]
// (logs-pane.mjs bundles this file as the console is bundled: React in production mode.)
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { LogsPaneView } from '../../src/features/logs/index.js';
import { LogsController } from '../../src/features/logs/controller.js';
import type { PaneDefinition, PaneProps } from '../../src/ui/pane-types.js';
import { Shell } from '../../src/ui/shell/Shell.js';
import { parseTalosconfig, TalosSession } from '../../src/talos/index.js';
import { freeSimListen } from '../helpers/loopback.js';


// ---- the simulated node, in a child process (this same bundle, re-run with --sim-child)
if (process.argv[2] === '--sim-child') {
  // Imported here only: the pane's process should not carry the simulator's code and PKI.
  const { startSimCluster } = await import('../../src/sim/index.js');
  const sim = await startSimCluster({ configured: 1, maintenance: 0, listen: await freeSimListen(), logLinesPerSecond: 0 });
  sim.nodes[0]!.setLogRate(Infinity); // flood: followers get lines as fast as they read them
  process.stdout.write(JSON.stringify({ talosconfig: sim.talosconfigText, node: sim.nodes[0]!.ip }) + '\n');
  process.on('SIGTERM', async () => {
    const cpu = process.cpuUsage();
    process.stdout.write(JSON.stringify({ simCpuMs: (cpu.user + cpu.system) / 1000 }) + '\n');
    await sim.stop();
    process.exit(0);
  });
  await new Promise(() => {}); // until SIGTERM
}

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const SERVICE = process.argv[3] ?? 'containerd';
const FILTER = { text: 'shim|plugin', regex: true, invert: false };

function startSim(): Promise<{ child: ChildProcess; talosconfig: string; node: string; lines: AsyncIterator<string> }> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--sim-child'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return lines.next().then((first) => {
    if (first.done) throw new Error('the simulator child exited before it was ready');
    const ready = JSON.parse(first.value) as { talosconfig: string; node: string };
    return { child, ...ready, lines };
  });
}

const sim = await startSim();
const session = new TalosSession(parseTalosconfig(sim.talosconfig, 'bench'));
const controller = new LogsController({ targetFor: (n) => session.target(n) });
controller.model.setFilter(FILTER);
controller.streams.open({ node: sim.node, selector: { kind: 'service', id: SERVICE } });

// ---- the pane, rendered in the shell at 80x24; every frame Ink writes is timed
// (createElement rather than JSX: benches are .ts files run through test/bench/run.mjs)
const Pane = (p: PaneProps) => createElement(LogsPaneView, { ...p, controller });
const panes: PaneDefinition[] = [{ id: 'logs', number: 5, title: 'Logs', Component: Pane }];
const frameTimes: number[] = [];
let pendingKey: { at: number; wantWrap: boolean } | null = null;
const keyLatencies: number[] = [];
const ui = render(createElement(Shell, { panes, session, size: { columns: 80, rows: 24 }, initialPane: 'logs', onQuit: () => {} }));
const stdout = ui.stdout as unknown as { write: (frame: string) => void; frames: string[] };
const inkWrite = stdout.write;
stdout.write = (frame: string) => {
  const now = performance.now();
  frameTimes.push(now);
  if (pendingKey && frame.includes(`wrap ${pendingKey.wantWrap ? 'on' : 'off'}`)) {
    keyLatencies.push(now - pendingKey.at);
    pendingKey = null;
  }
  inkWrite(frame);
  stdout.frames.length = 0; // keep no history: RSS should reflect the pane, not the test harness
};

const linesNow = () => controller.model.sources()[0]?.lines ?? 0;

// Wait for the stream to flow before timing.
while (linesNow() === 0) await new Promise((r) => setTimeout(r, 20));

let wrapOn = false;
const keyTimer = setInterval(() => {
  if (pendingKey) keyLatencies.push(performance.now() - pendingKey.at); // never answered within 100 ms: count what it took so far
  wrapOn = !wrapOn;
  pendingKey = { at: performance.now(), wantWrap: wrapOn };
  ui.stdin.write('w');
}, 100);

const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
globalThis.gc?.();
const rssStart = process.memoryUsage().rss;
let peakRss = rssStart;
const cpu0 = process.cpuUsage();
const lines0 = linesNow();
const frames0 = frameTimes.length;
const t0 = performance.now();
const sampler = setInterval(() => {
  const rss = process.memoryUsage().rss;
  if (rss > peakRss) peakRss = rss;
}, 50);
while (linesNow() - lines0 < TOTAL) await new Promise((r) => setTimeout(r, 25));
const elapsedS = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const lines = linesNow() - lines0;
clearInterval(keyTimer);
clearInterval(sampler);
loopDelay.disable();
const memEnd = process.memoryUsage();
const rssEnd = memEnd.rss;
peakRss = Math.max(peakRss, rssEnd);
const frames = frameTimes.slice(frames0);

// The bound is per second: the most frames inside any 1000 ms window.
let worstWindow = 0;
for (let i = 0, j = 0; i < frames.length; i++) {
  while (frames[i]! - frames[j]! >= 1000) j++;
  worstWindow = Math.max(worstWindow, i - j + 1);
}
const snap = controller.model.snapshot(17, 80);
const lastFrame = ui.lastFrame() ?? '';

controller.dispose();
ui.unmount();
session.close();
sim.child.kill('SIGTERM');
const simReport = await sim.lines.next();
const simCpuMs = simReport.done ? NaN : (JSON.parse(simReport.value) as { simCpuMs: number }).simCpuMs;

const sorted = [...keyLatencies].sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
const cpuS = (cpu.user + cpu.system) / 1e6;
console.log(`logs-pane bench (Node ${process.version}, React production build)`);
console.log(`  source              sim node ${sim.node}, service "${SERVICE}" in flood mode, gRPC over mutual TLS, child process`);
console.log(`  lines ingested      ${lines.toLocaleString('en')} in ${elapsedS.toFixed(2)} s`);
console.log(`  ingest rate         ${Math.round(lines / elapsedS).toLocaleString('en')} lines/s   (target >= 100,000)`);
console.log(`  filter              /${FILTER.text}/i on; ${snap.buffered.toLocaleString('en')} lines buffered, ${snap.evicted.toLocaleString('en')} evicted`);
console.log(`  repaints (frames)   ${frames.length} in ${elapsedS.toFixed(2)} s = ${(frames.length / elapsedS).toFixed(1)}/s; most in any 1 s window: ${worstWindow}   (target <= 15)`);
console.log(`  store publications  ${controller.store.publications}`);
console.log(`  CPU (this process)  ${cpuS.toFixed(2)} s = ${((cpuS / elapsedS) * 100).toFixed(0)}% of one core (user ${(cpu.user / 1e6).toFixed(2)} s, system ${(cpu.system / 1e6).toFixed(2)} s)`);
console.log(`  CPU (sim process)   ${(simCpuMs / 1000).toFixed(2)} s total, including its start-up`);
console.log(`  RSS                 start ${mb(rssStart)} MB, peak ${mb(peakRss)} MB, after ${lines.toLocaleString('en')} lines ${mb(rssEnd)} MB   (target < 200)`);
console.log(`  memory at the end   heap used ${mb(memEnd.heapUsed)} MB of ${mb(memEnd.heapTotal)} MB, external ${mb(memEnd.external)} MB (array buffers ${mb(memEnd.arrayBuffers)} MB)`);
console.log(`  key latency ('w')   p50 ${pct(0.5).toFixed(1)} ms, p99 ${pct(0.99).toFixed(1)} ms, max ${pct(1).toFixed(1)} ms over ${sorted.length} keys   (target < 100)`);
console.log(`  event-loop delay    p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms`);
console.log(`  last frame          ${lastFrame.split('\n').length} rows; mode line: ${JSON.stringify(lastFrame.split('\n').at(-3)?.replace(/\u001B\[[0-9;]*m/g, ''))}`);
process.exit(0);
