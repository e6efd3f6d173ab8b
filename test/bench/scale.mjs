// Runs the scale bench (scale.ts), bundled like the shipped console (React in production mode); the
// bench re-runs that same bundle as its simulator and client child processes.
// Run: node test/bench/scale.mjs [--nodes 50,200,500] [--seconds 30] [--budget-mb 64] [--only bare,pane]
//      [--calls-per-connection N] [--connections K] [--bare-connections K]   (see scale.ts)
import { runTs } from './run.mjs';

await runTs('test/bench/scale.ts', { production: true });
