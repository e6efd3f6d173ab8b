// The console shell through ink-testing-library: pane switching, the ? help, the : command line,
// action dispatch, input capture, back/quit and the 80x24 layout.
import { vi, describe, it, expect, afterEach } from 'vitest';

// Force colour before Ink's chalk loads, so the NO_COLOR test next door is not passing by accident:
// here colour escapes must appear.
vi.hoisted(() => {
  process.env['FORCE_COLOR'] = '1';
  delete process.env['NO_COLOR'];
});

import { useEffect, useState } from 'react';
import { Text, useInput } from 'ink';
import { render, cleanup } from 'ink-testing-library';
import { Shell, type ShellProps } from '../../src/ui/shell/Shell.js';
import { panes as realPanes } from '../../src/features/registry.js';
import { usePaneActions, type PaneDefinition, type PaneProps } from '../../src/ui/pane-types.js';
import type { TalosSession } from '../../src/talos/session.js';
import type { SessionInfo } from '../../src/talos/session-info.js';
import { screen, tick } from '../helpers/ink.js';
import { until, untilText } from '../helpers/until.js';
import { statusLifetimeMs } from '../../src/ui/shell/shell-state.js';
import type { MessageTone } from '../../src/core/tone.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const DAY = 86_400_000;

/** Only what the shell reads of a TalosSession: info, subscribe, close. */
function fakeSession(over: Partial<SessionInfo> = {}): TalosSession {
  const fake = {
    info: {
      contextName: 'prod-1',
      endpoints: ['10.0.0.15:50000'],
      activeEndpoint: '10.0.0.15:50000',
      nodes: ['10.0.0.11'],
      roles: ['os:admin'],
      certNotAfter: new Date(NOW.getTime() + 200 * DAY),
      ...over,
    },
    subscribe: () => () => {},
    close: () => {},
  };
  return fake as unknown as TalosSession;
}

/** A pane with a real action table: counts refreshes, has a conditional dangerous action, a drill-down and a text field. */
function CounterPane({ shell, active, selectedNodes }: PaneProps) {
  const [count, setCount] = useState(0);
  const [typing, setTyping] = useState(false);
  const [text, setText] = useState('');
  usePaneActions(shell, [
    { key: 'r', label: 'refresh', help: 'refresh the machine list', run: () => setCount((c) => c + 1) },
    { key: 'x', label: 'wipe', help: 'wipe the selected node', dangerous: true, when: () => count > 0, run: () => shell.setStatus('wiped', 'warn') },
    { key: 'enter', label: 'apply', help: 'open Apply for the selected machine', run: () => shell.navigate('apply', { node: '10.0.0.99' }) },
    { key: '/', label: 'filter', help: 'type a filter', run: () => { setTyping(true); shell.captureInput(true); } },
    { key: 'down', label: 'move', hidden: true, help: 'next row', run: () => {} },
  ]);
  useInput(
    (input, key) => {
      if (key.return) {
        setTyping(false);
        shell.captureInput(false);
      } else setText((t) => t + input);
    },
    { isActive: active && typing },
  );
  // Ink attaches useInput's listener in an effect after the frame that turned typing on: this effect,
  // declared after it, runs once the listener is there, and its frame says so (tests wait for it).
  const [listening, setListening] = useState(false);
  useEffect(() => setListening(active && typing), [active, typing]);
  return <Text>{`count=${count} text=${text} nodes=${selectedNodes.join(',')}${listening ? ' listening' : ''}`}</Text>;
}

function ApplyProbe({ params }: PaneProps) {
  return <Text>{`apply params=${JSON.stringify(params ?? null)}`}</Text>;
}

// The registry's ids, numbers and titles with test components: the real panes need a real session
// (the e2e test runs them against the simulator).
const stub = (title: string) =>
  function StubPane() {
    return <Text>{`${title} stub pane`}</Text>;
  };
// CounterPane stands in for a pane that remounts on a new session (the real Discovery does not).
const testPanes: PaneDefinition[] = realPanes.map((p) => ({
  ...p,
  keepAcrossSessions: false,
  Component: p.id === 'discovery' ? CounterPane : p.id === 'apply' ? ApplyProbe : stub(p.title),
}));

const ESC = '\u001B';
const ENTER = '\r';

function mount(over: Partial<ShellProps> = {}) {
  const onQuit = vi.fn();
  const props: ShellProps = {
    panes: testPanes,
    session: fakeSession(),
    size: { columns: 80, rows: 24 },
    now: () => NOW,
    onQuit,
    ...over,
  };
  const r = render(<Shell {...props} />);
  const { frame, press } = screen(r);
  const until = (text: string) => untilText(frame, text, { timeout: 3000, interval: 50 });
  // Ink attaches its stdin listener and the pane publishes its actions in effects that run after the
  // first frame: wait for the hint bar to show the pane's keys before pressing any.
  const ready = () => until('r refresh');
  return { ...r, frame, until, press, ready, onQuit };
}

afterEach(() => cleanup());

describe('shell', () => {
  it('shows context, endpoint, nodes, role, cert expiry and the tabs in the header', async () => {
    const s = mount();
    await s.ready();
    const [line1, line2] = s.frame().split('\n');
    expect(line1).toContain('ctx prod-1');
    expect(line1).toContain('ep 10.0.0.15 ');
    expect(line1).toContain('nodes 10.0.0.11');
    expect(line1).toContain('os:admin');
    expect(line1).toContain('cert 200d');
    expect(line2).toMatch(/1 Discovery.*2 Apply.*3 META.*4 Status.*5 Logs/);
  });

  it('lets a report fade from the status bar while an error stays', async () => {
    // Reports fade fast here; every other tone keeps the product's own rule. Each question the shell
    // asks is recorded: "how long does this message stay" is the event the check waits for.
    const asked: { tone: MessageTone; ms: number | null }[] = [];
    const lifetime = (tone: MessageTone) => {
      const ms = tone === 'ok' ? 150 : statusLifetimeMs(tone);
      asked.push({ tone, ms });
      return ms;
    };
    const s = mount({ statusLifetimeMs: lifetime });
    await s.ready();
    await s.press(':');
    await s.press(...'node 127.0.0.5', ENTER);
    await s.until('nodes: 127.0.0.5');
    await vi.waitFor(() => expect(s.frame()).not.toContain('nodes: 127.0.0.5'), { timeout: 2000 });
    await s.press(':');
    await s.press(...'frobnicate', ENTER);
    await s.until('frobnicate');
    // The shell has decided how long the error stays: no lifetime, so no timer will ever clear it.
    await until(() => asked.some((a) => a.tone === 'error'), 'the shell to ask how long the error stays');
    expect(asked.filter((a) => a.tone === 'error').every((a) => a.ms === null)).toBe(true);
    // A frame drawn after a later event (the pane's own refresh) still shows it.
    await s.press('r');
    await s.until('count=1');
    expect(s.frame()).toContain('frobnicate');
  });

  it('marks demo mode and a certificate about to expire in red', async () => {
    const s = mount({ demo: true, session: fakeSession({ certNotAfter: new Date(NOW.getTime() + 12 * DAY) }) });
    await s.ready();
    expect(s.frame()).toContain('DEMO');
    // Red (31) + bold around the expiry.
    expect(s.lastFrame()).toMatch(/\u001B\[31m(\u001B\[1m)?cert 12d/);
  });

  it('switches panes with the number keys', async () => {
    const s = mount();
    await s.ready();
    await s.press('4');
    await s.until('Status stub pane');
    await s.press('5');
    await s.until('Logs stub pane');
    await s.press('3');
    await s.until('META stub pane');
    await s.press('1');
    await s.ready();
  });

  it('feeds the hint bar from the pane action table and runs actions on their key', async () => {
    const s = mount();
    await s.ready();
    const hints = () => s.frame().split('\n').at(-1)!;
    expect(hints()).toContain('r refresh');
    expect(hints()).not.toContain('wipe'); // when() is false until the first refresh
    expect(hints()).not.toContain('move'); // hidden: only in ? help
    expect(hints()).toContain('? help');
    await s.press('r', 'r');
    await s.until('count=2');
    await s.until('x wipe');
    await s.press('x');
    await s.until('wiped');
  });

  it('? lists every global key and every pane action with its help text, and closes again', async () => {
    const s = mount({ size: { columns: 80, rows: 40 } });
    await s.ready();
    await s.press('?');
    await s.until('Global keys');
    const help = s.frame();
    for (const k of ['1-6', '?', ':', 'q', 'Esc', 'Ctrl+C']) expect(help).toMatch(new RegExp(`^  ${k.replace(/[?+]/g, '\\$&')} +\\S`, 'm'));
    expect(help).toContain('Discovery keys');
    for (const h of ['refresh the machine list', 'wipe the selected node', 'open Apply for the selected machine', 'type a filter', 'next row']) {
      expect(help).toContain(h);
    }
    expect(help).toMatch(/wipe the selected node \(DANGEROUS, not available now\)/);
    for (const c of [':discover', ':node IP[,IP]', ':ctx NAME', ':q']) expect(help).toContain(`  ${c} `);
    expect(help).not.toContain('count=0');
    await s.press('q');
    await s.ready();
    expect(s.onQuit).not.toHaveBeenCalled();
  });

  it(': runs pane commands, :node sets the selected nodes, unknown commands are an error', async () => {
    const s = mount();
    await s.ready();
    await s.press(':', 's', 't', 'a', 't', 'u', 's', ENTER);
    await s.until('Status stub pane');
    await s.press(':', ...'node 10.0.0.21,10.0.0.22', ENTER);
    await s.until('nodes: 10.0.0.21, 10.0.0.22'); // status bar
    expect(s.frame().split('\n')[0]).toContain('nodes 10.0.0.21 +1'); // header, compacted to fit 80 columns
    await s.press('1');
    await s.until('nodes=10.0.0.21,10.0.0.22');
    // Pasted text (one multi-character input) works like typing, Enter included.
    await s.press(':node 10.0.0.7\r');
    await s.until('nodes: 10.0.0.7');
    await s.press(':', ...'frobnicate', ENTER);
    await s.until('error: unknown command ":frobnicate"');
    await s.press(':', ...'node 999.1.1.1', ENTER);
    await s.until('"999.1.1.1" is not an IP address');
    // Esc abandons the command line without running it.
    await s.press(':', 'l', 'o', 'g', 's', ESC);
    await vi.waitFor(() => expect(s.frame()).not.toContain(':logs'));
    expect(s.frame()).toContain('count=0');
  });

  it(':ctx calls onSwitchContext and shows a failure in the status bar', async () => {
    const onSwitchContext = vi.fn(async (name: string) => {
      if (name !== 'staging') throw new Error(`talosconfig has no context "${name}" (contexts: prod-1, staging)`);
    });
    const s = mount({ onSwitchContext });
    await s.ready();
    await s.press(':', ...'ctx nope', ENTER);
    await s.until('error: talosconfig has no context "nope"');
    await s.press(':', ...'ctx staging', ENTER);
    await s.until('context staging');
    expect(onSwitchContext).toHaveBeenCalledWith('staging');
  });

  it(':ctx to a context whose certificate has expired says so instead of a plain "context NAME"', async () => {
    const warning = 'talosconfig /tmp/tc, context "old": the client certificate expired on 2021-01-01, so nodes will refuse every call; get a fresh talosconfig (talosctl config new)';
    const s = mount({ onSwitchContext: async (name) => (name === 'old' ? warning : null) });
    await s.ready();
    await s.press(':', ...'ctx old', ENTER);
    await s.until('config new)');
    expect(s.frame().replace(/\s+/g, ' ')).toContain(`error: ${warning}`);
  });

  it('a pane navigates with params; q and Esc come back; q at the top quits', async () => {
    const s = mount();
    await s.ready();
    await s.press(ENTER);
    await s.until('apply params={"node":"10.0.0.99"}');
    expect(s.frame().split('\n').at(-1)).toContain('q back');
    await s.press('q');
    await s.ready();
    expect(s.onQuit).not.toHaveBeenCalled();
    await s.press(ENTER);
    await s.until('apply params=');
    await s.press(ESC);
    await s.ready();
    await s.press(ESC); // Esc at the top level never quits
    expect(s.onQuit).not.toHaveBeenCalled();
    await s.press('q');
    expect(s.onQuit).toHaveBeenCalledTimes(1);
  });

  it('while a pane captures input, q digits ? and : go to the pane', async () => {
    const s = mount();
    await s.ready();
    await s.press('/');
    // This pane reads its field with its own useInput, live from its next render (the burst case,
    // with captureKeys, is the next test): wait for the field before typing.
    await s.until('typing');
    await s.until('listening');
    await s.press('q', '2', '?', ':');
    await s.until('text=q2?:');
    expect(s.frame()).toContain('typing');
    expect(s.onQuit).not.toHaveBeenCalled();
    await s.press(ENTER, '2');
    await s.until('apply params=null');
  });

  it('a q in the same input burst as the key that opens a text field does not reach the global keys', async () => {
    // tmux send-keys and pastes deliver "/q" as one chunk: the shell handles '/' (the pane turns
    // capture on inside run()) and then 'q' before React renders again. The capture must already hold.
    const s = mount();
    await s.ready();
    s.stdin.write('/q');
    await s.until('typing');
    await s.until('listening');
    await s.press('2', ':');
    await s.until('text=2:');
    expect(s.onQuit).not.toHaveBeenCalled();
    expect(s.frame()).not.toContain('apply params');
  });

  it('a new session (:ctx) remounts the panes and frees a keyboard a pane had captured', async () => {
    const s = mount();
    await s.ready();
    await s.press('r', '/');
    await s.until('typing');
    s.rerender(<Shell panes={testPanes} session={fakeSession({ contextName: 'staging' })} size={{ columns: 80, rows: 24 }} now={() => NOW} onQuit={s.onQuit} />);
    await s.until('ctx staging');
    await s.until('count=0'); // remounted: fresh pane state
    await s.press('2');
    await s.until('apply params=null');
  });

  it('a new session keeps a keepAcrossSessions pane (handing it the session) and remounts the others', async () => {
    let statusMounts = 0;
    function SessionProbe({ session }: PaneProps) {
      useEffect(() => {
        statusMounts++;
      }, []);
      return <Text>{`probe ctx=${session?.info.contextName ?? 'none'}`}</Text>;
    }
    function KeptPane(props: PaneProps) {
      return (
        <>
          <CounterPane {...props} />
          <Text>{`kept ctx=${props.session?.info.contextName ?? 'none'}`}</Text>
        </>
      );
    }
    const panes = testPanes.map((p) =>
      p.id === 'discovery' ? { ...p, keepAcrossSessions: true, Component: KeptPane } : p.id === 'status' ? { ...p, Component: SessionProbe } : p,
    );
    const s = mount({ panes });
    await s.ready();
    await s.press('r', 'r', '4');
    await s.until('probe ctx=prod-1');
    await s.press('1');
    await s.until('count=2');
    s.rerender(<Shell panes={panes} session={fakeSession({ contextName: 'staging' })} size={{ columns: 80, rows: 24 }} now={() => NOW} onQuit={s.onQuit} />);
    await s.until('kept ctx=staging');
    expect(s.frame()).toContain('count=2'); // not remounted: its state is still there
    await s.press('4');
    await s.until('probe ctx=staging');
    expect(statusMounts).toBe(2); // remounted on the new session
  });

  it('the registry keeps Discovery across a session change, and only Discovery', () => {
    expect(realPanes.filter((p) => p.keepAcrossSessions).map((p) => p.id)).toEqual(['discovery']);
  });

  it('keeps a visited pane mounted (state survives switching away and back)', async () => {
    const s = mount();
    await s.ready();
    await s.press('r', 'r', 'r');
    await s.until('count=3');
    await s.press('4');
    await s.until('Status stub pane');
    await s.press('1');
    await s.until('count=3');
  });

  it('fits 80x24: no row wider than 80 columns, fewer rows than the terminal, even with long facts', async () => {
    const long = fakeSession({
      contextName: 'a-very-long-context-name-for-the-production-cluster',
      endpoints: ['controlplane-endpoint.example.internal.corp:50000'],
      activeEndpoint: 'controlplane-endpoint.example.internal.corp:50000',
      nodes: ['10.0.0.11', '10.0.0.12', '10.0.0.13', '10.0.0.14'],
      roles: ['os:operator'],
    });
    const s = mount({ session: long, demo: true });
    await s.ready();
    for (const view of ['', '?', 'q4', ':']) {
      if (view) await s.press(...view);
      await tick();
      const rows = s.frame().split('\n');
      expect(rows.length).toBeLessThanOrEqual(23);
      for (const row of rows) expect([...row].length, row).toBeLessThanOrEqual(80);
    }
    expect(s.frame().split('\n')[0]).toContain('cert 200d'); // the expiry survives shortening
  });

  it('a long status (a talosconfig problem, a copied talosctl line) is shown whole on up to three rows; the pane gives them up', async () => {
    const text =
      'talosconfig /home/admin/.talos/config has no context "nope" (from --context; contexts: prod-1, staging, lab-east, lab-west)';
    const s = mount({ session: null, note: 'talosconfig error', status: { text, tone: 'warn' } });
    await s.ready();
    await s.until('lab-west)');
    const rows = s.frame().split('\n');
    expect(rows.length).toBeLessThanOrEqual(23);
    for (const row of rows) expect([...row].length, row).toBeLessThanOrEqual(80);
    expect(rows.join(' ').replace(/\s+/g, ' ')).toContain(text);
    expect(rows.at(-1)).toContain('q quit'); // the hint bar is still the last row
    expect(s.frame()).toContain('count=0'); // the pane is still there, one row shorter
  });

  it('opens without a session and says why', async () => {
    const s = mount({ session: null, note: 'no talosconfig found: Discovery still works' });
    await s.ready();
    expect(s.frame().split('\n')[0]).toContain('no talosconfig found');
  });

  it('draws colour when colour is on (the NO_COLOR test relies on this being able to fail)', async () => {
    const s = mount();
    await s.ready();
    expect(s.lastFrame()).toMatch(/\u001B\[3\dm/);
  });
});
