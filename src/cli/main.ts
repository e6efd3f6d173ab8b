// The talos-tui entry: `--version`, `--help`, a headless subcommand, or the interactive console.
// Kept tiny on purpose: everything heavy (Ink, React, grpc-js, the simulator, each command) is a
// dynamic import, so each path loads only what it uses (see scripts/build.mjs).

// grpc-js prints DEP0123 when the target is an IP address; on the console's screen that is garbage.
process.noDeprecation = true;

import { readFileSync } from 'node:fs';
import { parseCommandLine, connectionOptions, commaList, intFlag, UsageError } from './args.js';
import { commandLoaders } from './commands/index.js';
import type { Command, CommandIO } from './commands/types.js';
import { splitCommand } from './split-command.js';
import { saveCodeCaches, yogaCompiled } from './console-hooks.js';
import { restoreTerminal } from '../ui/terminal.js';
import { safeText } from '../core/terminal-text.js';

// Replaced by the bundler with package.json's version; read from package.json when run from source.
declare const __TALOS_TUI_VERSION__: string | undefined;

function version(): string {
  if (typeof __TALOS_TUI_VERSION__ === 'string') return __TALOS_TUI_VERSION__;
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const consoleOptions = {
  ...connectionOptions,
  demo: { type: 'boolean' },
  'log-buffer-mb': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

async function helpText(): Promise<string> {
  const loaded = await Promise.all(
    Object.entries(commandLoaders).map(async ([name, load]) => {
      try {
        return { name, summary: (await load()).summary };
      } catch {
        return { name, summary: '(failed to load)' };
      }
    }),
  );
  const rows = loaded;
  const width = Math.max(...rows.map((r) => r.name.length)) + 2;
  return [
    `talos-tui ${version()}: a terminal console for Talos Linux operators`,
    '',
    'Usage:',
    '  talos-tui [--talosconfig FILE] [--context NAME] [-e IP[,IP]] [-n IP[,IP]]',
    '                            the interactive console (keys: ? for help, q to quit)',
    '  --log-buffer-mb N         memory for the Logs pane\'s lines, all streams together (default 64)',
    '  talos-tui --demo          the console against a built-in simulated cluster on 127.0.10.0/24',
    '                            ($TALOS_TUI_DEMO_LISTEN=127.0.55.1 moves it to another loopback /24)',
    '  talos-tui COMMAND [flags] a headless command; `talos-tui COMMAND --help` for its flags',
    '',
    'Commands:',
    ...rows.map((r) => `  ${r.name.padEnd(width)}${r.summary}`),
    '',
    'talosconfig: --talosconfig, else $TALOSCONFIG, else $TALOS_HOME/config, else ~/.talos/config.',
    'Exit codes: 0 ok, 1 the operation failed, 2 usage error.',
    '',
  ].join('\n');
}

/** The message once, prefixed with the command it concerns: "talos-tui discover: --port takes …". */
function sentence(prefix: string, err: unknown): string {
  // Messages echo what the user typed (file names, node names, META values): never raw escapes.
  const message = safeText(err instanceof Error ? err.message : String(err));
  const name = prefix.replace(/^talos-tui ?/, '');
  return name !== '' && message.startsWith(`${name}:`) ? `talos-tui ${message}` : `${prefix}: ${message}`;
}

async function runCommand(name: string, argv: string[], io: CommandIO): Promise<number> {
  let command: Command;
  try {
    command = await commandLoaders[name]!();
  } catch (err) {
    io.stderr.write(`talos-tui ${name}: failed to load: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(`${command.summary}\n\nUsage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(argv, io);
  } catch (err) {
    // UsageError: exit 2. CommandError, TalosError or anything else: the operation failed, exit 1.
    io.stderr.write(`${sentence(`talos-tui ${name}`, err)}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}

/** Restore the terminal, say what happened in one line, exit 1. */
function fatal(what: string, err?: unknown): never {
  restoreTerminal();
  const raw = err instanceof Error ? (process.env['TALOS_TUI_DEBUG'] ? err.stack : err.message) : err === undefined ? '' : String(err);
  const detail = raw === undefined ? '' : safeText(raw);
  process.stderr.write(`talos-tui: ${what}${detail ? `: ${detail}` : ''}\n`);
  process.exit(1);
}

function guardTerminal(): void {
  process.on('uncaughtException', (err) => fatal('crashed', err));
  process.on('unhandledRejection', (err) => fatal('crashed (unhandled rejection)', err));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => fatal(`stopped by ${signal}`));
  // Whatever calls process.exit, the terminal comes back.
  process.on('exit', () => restoreTerminal());
}

async function startConsole(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine('talos-tui', argv, consoleOptions);
  if (values.version) {
    process.stdout.write(`talos-tui ${version()}\n`);
    return 0;
  }
  if (values.help) {
    process.stdout.write(await helpText());
    return 0;
  }
  if (positionals.length > 0) {
    throw new UsageError(`talos-tui: unknown command "${positionals[0]}" (see talos-tui --help)`);
  }
  let logBufferMb: number;
  try {
    logBufferMb = intFlag('log-buffer-mb', values['log-buffer-mb'], 64, 1, 65_536);
  } catch (err) {
    throw new UsageError(`talos-tui: ${(err as Error).message}`);
  }
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UsageError('talos-tui: the console needs a terminal on stdin and stdout; for scripts use a command (see talos-tui --help)');
  }
  // Ink draws nothing but the last frame when it believes it runs in CI (CI=true). With a terminal
  // on both ends we are interactive whatever the environment says. Must happen before Ink loads.
  delete process.env['CI'];
  delete process.env['CONTINUOUS_INTEGRATION'];
  guardTerminal();
  // The built console takes yoga's WebAssembly from the bin (console-hooks.ts), so loading Ink never
  // reaches for fetch() and Node's HTTP client.
  await yogaCompiled();
  const { runConsole } = await import('./app.js');
  return runConsole({
    demo: values.demo ?? false,
    logBufferMb,
    demoListen: process.env['TALOS_TUI_DEMO_LISTEN'] || undefined,
    selection: {
      talosconfig: values.talosconfig,
      context: values.context,
      endpoints: commaList(values.endpoints),
      nodes: commaList(values.nodes),
    },
  });
}

async function main(argv: string[]): Promise<number> {
  const io: CommandIO = { stdout: process.stdout, stderr: process.stderr, env: process.env };
  const found = splitCommand(argv);
  if (found) {
    if (Object.hasOwn(commandLoaders, found.name)) return runCommand(found.name, found.rest, io);
  }
  try {
    return await startConsole(argv);
  } catch (err) {
    restoreTerminal();
    io.stderr.write(`${err instanceof UsageError ? safeText(err.message) : sentence('talos-tui', err)}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}

/** Exit once stdout has flushed (a pipe may still hold the JSON a script waits for). */
function exitWith(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

// Before exiting, the built package writes what this run compiled, if its code caches were missing
// (console-hooks.ts): once after an install, so the next run starts faster. A cache directory that
// hangs (a dead network home) holds the exit up for at most SAVE_WAIT_MS: the cache is then not there.
const SAVE_WAIT_MS = 1000;
main(process.argv.slice(2)).then(
  (code) => Promise.race([saveCodeCaches(), new Promise((resolve) => setTimeout(resolve, SAVE_WAIT_MS).unref())]).then(() => exitWith(code)),
  (err: unknown) => fatal('crashed', err),
);
