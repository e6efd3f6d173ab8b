// Issue 12 items 1, 2, 5 and 6 through ink-testing-library: ? lists the keys of every pane (the real
// panes, which keep their tables while the overlay is open), Space is named, q/Esc walk back through the
// panes visited with digits and `:`, quitting with running work asks first, and the `:` line edits
// (Ctrl+U, Ctrl+W, history, Tab completion of contexts and nodes).
import { describe, it, expect, afterEach, vi } from 'vitest';
import { useState } from 'react';
import { Text } from 'ink';
import { render, cleanup } from 'ink-testing-library';
import { Shell, type ShellProps } from '../../src/ui/shell/Shell.js';
import { panes as realPanes } from '../../src/features/registry.js';
import { usePaneActions, usePaneWork, type PaneDefinition, type PaneProps } from '../../src/ui/pane-types.js';
import type { TalosSession } from '../../src/talos/session.js';
import { screen } from '../helpers/ink.js';

const ESC = '\u001B';
const ENTER = '\r';
const UP = '\u001B[A';

function mountWith(panes: readonly PaneDefinition[], over: Partial<ShellProps> = {}) {
  const onQuit = vi.fn();
  const r = render(<Shell panes={panes} session={null} size={{ columns: 120, rows: 40 }} onQuit={onQuit} {...over} />);
  const { frame, press } = screen(r);
  const until = (test: (f: string) => boolean, what: string) =>
    vi.waitFor(() => {
      if (!test(frame())) throw new Error(`waiting for ${what}:\n${frame()}`);
    }, { timeout: 4000 });
  return { ...r, frame, press, until, onQuit };
}

afterEach(() => cleanup());

describe('? lists the keys of the real panes (item 1)', () => {
  it('Apply and META list every key of their table, not "no keys", and the other panes\' tables follow', async () => {
    const s = mountWith(realPanes, { initialPane: 'apply' });
    await s.until((f) => f.includes('n node'), 'the Apply hint bar');
    await s.press('?');
    await s.until((f) => f.includes('Apply keys'), 'the help');
    let f = s.frame();
    expect(f).not.toContain('no keys');
    for (const h of ['drop every patch', 'switch between maintenance', 'bootstrap etcd', 'admin kubeconfig', 'health check']) expect(f).toContain(h);
    await s.press('q', '3');
    await s.until((f) => f.includes('o open'), 'the META hint bar');
    await s.press('?');
    await s.until((f) => f.includes('META keys'), 'the help');
    f = s.frame();
    for (const h of ['write a commented template', 'diff', 'over mTLS', 'boot-time route', "delete the node's META"]) expect(f).toContain(h);
    // The Apply pane was opened before: its table is in this help too, after the current pane's.
    expect(f.split('\n').find((l) => l.includes('keys'))).toContain('META keys');
    let seen = '';
    for (let i = 0; i < 6; i++) {
      seen += s.frame();
      await s.press('\u001B[6~'); // PgDn
    }
    expect(seen).toContain('Apply keys (pane 2)');
    expect(seen).toContain('Status keys (pane 4)');
    expect(seen).toContain('press 4 to open it');
  });

  it('names Space in the key column of the help (item 2), and :messages keeps a long message whole (item 3)', async () => {
    const { keyLabel } = await import('../../src/ui/keys.js');
    expect(keyLabel(' ')).toBe('Space');
    const long = `inventory ./inventory.yaml: node "w3" has role "wroker": did you mean "worker"? ${'(the file names 12 machines) '.repeat(6)}THE END`;
    function SpacePane({ shell }: PaneProps) {
      usePaneActions(shell, [
        { key: ' ', label: 'pause/follow', hidden: true, help: 'pause or follow the log', run: () => {} },
        { key: 'e', label: 'error', run: () => shell.setStatus(long, 'error') },
      ]);
      return <Text>space pane</Text>;
    }
    const s = mountWith(realPanes.map((p) => ({ ...p, Component: p.id === 'discovery' ? SpacePane : stub(p.title) })), { size: { columns: 80, rows: 24 } });
    await s.until((f) => f.includes('e error'), 'the pane');
    await s.press('?');
    await s.until((f) => /^  Space +pause or follow the log/m.test(f), 'Space in the key column');
    await s.press('q', 'e');
    await s.until((f) => f.includes('(:messages)'), 'the cut status row pointing to :messages');
    await s.press(':', ...'messages', ENTER);
    await s.until((f) => f.includes('Messages (last'), 'the log');
    const flat = s.frame().replace(/\s+/g, ' ');
    expect(flat).toContain('did you mean "worker"?');
    expect(flat).toContain('THE END');
  });
});

/** A pane that can claim running work with `w` and drop it with `W`. */
function WorkPane({ shell }: PaneProps) {
  const [work, setWork] = useState<string | null>(null);
  usePaneActions(shell, [
    { key: 'w', label: 'work', run: () => setWork('following the reboot of 10.0.0.5') },
    { key: 'W', label: 'idle', run: () => setWork(null) },
  ]);
  usePaneWork(shell, work);
  return <Text>{`work pane ${work ?? 'idle'}`}</Text>;
}
const stub = (title: string) =>
  function Stub({ shell }: PaneProps) {
    usePaneActions(shell, [{ key: 'z', label: `${title.toLowerCase()}-z`, run: () => {} }]);
    return <Text>{`${title} stub`}</Text>;
  };
const navPanes: PaneDefinition[] = realPanes.map((p) => ({ ...p, Component: p.id === 'discovery' ? WorkPane : stub(p.title) }));

describe('navigation (item 5)', () => {
  it('q and Esc walk back through panes opened with digits and :, q quits only at the top', async () => {
    const s = mountWith(navPanes);
    await s.until((f) => f.includes('work pane'), 'Discovery');
    await s.press('4');
    await s.until((f) => f.includes('Status stub'), 'Status');
    await s.press(':', ...'logs', ENTER);
    await s.until((f) => f.includes('Logs stub'), 'Logs');
    await s.press('q');
    await s.until((f) => f.includes('Status stub'), 'back to Status');
    await s.press(ESC);
    await s.until((f) => f.includes('work pane'), 'back to Discovery');
    expect(s.onQuit).not.toHaveBeenCalled();
    await s.press(ESC);
    expect(s.onQuit).not.toHaveBeenCalled();
    await s.press('q');
    expect(s.onQuit).toHaveBeenCalledTimes(1);
  });

  it('quitting with running work asks first, naming it; n stays, y quits; :q asks too', async () => {
    const s = mountWith(navPanes);
    await s.until((f) => f.includes('work pane'), 'Discovery');
    await s.press('w');
    await s.until((f) => f.includes('following the reboot'), 'the work');
    await s.press('q');
    await s.until((f) => f.includes('Quit? This is still running'), 'the question');
    expect(s.frame()).toContain('Discovery: following the reboot of 10.0.0.5');
    await s.press('n');
    await s.until((f) => f.includes('work pane following'), 'the pane again');
    expect(s.onQuit).not.toHaveBeenCalled();
    await s.press(':', 'q', ENTER);
    await s.until((f) => f.includes('Quit? This is still running'), 'the question');
    await s.press('y');
    expect(s.onQuit).toHaveBeenCalledTimes(1);
  });
});

describe('the : line (item 6)', () => {
  const session = {
    info: { contextName: 'prod-1', endpoints: ['10.0.0.15:50000'], activeEndpoint: null, nodes: ['10.0.0.11'], roles: ['os:admin'], certNotAfter: null },
    context: { contextNames: ['prod-1', 'staging'] },
    subscribe: () => () => {},
    close: () => {},
  } as unknown as TalosSession;

  it('Ctrl+U clears, Ctrl+W erases a word, up recalls the last command, Tab completes contexts and nodes', async () => {
    const s = mountWith(navPanes, { session, onSwitchContext: async () => null });
    await s.until((f) => f.includes('work pane'), 'Discovery');
    const line = () => s.frame().split('\n').find((l) => l.startsWith(':')) ?? '';
    await s.press(':', ...'node 10.0.0.99', '\u0017');
    await s.until(() => line() === ':node █', 'Ctrl+W');
    await s.press(...'garbage', '\u0015');
    await s.until(() => line() === ':█', 'Ctrl+U');
    await s.press(...'node 10.', '\t');
    await s.until(() => line() === ':node 10.0.0.11█', 'node completion');
    await s.press(ENTER);
    await s.until((f) => f.includes('nodes: 10.0.0.11'), 'the command ran');
    await s.press(':', ...'ctx st', '\t');
    await s.until(() => line() === ':ctx staging█', 'context completion');
    await s.press(ESC, ':', UP);
    await s.until(() => line() === ':node 10.0.0.11█', 'history');
    await s.press('\u0015', ...'di', '\t');
    await s.until((f) => f.includes('matches: discover  discovery'), 'the candidates');
  });
});
