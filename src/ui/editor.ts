// Editing a file in the user's own editor from a pane ($VISUAL, else $EDITOR, else vi), with the
// terminal handed over for as long as it runs (src/ui/terminal.ts). The editor command may carry
// arguments ("code --wait"): it runs through /bin/sh with the file as "$1", never spliced into the line.
import { spawnSync } from 'node:child_process';
import { handOverTerminal } from './terminal.js';

/** The editor command the user asked for. */
export function editorCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.VISUAL?.trim() || env.EDITOR?.trim() || 'vi';
}

/** Runs the editor on `file` and waits for it; resolves to one sentence on failure, null on success. */
export function editInTerminal(file: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const editor = editorCommand(env);
  const r = handOverTerminal(() => spawnSync('/bin/sh', ['-c', `${editor} "$1"`, 'sh', file], { stdio: 'inherit', env }));
  if (r.error) return `the editor (${editor}) could not be started: ${r.error.message}`;
  if (r.status === 127) return `the editor (${editor}) was not found: set $VISUAL or $EDITOR`;
  if (r.status !== 0) return `the editor (${editor}) exited with status ${r.status ?? r.signal}`;
  return null;
}
