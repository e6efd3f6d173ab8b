// Argument parsing shared by every subcommand: node's util.parseArgs plus the talosctl conventions
// (lists take commas, repeated flags accumulate) and exit-code 2 usage errors.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseEndpoint } from '../talos/address.js';
import { normalizeFingerprint } from '../core/fingerprint.js';

/** A mistake in the command line: printed as one sentence, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure of the operation itself (a node refused, a file is bad): printed as one sentence, exit code 1. */
export class CommandError extends Error {
  override name = 'CommandError';
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Flags every command that talks to Talos accepts, spelled as talosctl spells them. */
export const connectionOptions = {
  talosconfig: { type: 'string' },
  context: { type: 'string' },
  endpoints: { type: 'string', short: 'e', multiple: true },
  nodes: { type: 'string', short: 'n', multiple: true },
  insecure: { type: 'boolean', short: 'i' },
  'cert-fingerprint': { type: 'string', multiple: true },
} as const satisfies OptionSpec;

export interface Parsed<O extends OptionSpec> {
  values: { [K in keyof O]?: O[K] extends { type: 'boolean' } ? boolean : O[K] extends { multiple: true } ? string[] : string };
  positionals: string[];
}

export function parseCommandLine<O extends OptionSpec>(command: string, argv: string[], options: O): Parsed<O> {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    checkConnectionValues(command, values as ConnectionValues);
    return { values: values as Parsed<O>['values'], positionals };
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${command}: ${parseArgsSentence(err)}`);
  }
}

/** parseArgs's error as one sentence: "Option '--tail <value>' argument missing" and the like. */
function parseArgsSentence(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // A negative number looks like a flag to parseArgs, which then explains its own syntax over three lines.
  const ambiguous = /^Option '(-[^ ']+)(?: <value>)?' argument is ambiguous/.exec(message);
  if (ambiguous) return `${ambiguous[1]} takes a value; a value starting with "-" (a negative number?) is not accepted`;
  return message.replace(/\. To specify.*$/s, '').split('\n')[0]!.trim();
}

type ConnectionValues = { nodes?: string[]; endpoints?: string[]; 'cert-fingerprint'?: string[] };

/**
 * -n, -e and --cert-fingerprint are checked before anything is sent: a malformed IP or port never
 * goes out (nor to the system's resolver), and an empty fingerprint never turns pinning off unseen.
 */
function checkConnectionValues(command: string, values: ConnectionValues): void {
  for (const [flag, list] of [['-n', values.nodes], ['-e', values.endpoints]] as const) {
    if (!Array.isArray(list)) continue; // another meaning (sim --nodes COUNT)
    for (const item of commaList(list)) {
      try {
        parseEndpoint(item);
      } catch (err) {
        throw new UsageError(`${command}: ${flag} ${(err as Error).message.replace(/^endpoint /, '')}`);
      }
    }
  }
  const fingerprints = values['cert-fingerprint'];
  if (!Array.isArray(fingerprints)) return;
  const items = fingerprints.flatMap((v) => v.split(',')).map((v) => v.trim());
  if (items.some((v) => v === '')) {
    throw new UsageError(`${command}: --cert-fingerprint has an empty value: give the node's base64 SHA-256 key fingerprint (discover prints it), or leave the flag out`);
  }
  for (const fp of items) {
    try {
      normalizeFingerprint(fp);
    } catch (err) {
      throw new UsageError(`${command}: ${(err as Error).message}`);
    }
  }
}

/** `-n a,b -n c` -> [a, b, c]; empty items dropped. */
export function commaList(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v.length > 0);
}

/** Parse a whole number flag, naming the flag when it is not one. */
export function intFlag(name: string, value: string | undefined, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} takes a whole number, not "${value}"`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}, not ${n}`);
  return n;
}
