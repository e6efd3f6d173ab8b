/**
 * A config or patch that cannot be used, as one sentence naming the input (a file, or "inline
 * patch 2") and the path at fault. `stage` tells the CLI which exit code fits: 'parse' when the
 * text is not a config or a patch at all (bad input, exit 2), 'apply' when a well-formed patch does
 * not apply to this config (the operation failed, exit 1).
 */
export class ConfigPatchError extends Error {
  override name = 'ConfigPatchError';
  constructor(
    readonly stage: 'parse' | 'apply',
    message: string,
  ) {
    super(message);
  }
}
