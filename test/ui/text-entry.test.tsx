// The console's one text entry (src/ui/text-entry, src/ui/use-prompt.tsx) inside the real shell: the key
// that opens a field and the keys after it arrive in ONE stdin write (a paste, tmux send-keys, fast
// typing) and each goes where it belongs: into the field, or, after its Enter, to the shell again.
// Also: panes without a session say why (PaneProps.sessionProblem) and offer no key that cannot work.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useState } from 'react';
import { Text } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import { Shell } from '../../src/ui/shell/Shell.js';
import { panes as realPanes } from '../../src/features/registry.js';
import { usePaneActions, type KeyPress, type PaneDefinition, type PaneProps } from '../../src/ui/pane-types.js';
import { usePrompt } from '../../src/ui/use-prompt.js';
import { editKey } from '../../src/ui/text-entry/index.js';
import { splitKeys } from '../../src/ui/keys.js';
import type { TalosSession } from '../../src/talos/session.js';
import { screen, tick } from '../helpers/ink.js';
import { untilText } from '../helpers/until.js';


function fakeSession(): TalosSession {
  const info = { contextName: 'prod-1', endpoints: ['10.0.0.15:50000'], activeEndpoint: '10.0.0.15:50000', nodes: ['10.0.0.11'], roles: ['os:admin'], certNotAfter: null };
  return { info, subscribe: () => () => {}, close: () => {} } as unknown as TalosSession;
}

afterEach(() => cleanup());

const plain = { ctrl: false, meta: false } as Parameters<typeof splitKeys>[1];
const keys = (...names: string[]): KeyPress[] => names.map((n) => ({ name: n, text: n.length === 1 ? n : '' }));

describe('splitKeys and editKey', () => {
  it('take a chunk apart into keys, control characters included', () => {
    expect(splitKeys('/\u0015ab\r\u007fR\t', plain).map((k) => k.name)).toEqual(['/', 'ctrl+u', 'a', 'b', 'enter', 'backspace', 'R', 'tab']);
    expect(splitKeys('\u0015a', plain)[0]).toEqual({ name: 'ctrl+u', text: '' });
    expect(splitKeys('x', plain)).toEqual([{ name: 'x', text: 'x' }]);
  });

  it('edit a line: typing, backspace, ^U, ^W, Enter, Esc; control characters never enter the text', () => {
    let v = '';
    for (const k of keys('a', 'b', 'c', 'backspace', ' ', 'x', 'y')) {
      const r = editKey(v, k);
      if (r.kind === 'edit') v = r.value;
    }
    expect(v).toBe('ab xy');
    expect(editKey(v, { name: 'ctrl+w', text: '' })).toEqual({ kind: 'edit', value: 'ab ' });
    expect(editKey(v, { name: 'ctrl+u', text: '' })).toEqual({ kind: 'edit', value: '' });
    expect(editKey(v, { name: 'enter', text: '' })).toEqual({ kind: 'submit', value: 'ab xy' });
    expect(editKey(v, { name: 'escape', text: '' })).toEqual({ kind: 'cancel' });
    expect(editKey(v, { name: 'up', text: '' })).toEqual({ kind: 'ignore' });
    expect(editKey(v, { name: 'x', text: '\u0007' })).toEqual({ kind: 'ignore' });
  });
});

/** A pane with one dangerous action (X, type "cp1") and a path question (P), on usePrompt. */
function PromptPane({ shell, width }: PaneProps) {
  const prompt = usePrompt(shell);
  const [log, setLog] = useState<string[]>([]);
  const say = (s: string) => setLog((l) => [...l, s]);
  usePaneActions(
    shell,
    prompt.open
      ? []
      : [
          { key: 'X', label: 'wipe', dangerous: true, run: () => prompt.confirm({ title: 'Wipe cp1?', expect: 'cp1', onConfirm: () => say('wiped') }) },
          { key: 'Y', label: 'reboot', run: () => prompt.confirm({ title: 'Reboot?', expect: null, onConfirm: () => say('rebooted') }) },
          { key: 'P', label: 'save', run: () => prompt.askPath({ title: 'Save', initial: './default.db', onSubmit: (p) => say(`saved ${p}`) }) },
          { key: 'c', label: 'count', run: () => say('c') },
        ],
  );
  return (
    <>
      <Text>{`log=${log.join(',')}`}</Text>
      {prompt.render(width)}
    </>
  );
}

function mountPrompt() {
  const onQuit = vi.fn();
  const panes: PaneDefinition[] = realPanes.map((p) => ({ ...p, Component: p.id === 'status' ? PromptPane : () => <Text>{`${p.title} stub`}</Text> }));
  const r = render(<Shell panes={panes} session={fakeSession()} initialPane="status" size={{ columns: 80, rows: 24 }} onQuit={onQuit} />);
  const { frame } = screen(r);
  const until = (text: string | RegExp) => untilText(frame, text, { timeout: 3000 });
  return { ...r, frame, until, onQuit };
}

describe('ConfirmDangerous and PathPrompt through usePrompt', () => {
  it('opening key, name and Enter in one chunk confirm; the key after the Enter reaches the action table', async () => {
    const s = mountPrompt();
    await s.until('X wipe');
    s.stdin.write('Xcp1\rc');
    await s.until('log=wiped,c');
    expect(s.frame()).not.toContain('Type the node name');
  });

  it('a wrong name in the chunk (q and digits included) keeps the prompt open and does nothing; ^U and the right name then confirm', async () => {
    const s = mountPrompt();
    await s.until('X wipe');
    s.stdin.write('Xq4\r');
    await s.until('"q4" is not cp1: nothing was done');
    expect(s.onQuit).not.toHaveBeenCalled();
    expect(s.frame()).toContain('log=\n');
    expect(s.frame()).toContain('Status'); // 4 did not switch pane
    s.stdin.write('\u0015cp1\r');
    await s.until('log=wiped');
    s.stdin.write('Xcp1\u001b');
    await tick(80); // Ink hands a lone Esc over after a tick
    await s.until('cancelled: nothing was done');
    expect(s.frame()).toContain('log=wiped\n');
  });

  it('y/N: y in the opening chunk confirms, any other key cancels', async () => {
    const s = mountPrompt();
    await s.until('X wipe');
    s.stdin.write('Yy');
    await s.until('log=rebooted');
    s.stdin.write('Yn');
    await s.until('cancelled: nothing was done');
    expect(s.frame()).toContain('log=rebooted\n');
  });

  it('a path prompt takes ^U, the path and Enter from the chunk that opened it; an empty path is refused', async () => {
    const s = mountPrompt();
    await s.until('X wipe');
    s.stdin.write('P\u0015\r');
    await s.until('type a file name (or Esc to cancel)');
    s.stdin.write('/tmp/x.db\r');
    await s.until('log=saved /tmp/x.db');
  });
});

describe('panes without a session', () => {
  const problem = 'context "prod" is not in /home/op/.talos/config (it has: dev, staging)';
  const mountReal = () => {
    const r = render(<Shell panes={realPanes} session={null} sessionProblem={problem} initialPane="status" size={{ columns: 80, rows: 24 }} onQuit={() => {}} />);
    const { frame } = screen(r);
    const until = (text: string) => untilText(() => frame().replace(/\s+/g, ' '), text);
    return { ...r, frame, until };
  };

  it('Status says why there is no session and offers no key that needs one', async () => {
    const s = mountReal();
    await s.until(problem);
    expect(s.frame()).not.toContain('no talosconfig was found');
    // Help opened and closed: the frame after that known event carries whatever table the pane published.
    s.stdin.write('?');
    await s.until('Global keys');
    s.stdin.write('\u001B');
    await vi.waitFor(() => expect(s.frame()).not.toContain('Global keys'));
    const hints = s.frame().split('\n').at(-1)!;
    expect(hints).not.toMatch(/Tab|Enter|refresh|view/);
    expect(hints).toContain('q quit');
  });

  it('Logs says why there is no session and offers no key', async () => {
    const s = mountReal();
    await s.until(problem);
    s.stdin.write('5');
    await vi.waitFor(() => expect(s.frame()).toContain('No Talos session, so no logs to follow'), { timeout: 5000 });
    expect(s.frame().replace(/\s+/g, ' ')).toContain(problem);
    expect(s.frame()).not.toContain('No talosconfig');
    const hints = s.frame().split('\n').at(-1)!;
    expect(hints).not.toMatch(/follow|filter|logs/);
  });
});
