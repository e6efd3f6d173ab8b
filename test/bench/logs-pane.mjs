// Runs the Logs pane bench (logs-pane.ts), bundled like the shipped console (everything bundled,
// React in production mode: see run.mjs `production`). The bench re-runs that same bundle as its
// simulator child process; the bundle is removed when the bench is done.
// Run: node --expose-gc test/bench/logs-pane.mjs [lines=1000000] [service=containerd]
import { runTs } from './run.mjs';

await runTs('test/bench/logs-pane.ts', { production: true });
