import { describe, expect, it } from 'vitest';
import { keyLabel } from '../../src/ui/keys.js';

describe('keyLabel', () => {
  it('writes named keys the way the global keys are written', () => {
    expect(['escape', 'enter', 'tab', 'up', 'pagedown', 'ctrl+r', 'r', '/'].map(keyLabel)).toEqual(['Esc', 'Enter', 'Tab', '↑', 'PgDn', '^R', 'r', '/']);
  });
});
