// NO_COLOR (https://no-color.org): the console must emit no colour or style escapes at all, even
// where chalk is forced on. Its own file because the colour decision is made once, at import.
import { vi, it, expect, afterEach } from 'vitest';

vi.hoisted(() => {
  process.env['FORCE_COLOR'] = '1';
  process.env['NO_COLOR'] = '1';
});

import { render, cleanup } from 'ink-testing-library';
import { Shell } from '../../src/ui/shell/Shell.js';
import { Text } from 'ink';
import { panes as realPanes } from '../../src/features/registry.js';
import type { TalosSession } from '../../src/talos/session.js';

afterEach(() => cleanup());

// Stub panes: this is about the shell's own output (the e2e test checks the real panes under NO_COLOR).
const panes = realPanes.map((p) => ({ ...p, Component: () => <Text>{`${p.title} stub pane`}</Text> }));

it('renders header, tabs, demo badge, errors and help without a single escape sequence', async () => {
  const session = {
    info: { contextName: 'demo', endpoints: ['127.0.10.11:50000'], nodes: ['127.0.10.11'], roles: ['os:admin'], activeEndpoint: null, certNotAfter: new Date(Date.now() + 5 * 86_400_000) },
    subscribe: () => () => {},
    close: () => {},
  } as unknown as TalosSession;
  const r = render(<Shell panes={panes} session={session} demo size={{ columns: 80, rows: 24 }} onQuit={() => {}} />);
  await vi.waitFor(() => expect(r.lastFrame()).toContain('Discovery stub pane'), { timeout: 3000 });
  await new Promise((res) => setTimeout(res, 50));
  for (const key of [':', 'x', '\r']) {
    r.stdin.write(key);
    await new Promise((res) => setTimeout(res, 30));
  }
  await vi.waitFor(() => expect(r.lastFrame()).toContain('error: unknown command'));
  const frames = [r.lastFrame()!];
  r.stdin.write('?');
  await vi.waitFor(() => expect(r.lastFrame()).toContain('Global keys'));
  frames.push(r.lastFrame()!);
  for (const f of frames) expect(f).not.toMatch(/\u001B\[/);
  // Meaning survives without colour: the active tab is bracketed, the badge and expiry are words.
  expect(frames[0]).toContain('[1 Discovery]');
  expect(frames[0]).toContain('DEMO');
  expect(frames[0]).toContain('cert 4d');
});
