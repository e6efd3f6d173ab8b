// Where the command name stands in argv: talosctl lets connection flags come before it.
/** Connection flags that take a value: like talosctl, they may stand before the command name. */
const GLOBAL_VALUE_FLAGS = new Set(['--talosconfig', '--context', '-e', '--endpoints', '-n', '--nodes', '--cert-fingerprint']);

/**
 * Finds the command name: the first word that is not a flag or a global flag's value, so that
 * `talos-tui --talosconfig F -n IP services` works as `talos-tui services --talosconfig F -n IP`.
 * Returns the name and the remaining words in their order.
 */
export function splitCommand(argv: readonly string[]): { name: string; rest: string[] } | null {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') return null;
    if (word.startsWith('-')) {
      if (GLOBAL_VALUE_FLAGS.has(word)) i++;
      continue;
    }
    return { name: word, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return null;
}
