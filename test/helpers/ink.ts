// What the Ink UI tests read and type: frames without colour codes, keys written one tick apart.

/** The text without its SGR colour and style codes. */
export const strip = (s: string) => s.replace(/\u001B\[[0-9;]*m/g, '');

/** Give Ink and React time to run effects, read input and repaint. */
export const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

/** The last frame of `r` without colours, and press(...keys): each key written, then a tick of `tickMs`. */
export function screen(r: { lastFrame(): string | undefined; stdin: { write(data: string): void } }, tickMs = 30) {
  return {
    frame: () => strip(r.lastFrame() ?? ''),
    press: async (...keys: string[]) => {
      for (const k of keys) {
        r.stdin.write(k);
        await tick(tickMs);
      }
    },
  };
}
