import { describe, expect, it } from 'vitest';
import { splitCommand } from '../../src/cli/split-command.js';

describe('splitCommand', () => {
  it('finds the command after global flags and their values, keeping the other words in order', () => {
    expect(splitCommand(['--talosconfig', 'tc', '-n', '127.0.0.2', 'services', '--json'])).toEqual({
      name: 'services',
      rest: ['--talosconfig', 'tc', '-n', '127.0.0.2', '--json'],
    });
    expect(splitCommand(['etcd', 'status', '-n', '127.0.0.2'])).toEqual({ name: 'etcd', rest: ['status', '-n', '127.0.0.2'] });
  });

  it('does not mistake a flag value for the command, and finds none in a console invocation', () => {
    expect(splitCommand(['-e', 'services'])).toBeNull();
    expect(splitCommand(['--context', 'prod', '--demo'])).toBeNull();
    expect(splitCommand(['--insecure', 'dmesg'])?.name).toBe('dmesg');
  });
});
