// Tone -> Ink text style. With colour off (NO_COLOR) every tone is plain text: no escapes at all,
// so meaning must never depend on colour alone (the shell adds brackets and words instead).
import type { TextProps } from 'ink';
import { colorEnabled } from '../theme.js';
import type { Tone } from './header-model.js';

const styles: Record<Tone, TextProps> = {
  plain: {},
  dim: { dimColor: true },
  accent: { color: 'cyan', bold: true },
  ok: { color: 'green' },
  warn: { color: 'yellow' },
  error: { color: 'red', bold: true },
  badge: { color: 'black', backgroundColor: 'yellow', bold: true },
};

export function toneProps(tone: Tone, enabled = colorEnabled): TextProps {
  return enabled ? styles[tone] : {};
}
