// Getting the terminal back. A console that dies in raw mode, in the alternate screen or with the
// cursor hidden leaves the user's shell unusable, so every way out (normal quit, crash, signal,
// process.exit from anywhere) runs restoreTerminal() exactly once. No Ink import here: main.ts uses
// this before (and without) loading the console.

const ENTER_ALT_SCREEN = '\u001B[?1049h\u001B[H';
const LEAVE_ALT_SCREEN = '\u001B[?1049l';
const SHOW_CURSOR = '\u001B[?25h';

const restorers: Array<() => void> = [];
let altScreen = false;
let restored = false;

/** Draw on the alternate screen, so quitting gives back the scrollback exactly as it was. */
export function enterAltScreen(out: NodeJS.WriteStream = process.stdout): void {
  if (!out.isTTY || altScreen) return;
  out.write(ENTER_ALT_SCREEN);
  altScreen = true;
  restored = false;
}

/** Run `fn` (unmount Ink, stop the simulator…) first when the terminal is restored. */
export function onRestore(fn: () => void): () => void {
  restorers.push(fn);
  return () => {
    const i = restorers.indexOf(fn);
    if (i >= 0) restorers.splice(i, 1);
  };
}

/** Idempotent and synchronous: safe in 'exit' handlers and after an uncaught exception. */
export function restoreTerminal(input: NodeJS.ReadStream = process.stdin, out: NodeJS.WriteStream = process.stdout): void {
  if (restored) return;
  restored = true;
  for (const fn of restorers.splice(0).reverse()) {
    try {
      fn();
    } catch {
      // Best effort: the raw-mode reset below must still happen.
    }
  }
  try {
    if (input.isTTY && input.isRaw) input.setRawMode(false);
  } catch {
    // stdin may already be destroyed.
  }
  if (out.isTTY) {
    try {
      out.write(SHOW_CURSOR + (altScreen ? LEAVE_ALT_SCREEN : ''));
    } catch {
      // stdout may already be closed.
    }
  }
  altScreen = false;
}

/**
 * Give the terminal to another program (the user's $EDITOR) and take it back, as k9s does for `e`:
 * raw mode off, the normal screen and the cursor back, then `run()` (which blocks: no frame is drawn
 * and no key is read while the program owns the terminal), then the alternate screen, a cleared
 * screen for the next frame and raw mode again. Returns what `run` returned.
 */
export function handOverTerminal<T>(run: () => T, input: NodeJS.ReadStream = process.stdin, out: NodeJS.WriteStream = process.stdout): T {
  const wasRaw = input.isTTY === true && input.isRaw === true;
  if (wasRaw) input.setRawMode(false);
  if (out.isTTY) out.write(SHOW_CURSOR + (altScreen ? LEAVE_ALT_SCREEN : ''));
  try {
    return run();
  } finally {
    if (out.isTTY) out.write((altScreen ? ENTER_ALT_SCREEN : '') + '\u001B[2J\u001B[H');
    if (wasRaw) input.setRawMode(true);
  }
}
