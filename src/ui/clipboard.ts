// Copying to the clipboard from a terminal program: OSC 52, which terminals (and tmux, wrapped in its
// passthrough) turn into a clipboard write, also over SSH.

/** The OSC 52 sequence that puts `text` on the clipboard (doubled for tmux's passthrough). */
export function osc52(text: string, env: NodeJS.ProcessEnv = process.env): string {
  const plain = `\u001b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
  if (!env['TMUX']) return plain;
  return plain + `\u001bPtmux;${plain.replace(/\u001b/g, '\u001b\u001b')}\u001b\\`;
}

/** Puts `text` on the clipboard of the terminal on stdout (nothing when stdout is not a terminal). */
export function copyToClipboard(text: string): void {
  if (process.stdout.isTTY) process.stdout.write(osc52(text));
}
