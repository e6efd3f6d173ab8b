// Reads `-f BASE` and the `--config-patch` values from disk and renders the patched machine config,
// shared by `config render` and `apply` so that both read, patch and fail the same way.
//
// Errors name the command: a bad flag value, an unreadable file, or a file that is not YAML / not a
// config or a patch is a UsageError (exit 2); a patch that does not apply is a CommandError (exit 1).
import { readUserFile, UserFileError } from '../io/user-file.js';
import { classifyPatchArg, ConfigPatchError, parseConfig, renderPatched, type PatchInput } from '../core/config-patch/index.js';
import { CommandError, UsageError } from './args.js';

/** The text of a file the user named, or a UsageError saying why it cannot be read. */
export function readInputFile(command: string, file: string, what: string): string {
  try {
    return readUserFile(file, what);
  } catch (err) {
    if (err instanceof UserFileError) throw new UsageError(`${command}: ${err.message}`);
    throw err;
  }
}

/** `--config-patch` values (in order) as named texts: @FILE and bare file names read, inline kept. */
export function readPatchArgs(command: string, args: readonly string[]): PatchInput[] {
  return args.map((arg, i) => {
    const spec = classifyPatchArg(arg, i + 1);
    if (spec.kind === 'inline') return { name: spec.name, text: spec.text };
    if (spec.path === '') throw new UsageError(`${command}: --config-patch ${arg} names no file`);
    const what = arg.startsWith('@') ? 'patch file' : 'patch file (a value without spaces is read as a file name, as talosctl does)';
    return { name: spec.name, text: readInputFile(command, spec.path, what) };
  });
}

/** ConfigPatchError -> UsageError (parse: the input is malformed) or CommandError (apply). */
export function configPatchFailure(command: string, err: unknown): never {
  if (err instanceof ConfigPatchError) {
    if (err.stage === 'parse') throw new UsageError(`${command}: ${err.message}`);
    throw new CommandError(`${command}: ${err.message}`);
  }
  throw err;
}

/**
 * BASE alone, sent verbatim (talosctl sends it unpatched): still checked here first, so a file that
 * is not YAML, not a config, or an alias bomb is a usage error and nothing goes to the node.
 */
export function readBaseConfig(command: string, baseFile: string): string {
  const text = readInputFile(command, baseFile, 'base config');
  if (text.trim() === '') throw new UsageError(`${command}: base config ${baseFile} is empty`);
  try {
    parseConfig(text, baseFile);
  } catch (err) {
    configPatchFailure(command, err);
  }
  return text;
}

/** Read BASE and the patches, apply them in order, render. */
export function renderConfigFiles(command: string, baseFile: string, patchArgs: readonly string[]): string {
  const base = { name: baseFile, text: readInputFile(command, baseFile, 'base config') };
  const patches = readPatchArgs(command, patchArgs);
  try {
    return renderPatched(base, patches);
  } catch (err) {
    configPatchFailure(command, err);
  }
}
