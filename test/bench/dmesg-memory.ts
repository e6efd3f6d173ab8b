// Headless `dmesg` (no -f) against a node whose kernel ring holds COUNT messages: the built CLI's
// peak RSS and whatever it prints on stderr (a MaxListenersExceededWarning would show there).
// The node is a fake on a free loopback address streaming one message per Data chunk, as machined does.
// Run: npm run build && node test/bench/run.mjs test/bench/dmesg-memory.ts [COUNT...]
import { spawn } from 'node:child_process';
import { registration, serveGrpc } from '../../src/talos/server.js';
import { MachineService } from '../../src/talos/proto/gen/machine/machine_pb.js';
import { readFileSync } from 'node:fs';
import { freeLoopback24 } from '../helpers/loopback.js';

// Run from the repository root (the bench itself runs as a bundle under node_modules/.cache).
const root = process.cwd();
// Read from the repository: the bench runs as a bundle elsewhere.
const fixture = (name: string) => readFileSync(`${root}/test/fixtures/talos/${name}`, 'utf8');
const counts = process.argv.slice(2).map(Number).filter((n) => n > 0);

const ip = `${await freeLoopback24()}.5`;
let count = 0;
const server = await serveGrpc({
  host: ip,
  port: 0,
  tls: { keyPem: fixture('server.key'), certChainPem: fixture('server.crt') },
  services: [
    registration(MachineService, {
      dmesg: async (_req, ctx, send) => {
        for (let i = 0; i < count && !ctx.signal.aborted; i++) {
          const text = `kern:    info: [2026-01-01T00:00:00.${String(i).padStart(9, '0')}Z]: message ${i} of a flooding kernel ring buffer, padded to a realistic width\n`;
          await send({ bytes: Buffer.from(text) });
        }
      },
    }),
  ],
} as never);

async function measure(n: number): Promise<{ n: number; maxRssMb: number; stderr: string; ms: number; code: number | null }> {
  count = n;
  const started = Date.now();
  const child = spawn('/usr/bin/time', ['-f', 'MAXRSS %M', process.execPath, `${root}/dist/talos-tui.js`, 'dmesg', '-i', '-n', server.address], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let lines = 0;
  child.stdout.on('data', (d: Buffer) => {
    for (const b of d) if (b === 10) lines++;
  });
  child.stderr.on('data', (d) => (stderr += String(d)));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const rss = /MAXRSS (\d+)/.exec(stderr);
  if (lines !== n) stderr += `\nprinted ${lines} lines, not ${n}`;
  return { n, maxRssMb: rss ? Number(rss[1]) / 1024 : NaN, stderr: stderr.replace(/MAXRSS \d+\n?/, '').trim(), ms: Date.now() - started, code };
}

for (const n of counts.length > 0 ? counts : [1_000, 50_000, 200_000]) {
  const r = await measure(n);
  console.log(`dmesg of ${String(r.n).padStart(7)} messages: peak RSS ${r.maxRssMb.toFixed(1)} MB, ${r.ms} ms, exit ${r.code}${r.stderr ? `, stderr: ${r.stderr.split('\n')[0]}` : ''}`);
}
server.forceClose();
