// The per-call timer of the in-process benches (gen.ts, redact.ts): one warm-up call, then `runs`
// calls; prints and returns the mean in ms.

export function time(label: string, runs: number, fn: () => unknown): number {
  fn(); // warm-up
  const start = performance.now();
  for (let i = 0; i < runs; i++) fn();
  const ms = (performance.now() - start) / runs;
  console.log(`${label.padEnd(58)} ${ms.toFixed(3).padStart(9)} ms/call (${runs} runs)`);
  return ms;
}
