// Runs the scale bench (scale.ts), bundled like the shipped console (React in production mode); the
// bench re-runs that same bundle as its simulator and client child processes.
// Run: node test/bench/scale.mjs [--nodes 50,200,500] [--seconds 30] [--budget-mb 64] [--only bare,pane,status,console]
//      [--calls-per-connection N] [--connections K] [--bare-connections K]   (see scale.ts)
// Keys and idle CPU as the operator sees them (the built console in tmux, against another build):
//   npm run build && node test/bench/scale.mjs --only console --consoles main=/tmp/main/dist/talos-tui.js,branch=dist/talos-tui.js
import { runTs } from './run.mjs';

await runTs('test/bench/scale.ts', { production: true });
