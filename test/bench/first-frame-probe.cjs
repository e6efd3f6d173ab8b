// Preloaded (node --require) into every command the start-up bench runs: when the marker first
// reaches stdout (or, for commands without a frame, at exit) it appends "<ms since the process
// started> <CPU ms of the whole process: every thread, user + system>" to $STARTUP_PROBE_FILE.
// CPU time is what a shared, loaded machine distorts least; wall time is measured outside too.
// Hooks the stream prototypes rather than process.stdout, so nothing is created early (a terminal's
// stdout is a Duplex, which has its own copy of write).
'use strict';
const { Duplex, Writable } = require('node:stream');
const { appendFileSync } = require('node:fs');

const file = process.env.STARTUP_PROBE_FILE;
const marker = process.env.STARTUP_PROBE_MARKER;
// The bench kills this process by its id once it has its figure: script(1) runs it in a session of
// its own, out of reach of a signal to script's process group.
if (file) appendFileSync(`${file}.pid`, `${process.pid}\n`);
let recorded = false;
let seen = '';

function record() {
  if (recorded || !file) return;
  recorded = true;
  const cpu = process.cpuUsage();
  appendFileSync(file, `${performance.now().toFixed(2)} ${((cpu.user + cpu.system) / 1000).toFixed(2)}\n`);
}

for (const proto of [Duplex.prototype, Writable.prototype]) {
  const write = proto.write;
  proto.write = function probedWrite(chunk, ...rest) {
    if (!recorded && marker && this === process.stdout) {
      seen = (seen + String(chunk)).slice(-4096);
      if (seen.includes(marker)) record();
    }
    return write.call(this, chunk, ...rest);
  };
}
process.on('exit', record);
