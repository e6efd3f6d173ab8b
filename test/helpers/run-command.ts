// Runs a headless command in-process the way src/cli/main.ts's runCommand does, with stdout and
// stderr captured: `--help`/`-h` prints the summary and usage (exit 0); a UsageError is exit 2 and
// any other error exit 1, its message on stderr once, prefixed with the command as sentence() does
// ("talos-tui etcd: …", never "talos-tui etcd: etcd: …"). Keep it in step with main.ts.
import { Writable } from 'node:stream';
import { UsageError } from '../../src/cli/args.js';
import { commandLoaders } from '../../src/cli/commands/index.js';
import type { Command, CommandIO } from '../../src/cli/commands/types.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A stream that keeps what is written to it; text() is up to date as soon as write() returns. */
export function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream, text: () => text };
}

/** main.ts's sentence(): the message once, prefixed with the command it concerns. */
function sentence(name: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.startsWith(`${name}:`) ? `talos-tui ${message}` : `talos-tui ${name}: ${message}`;
}

/**
 * `talos-tui NAME ARGV...` in-process: `command` is a name in commandLoaders or the Command itself.
 * `env` is the command's environment (default: empty, so nothing from the test's own shell leaks in).
 */
export async function runCommand(
  command: string | Command,
  argv: string[],
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  const out = sink();
  const err = sink();
  const io: CommandIO = { stdout: out.stream, stderr: err.stream, env: options.env ?? {} };
  const loaded = typeof command === 'string' ? await commandLoaders[command]!() : command;
  let code: number;
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(`${loaded.summary}\n\nUsage: ${loaded.usage}\n`);
    code = 0;
  } else {
    try {
      code = await loaded.run(argv, io);
    } catch (e) {
      io.stderr.write(`${sentence(loaded.name, e)}\n`);
      code = e instanceof UsageError ? 2 : 1;
    }
  }
  return { code, stdout: out.text(), stderr: err.text() };
}
