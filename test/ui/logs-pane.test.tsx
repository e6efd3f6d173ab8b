// The Logs pane inside the real shell (ink-testing-library, 80x24): the picker opens a log, and the
// keys of the action table narrow, invert, pause, wrap and save what is shown. Lines come through the
// real data path (follow.ts -> LogModel -> 15/s store) from a fake node whose stream the test feeds.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { Shell } from '../../src/ui/shell/Shell.js';
import type { PaneDefinition, PaneProps } from '../../src/ui/pane-types.js';
import { LogsPaneView } from '../../src/features/logs/index.js';
import { LogsController } from '../../src/features/logs/controller.js';
import type { Catalog } from '../../src/features/logs/catalog.js';
import type { NodeTarget } from '../../src/talos/index.js';
import type { TalosSession } from '../../src/talos/session.js';
import { until as untilHolds } from '../helpers/until.js';

const ESC = '\u001B';
const ENTER = '\r';
const DOWN = '\u001B[B';
const BACKSPACE = '\u007F';
const tick = () => new Promise((r) => setTimeout(r, 30));
const strip = (s: string) => s.replace(/\u001B\[[0-9;]*m/g, '');

function fakeSession(): TalosSession {
  return {
    info: { contextName: 'prod-1', endpoints: ['10.0.0.15:50000'], activeEndpoint: '10.0.0.15:50000', nodes: ['10.0.0.11'], roles: ['os:admin'], certNotAfter: null },
    subscribe: () => () => {},
    close: () => {},
  } as unknown as TalosSession;
}

/** A node whose log streams the test writes into; every open stream gets what is fed. */
function fakeNode() {
  const open = new Set<{ queue: Uint8Array[]; wake: (() => void) | null }>();
  const target = {
    node: '10.0.0.11',
    unary: async () => {
      throw new Error('not used');
    },
    stream: (_m: unknown, _req: unknown, opts?: { signal?: AbortSignal }) => ({
      async *[Symbol.asyncIterator]() {
        const s = { queue: [] as Uint8Array[], wake: null as (() => void) | null };
        open.add(s);
        const onAbort = () => s.wake?.();
        opts?.signal?.addEventListener('abort', onAbort);
        try {
          while (!opts?.signal?.aborted) {
            const next = s.queue.shift();
            if (next) yield { bytes: next };
            else await new Promise<void>((resolve) => (s.wake = resolve));
          }
        } finally {
          open.delete(s);
          opts?.signal?.removeEventListener('abort', onAbort);
        }
      },
    }),
  } as unknown as NodeTarget;
  const feed = (lines: string[]) => {
    const bytes = new TextEncoder().encode(lines.map((l) => l + '\n').join(''));
    for (const s of open) {
      s.queue.push(bytes);
      s.wake?.();
    }
  };
  return { target, feed };
}

const catalog: Catalog = {
  entries: [
    { selector: { kind: 'dmesg' }, name: 'dmesg', note: 'kernel ring' },
    { selector: { kind: 'service', id: 'kubelet' }, name: 'kubelet', note: 'Running' },
  ],
  errors: [],
};

function mount() {
  const node = fakeNode();
  const controller = new LogsController({ targetFor: () => node.target });
  const Pane = (p: PaneProps) => <LogsPaneView {...p} controller={controller} loadCatalog={async () => catalog} />;
  const panes: PaneDefinition[] = [{ id: 'logs', number: 5, title: 'Logs', Component: Pane }];
  const r = render(<Shell panes={panes} session={fakeSession()} size={{ columns: 80, rows: 24 }} initialPane="logs" onQuit={() => {}} />);
  const frame = () => strip(r.lastFrame() ?? '');
  const until = (check: (f: string) => boolean, what: string) =>
    untilHolds(() => check(frame()), () => `${what}; the frame was:\n${frame()}`, { timeout: 3000 });
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      r.stdin.write(k);
      await tick();
    }
  };
  /** Picks kubelet in the picker and waits for the log view. */
  const openKubelet = async () => {
    await until((f) => f.includes('kubelet') && f.includes('[x] 10.0.0.11') && f.includes('enter open'), 'the picker');
    await press(DOWN, DOWN, ENTER); // node -> dmesg -> kubelet
    await until((f) => f.includes('FOLLOWING') && f.includes('kubelet: 10.0.0.11'), 'the log view');
  };
  // Header (3 rows) above; the status row and the two hint rows (the Logs keys wrap at 80 columns) below.
  const logRows = () => frame().split('\n').slice(3, -4);
  return { ...r, node, controller, frame, until, press, openKubelet, logRows };
}

afterEach(() => cleanup());

describe('Logs pane', () => {
  it('opens a log from the picker and shows its lines as they arrive, fitted to 80 columns', async () => {
    const s = mount();
    await s.openKubelet();
    s.node.feed(['level=info msg="first"', 'level=error msg="second"']);
    await s.until((f) => f.includes('msg="first"') && f.includes('msg="second"'), 'the lines');
    await s.until((f) => f.includes('kubelet: 10.0.0.11 live'), 'the stream to be live');
    for (const row of s.frame().split('\n')) expect([...row].length).toBeLessThanOrEqual(80);
    expect(s.frame()).toMatch(/FOLLOWING .* wrap off · ts on · tail 100 · 2 lines/);
  });

  it('/ narrows to matching lines as you type, ! inverts, esc clears', async () => {
    const s = mount();
    await s.openKubelet();
    s.node.feed(['level=info msg="alpha ok"', 'level=error msg="beta failed"', 'level=info msg="gamma ok"', 'level=error msg="delta failed"']);
    await s.until((f) => f.includes('delta failed'), 'the lines');
    await s.press('/', 'f', 'a', 'i', 'l');
    await s.until((f) => f.includes('/ filter: fail'), 'the filter field');
    await s.press(ENTER);
    await s.until((f) => f.includes('filter "fail" (any case)'), 'the filter indicator');
    let rows = s.logRows().join('\n');
    expect(rows).toContain('beta failed');
    expect(rows).toContain('delta failed');
    expect(rows).not.toContain('alpha ok');
    expect(rows).not.toContain('gamma ok');

    await s.press('!');
    await s.until((f) => f.includes('filter not "fail"'), 'the inverted filter');
    rows = s.logRows().join('\n');
    expect(rows).toContain('alpha ok');
    expect(rows).toContain('gamma ok');
    expect(rows).not.toContain('failed');

    await s.press(ESC);
    await s.until((f) => !f.includes('filter not') && f.includes('alpha ok') && f.includes('beta failed'), 'the filter to clear');
  });

  it('R makes the filter a regex; a bad regex is reported and the previous filter stays', async () => {
    const s = mount();
    await s.openKubelet();
    s.node.feed(['req 200 ok', 'req 404 missing', 'req 500 boom']);
    await s.until((f) => f.includes('req 500 boom'), 'the lines');
    await s.press('R', '/', ...'[45]0\\d');
    await s.until((f) => f.includes('/ filter: [45]0\\d█') && f.includes('^R regex on'), 'the regex field');
    await s.press(ENTER);
    await s.until((f) => f.includes('filter /[45]0\\d/i'), 'the regex filter');
    let rows = s.logRows().join('\n');
    expect(rows).toContain('404 missing');
    expect(rows).toContain('500 boom');
    expect(rows).not.toContain('200 ok');
    await s.press('/', '(');
    await s.until((f) => f.includes('invalid regular expression /[45]0\\d(/'), 'the regex error in the field');
    await s.press(ESC);
    await s.until((f) => f.includes('filter /[45]0\\d/i'), 'the previous filter back');
    rows = s.logRows().join('\n');
    expect(rows).not.toContain('200 ok');
  });

  it('/, ^U, text, Enter and R in ONE input chunk: the old filter is cleared, "abc" applies, then R makes it a regex', async () => {
    const s = mount();
    await s.openKubelet();
    s.node.feed(['abc one', 'xyz two', 'a.c three']);
    await s.until((f) => f.includes('a.c three'), 'the lines');
    await s.press('/', 'o', 'l', 'd', ENTER);
    await s.until((f) => f.includes('filter "old"'), 'the old filter');
    s.stdin.write('/\u0015abc\rR');
    await s.until((f) => !f.includes('/ filter:') && f.includes('abc one') && !f.includes('xyz two'), 'the field to close on the new filter');
    expect(s.controller.model.filter).toMatchObject({ text: 'abc', regex: true, invert: false });
    expect(s.frame()).not.toContain('/ filter:'); // the field closed on the Enter inside the chunk
    expect(s.logRows().join('\n')).toContain('abc one');
    expect(s.logRows().join('\n')).not.toContain('xyz two');
    // Esc inside a chunk cancels the field and restores the filter it started from.
    s.stdin.write('/x');
    await s.until((f) => f.includes('/ filter: abcx'), 'the field');
    await s.press(ESC);
    await s.until((f) => !f.includes('/ filter:'), 'the field to close');
    expect(s.controller.model.filter).toMatchObject({ text: 'abc', regex: true });
  });

  it('f pauses: the view freezes and counts new lines; f again follows and shows them', async () => {
    const s = mount();
    await s.openKubelet();
    // More lines than rows: a paused view that is full stays where it is.
    s.node.feed(Array.from({ length: 30 }, (_, i) => `line ${i + 1}`));
    await s.until((f) => f.includes('line 30'), 'the lines');
    await s.press('f');
    await s.until((f) => f.includes('PAUSED · 0 new lines'), 'the paused indicator');
    s.node.feed(['line three', 'line four', 'line five']);
    await s.until((f) => f.includes('PAUSED · 3 new lines'), 'the new-line count');
    expect(s.logRows().join('\n')).not.toContain('line three');
    expect(s.logRows().at(-1)).toContain('line 30');
    await s.press('f');
    await s.until((f) => f.includes('FOLLOWING') && f.includes('line five'), 'following again');
    expect(s.logRows().at(-1)).toContain('line five');
  });

  it('w wraps long lines over several rows and back', async () => {
    const s = mount();
    await s.openKubelet();
    const long = 'start-' + 'x'.repeat(150) + '-end';
    s.node.feed([long, 'short after']);
    await s.until((f) => f.includes('short after'), 'the lines');
    const rowsWith = (text: string) => s.logRows().filter((r) => r.includes(text)).length;
    expect(rowsWith('xxxxxxxxxx')).toBe(1);
    expect(s.frame()).not.toContain('-end');
    await s.press('w');
    await s.until((f) => f.includes('wrap on') && f.includes('-end'), 'wrapped rows');
    expect(rowsWith('xxxxxxxxxx')).toBe(3);
    await s.press('w');
    await s.until((f) => f.includes('wrap off') && !f.includes('-end'), 'unwrapped again');
  });

  it('t hides and shows the timestamps; n restarts every log with a new tail', async () => {
    const s = mount();
    await s.openKubelet();
    s.node.feed(['2024-05-01T10:00:00.123Z level=info msg="stamped"']);
    await s.until((f) => f.includes('2024-05-01T10:00:00.123Z level=info msg="stamped"'), 'the stamped line');
    await s.press('t');
    await s.until((f) => f.includes('ts off') && f.includes('10.0.0.11: level=info msg="stamped"'), 'the line without its timestamp');
    await s.press('n');
    await s.until((f) => f.includes('lines per log at start (a number, or all): 100█'), 'the tail field');
    await s.press(BACKSPACE, BACKSPACE, BACKSPACE, '5', ENTER);
    await s.until((f) => f.includes('every log restarts with its last 5 lines') && f.includes('tail 5 · 0 lines'), 'the restart');
    await s.press('n', BACKSPACE, ...'x', ENTER);
    await s.until((f) => f.includes('error: tail takes a whole number of lines, or "all": not "x"'), 'the refusal');
  });

  it('s saves the filtered lines to the named file and says where and how many', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'talos-tui-save-'));
    try {
      const s = mount();
      await s.openKubelet();
      s.node.feed(['keep 1', 'drop 2', 'keep 3']);
      await s.until((f) => f.includes('keep 3'), 'the lines');
      await s.press('/', ...'keep', ENTER);
      await s.press('s');
      await s.until((f) => f.includes('save to: ./talos-logs-'), 'the save field with its default');
      // ctrl+u clears the prefilled default, as in the status pane's path prompt.
      await s.press('\u0015');
      await s.until((f) => /save to: █/.test(f), 'the cleared field');
      const file = join(dir, 'out.log');
      await s.press(...file, ENTER);
      await s.until((f) => f.includes(`wrote 2 lines to ${file}`), 'the saved message');
      expect(readFileSync(file, 'utf8')).toBe('10.0.0.11: keep 1\n10.0.0.11: keep 3\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
