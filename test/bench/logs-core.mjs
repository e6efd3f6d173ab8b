// Logs core bench (printed figures, not a test): one simulated node floods 1,000,000 CRI-format
// lines as fast as it can, in common.Data-sized chunks that cut lines (and UTF-8 characters)
// anywhere, through LineSplitter -> LogBuffer -> incremental filter (regex on), with the
// logs pane's 15/s ThrottledStore publishing snapshots of a 40x120 view.
//
// Targets (issue): >= 100,000 lines/s ingested, <= 15 repaints/s, RSS < 200 MB after 1M lines,
// keys answered within 100 ms during the flood (measured: event-loop delay of a key handler
// that scrolls the model every 50 ms).
//
// Run: node --expose-gc test/bench/logs-core.mjs [lines=1000000] [chunkBytes=16384]
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { importTs } from './run.mjs';

const TOTAL = Number(process.argv[2] ?? 1_000_000);
const CHUNK = Number(process.argv[3] ?? 16 * 1024);
const YIELD_EVERY_BYTES = 256 * 1024; // a gRPC stream hands over data in event-loop turns

const { LogModel } = await importTs('src/core/logs/log-model.ts');
const { ThrottledStore } = await importTs('src/core/throttled-store.ts');

// ---- the simulated node: 100k distinct lines, replayed, cut into fixed-size chunks ----
// Built straight into bytes (no 17 MB string kept around) so RSS reflects the pane, not the generator.
const enc = new TextEncoder();
const DISTINCT = 100_000;
const levels = ['info', 'info', 'info', 'info', 'debug', 'info', 'warn', 'info', 'info', 'error'];
let bytes = new Uint8Array(DISTINCT * 200);
let used = 0;
for (let i = 0; i < DISTINCT; i++) {
  const lvl = levels[i % levels.length];
  const ns = String(i).padStart(9, '0');
  const line =
    `2024-05-01T10:${String((i / 60) % 60 | 0).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.${ns}Z stdout F ` +
    `time="2024-05-01T10:00:00Z" level=${lvl} msg="request handled µs" pod=kube-system/coredns-${i % 97} latency=${i % 1000}ms\n`;
  used += enc.encodeInto(line, bytes.subarray(used)).written;
}
bytes = bytes.slice(0, used);
const chunks = [];
for (let off = 0; off < bytes.length; off += CHUNK) chunks.push(bytes.subarray(off, off + CHUNK));

// ---- the pane: model + throttled store ----
const model = new LogModel({ capacityPerSource: 10_000 });
model.addSource({ id: 'sim/flood', node: '127.0.10.11', label: 'flood', format: 'cri' });
model.setFilter({ text: 'level=(error|warn)', regex: true, invert: false });
const store = new ThrottledStore(() => model.snapshot(40, 120), { maxPerSecond: 15 });
model.subscribe(store.notify);
const frameTimes = [];
store.subscribe(() => {
  frameTimes.push(performance.now());
});

// ---- a "key" every 50 ms: how late does it run, and how long does handling take ----
const keyLags = [];
let expected = performance.now() + 50;
let flip = false;
const keyTimer = setInterval(() => {
  const now = performance.now();
  keyLags.push(now - expected);
  flip = !flip;
  if (flip) model.scrollUp(3);
  else model.scrollToBottom();
  expected = performance.now() + 50;
}, 50);
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();

globalThis.gc?.();
const rssStart = process.memoryUsage().rss;
const heapStart = process.memoryUsage().heapUsed;
let peakRss = rssStart;
let lines = 0;
let sinceYield = 0;
const t0 = performance.now();
outer: for (;;) {
  for (const chunk of chunks) {
    lines += model.pushChunk('sim/flood', chunk);
    sinceYield += chunk.length;
    if (sinceYield >= YIELD_EVERY_BYTES) {
      sinceYield = 0;
      const rss = process.memoryUsage().rss;
      if (rss > peakRss) peakRss = rss;
      await yieldToLoop();
    }
    if (lines >= TOTAL) break outer;
  }
}
const elapsed = (performance.now() - t0) / 1000;
loopDelay.disable();
clearInterval(keyTimer);
// Let the trailing publication land, then count.
await new Promise((r) => setTimeout(r, 100));
const rssEnd = process.memoryUsage().rss;
globalThis.gc?.();
const rssAfterGc = process.memoryUsage().rss;
const heapAfterGc = process.memoryUsage().heapUsed;
store.dispose();

const snap = model.snapshot(40, 120);
const frames = frameTimes.length;
// The limit is per second: the most publications inside any 1000 ms window.
let worstWindow = 0;
for (let i = 0, j = 0; i < frameTimes.length; i++) {
  while (frameTimes[i] - frameTimes[j] >= 1000) j++;
  worstWindow = Math.max(worstWindow, i - j + 1);
}
const mb = (n) => (n / 1024 / 1024).toFixed(1);
const sorted = [...keyLags].sort((a, b) => a - b);
const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

console.log('logs-core bench');
console.log(`  lines ingested      ${lines.toLocaleString('en')} in ${elapsed.toFixed(2)} s (${chunks.length} chunks of ${CHUNK} B replayed)`);
console.log(`  ingest rate         ${Math.round(lines / elapsed).toLocaleString('en')} lines/s   (target >= 100,000)`);
console.log(`  filter              /level=(error|warn)/i active; buffer holds ${snap.buffered} lines, evicted ${snap.evicted.toLocaleString('en')}`);
console.log(`  publications        ${frames} in ${elapsed.toFixed(2)} s; most in any 1 s window: ${worstWindow}   (target <= 15)`);
console.log(`  RSS                 start ${mb(rssStart)} MB, peak ${mb(peakRss)} MB, end ${mb(rssEnd)} MB, after GC ${mb(rssAfterGc)} MB   (target < 200)`);
console.log(`  JS heap used        start ${mb(heapStart)} MB, after GC ${mb(heapAfterGc)} MB (the retained buffer)`);
console.log(`  key handler lag     p50 ${pct(0.5).toFixed(1)} ms, p99 ${pct(0.99).toFixed(1)} ms, max ${pct(1).toFixed(1)} ms over ${keyLags.length} keys   (target < 100)`);
console.log(`  event-loop delay    p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms`);
console.log(`  last frame rows     ${snap.rows.length}, first: ${JSON.stringify(snap.rows[0]?.text.slice(0, 60))}`);
