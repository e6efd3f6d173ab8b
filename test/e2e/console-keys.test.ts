// End to end in tmux (issue 12): `?` in every pane of the BUILT console lists that pane's own keys,
// at 120x40 and 80x24; META's `e` hands the terminal to $EDITOR (a fake editor script that records
// the terminal mode it got) and takes it back, re-validating the edited file. Loopback only (--demo).
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeSimListen } from '../helpers/loopback.js';
import { exited, hasTmux, reportingScript, tmuxServer } from './tmux.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const entry = `${root}/dist/talos-tui.js`;
const { tmux, keys, waitForScreen, modes, kill } = tmuxServer(`talos-tui-keys-${process.pid}`, 20_000);

async function startConsole(name: string, size: [number, number], env = ''): Promise<void> {
  const listen = await freeSimListen();
  const script = reportingScript(`cd ${root} && env CI=true NO_COLOR=1 TALOS_TUI_DEMO_LISTEN=${listen} ${env} node dist/talos-tui.js --demo`);
  tmux('new-session', '-d', '-s', name, '-x', String(size[0]), '-y', String(size[1]), 'sh', '-c', script);
  await waitForScreen(name, (t) => t.includes('[1 Discovery]') && /cert \d+d/.test(t), 'the demo session');
}

/** Per pane: its number, title, a hint that shows once its code has loaded, and help sentences only its own action table has. */
const PANES: [string, string, RegExp, string[]][] = [
  ['1', 'Discovery', /s scan/, ['scan: type CIDRs', 'load an inventory file']],
  ['2', 'Apply', /n node/, ['drop every patch', 'switch between maintenance', 'merge the admin kubeconfig']],
  ['3', 'META', /o open/, ['write a commented template', 'edit the file in $VISUAL', 'the boot-time route']],
  ['4', 'Status', /Tab view/, ['next view: services', 'the node summary']],
  ['5', 'Logs', /Enter open/, ['follow the checked logs', 'check or uncheck']],
  ['6', 'Provision', /o profile/, ['open a cluster profile or talconfig.yaml', 'scan again and rebuild the plan']],
];

describe.skipIf(!hasTmux)('? and the editor in tmux', () => {
  beforeAll(() => {
    if (!existsSync(entry)) throw new Error('dist/talos-tui.js is missing: run `npm run build` (npm test does)');
  });
  afterAll(() => kill());

  for (const size of [[120, 40], [80, 24]] as [number, number][]) {
    it(`? in every pane lists that pane's keys first (${size[0]}x${size[1]})`, async () => {
      const s = `help${size[0]}`;
      await startConsole(s, size);
      for (const [key, title, ready, helps] of PANES) {
        keys(s, key);
        // Each pane's code loads on first open: its hint bar shows once its key table is in place.
        await waitForScreen(s, (t) => t.includes(`[${key} ${title}]`) && ready.test(t), `the ${title} pane`);
        keys(s, '?');
        let help = await waitForScreen(s, (t) => t.includes(`${title} keys`), `the help of ${title}`);
        // At 80x24 a long table scrolls: page down until the global keys that follow it show.
        for (let page = 0; page < 4 && !help.includes('Global keys'); page++) {
          const before = help;
          keys(s, 'PageDown');
          help += await waitForScreen(s, (t) => t !== before, 'the next page of help');
        }
        const flat = help.replace(/\s+/g, ' ');
        for (const h of helps) expect(flat, `${title} help names "${h}"`).toContain(h);
        expect(flat).not.toContain('no keys');
        keys(s, 'q');
        await waitForScreen(s, (t) => !t.includes(`${title} keys`), 'the help to close');
      }
      keys(s, ':q', 'Enter');
      const after = await waitForScreen(s, (t) => exited(t) || t.includes('Quit?'), 'quit');
      if (after.includes('Quit?')) keys(s, 'y');
      await waitForScreen(s, exited, 'the console to exit');
    }, 90_000);
  }

  it('META e runs $EDITOR with the terminal handed over (cooked, normal screen) and takes it back', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'e2e-editor-'));
    const doc = path.join(dir, 'meta-network.yaml');
    writeFileSync(doc, 'addresses:\n  - address: 192.0.2.10/24\n    linkName: eth0\n    family: inet4\n    layer: platform\nhostnames:\n  - hostname: before\n    layer: platform\n');
    const editor = path.join(dir, 'fake-editor.sh');
    writeFileSync(
      editor,
      ['#!/bin/sh', `stty -a > ${dir}/stty.txt`, 'echo "FAKE EDITOR on $1"', 'sleep 2', "sed -i 's/hostname: before/hostname: after/' \"$1\"", ''].join('\n'),
    );
    chmodSync(editor, 0o755);
    await startConsole('edit', [100, 30], `EDITOR=${editor} VISUAL=`);
    keys('edit', '3');
    await waitForScreen('edit', (t) => t.includes('[3 META]') && t.includes('o open'), 'the META pane');
    keys('edit', 'o', 'C-u', doc, 'Enter');
    await waitForScreen('edit', (t) => t.includes('· valid') && t.includes('hostname: before'), 'the file read and valid');
    keys('edit', 'e');
    await waitForScreen('edit', (t) => t.includes('FAKE EDITOR on'), 'the editor on screen');
    // While the editor runs the console has stepped aside: normal screen, cursor shown.
    expect(modes('edit')).toEqual({ altScreen: false, cursorVisible: true });
    const back = await waitForScreen('edit', (t) => t.includes('hostname: after') && t.includes('[3 META]'), 'the console back with the edited file');
    expect(back.replace(/\s+/g, ' ')).toContain('checked again');
    expect(back).not.toContain('FAKE EDITOR');
    expect(modes('edit').altScreen).toBe(true);
    // The editor got a cooked terminal (raw mode off), as from a shell.
    const stty = readFileSync(path.join(dir, 'stty.txt'), 'utf8').replace(/\n/g, ' ');
    expect(stty).toMatch(/(^|\s)icanon(\s|$)/);
    expect(stty).toMatch(/(^|\s)echo(\s|$)/);
    // Keys work again after the hand-back.
    keys('edit', '?');
    await waitForScreen('edit', (t) => t.includes('META keys'), 'the help after the editor');
    keys('edit', 'q', 'q', 'q');
    await waitForScreen('edit', (t) => exited(t) || t.includes('Quit?'), 'quit');
  }, 60_000);
});
