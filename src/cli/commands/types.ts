/** A headless subcommand: parses its own argv, writes to stdout/stderr, returns the exit code. */
export interface Command {
  name: string;
  /** One line for `talos-tui --help`. */
  summary: string;
  usage: string;
  run(argv: string[], io: CommandIO): Promise<number>;
}

export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}
