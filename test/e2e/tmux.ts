// tmux helpers shared by the e2e tests: a private tmux server (own socket, no user config, so the
// user's sessions are never touched), send-keys, capture-pane, polling the screen, the terminal modes
// tmux sees, and the checks that a program gave the terminal back in cooked mode.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

export interface TmuxServer {
  /** Run a tmux command against this server; returns its stdout. */
  tmux(...args: string[]): string;
  /** Plain text of the pane (or with escape sequences, to look for colour). */
  screen(target: string, escapes?: boolean): string;
  keys(target: string, ...k: string[]): void;
  /** Poll the screen every 50 ms until `test` holds; throws with the last screen after `timeoutMs`. */
  waitForScreen(target: string, test: (text: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  /** tmux's view of the terminal modes: alternate screen on? cursor visible? */
  modes(target: string): { altScreen: boolean; cursorVisible: boolean };
  /** The pid of the only child of the pane's shell (the program under test). */
  childPid(target: string): number;
  /** Stop the server and every session on it (no error when it is already gone). */
  kill(): void;
}

export function tmuxServer(socket: string, defaultTimeoutMs = 10_000): TmuxServer {
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const screen = (target: string, escapes = false) => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', target);
  return {
    tmux,
    screen,
    keys: (target, ...k) => void tmux('send-keys', '-t', target, ...k),
    async waitForScreen(target, test, what, timeoutMs = defaultTimeoutMs) {
      const until = Date.now() + timeoutMs;
      let text = '';
      while (Date.now() < until) {
        text = screen(target);
        if (test(text)) return text;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`timed out waiting for ${what}; the screen was:\n${text}`);
    },
    modes(target) {
      const [alt, cursor] = tmux('display-message', '-p', '-t', target, '#{alternate_on} #{cursor_flag}').trim().split(' ');
      return { altScreen: alt === '1', cursorVisible: cursor === '1' };
    },
    childPid(target) {
      const shellPid = tmux('list-panes', '-t', target, '-F', '#{pane_pid}').trim();
      const children = readFileSync(`/proc/${shellPid}/task/${shellPid}/children`, 'utf8').trim().split(/\s+/);
      expect(children).toHaveLength(1);
      return Number(children[0]);
    },
    kill() {
      try {
        tmux('kill-server');
      } catch {
        // no server left
      }
    },
  };
}

/**
 * The shell command a test session runs: the program, then its exit code and `stty -a`, then a long
 * sleep so the pane (and what it printed) stays for capture-pane.
 */
export const reportingScript = (command: string) => `${command}; echo "EXITED rc=$?"; stty -a; sleep 600`;

/** The program has exited AND the shell has printed `stty -a` after it (its output includes [-]icanon). */
export const exited = (text: string) => text.includes('EXITED rc=') && /icanon/.test(text);

/** `stty -a` shows "-icanon" / "-echo" when a program left the terminal in raw mode. */
export function expectCookedTerminal(text: string): void {
  const flat = text.replace(/\n/g, ' ');
  expect(flat).toMatch(/(^|\s)icanon(\s|$)/);
  expect(flat).toMatch(/(^|\s)echo(\s|$)/);
  expect(flat).not.toMatch(/-icanon|(\s)-echo(\s)/);
}
