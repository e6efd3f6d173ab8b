// The META pane's reducer and views (src/features/meta/state.ts, views.ts) on fixtures: a read with
// the same content changes nothing, a change on disk drops what described the old text and says so,
// a late QR code only joins the route it was made for, and the preview counts errors and warnings.
import { describe, expect, it } from 'vitest';
import { parseMetaNetworkConfig, renderMetaNetworkConfig } from '../../src/core/meta/index.js';
import { initialMetaState, isValid, metaReducer, nodeOf, type Doc, type MetaEvent, type MetaState } from '../../src/features/meta/state.js';
import { bodyLines, docView, fileLine, hardWrap, wrapProblem } from '../../src/features/meta/views.js';

const VALID = 'addresses:\n  - address: 192.0.2.10/24\n    linkName: eth0\n    family: inet4\n    layer: platform\nhostnames:\n  - hostname: n1\n    layer: platform\n';
const BROKEN = 'addresses:\n  - address: 192.0.2.10\n    linkName: eth0\n    layer: platform\n';
const doc = (text: string): Doc => {
  const parsed = parseMetaNetworkConfig(text);
  return { kind: 'read', text, parsed, canonical: parsed.config ? renderMetaNetworkConfig(parsed.config) : '' };
};
const read = (text: string, watched?: string): MetaEvent => ({ type: 'read', doc: doc(text), key: `t:${text}`, ...(watched ? { watched } : {}) });
const run = (events: MetaEvent[], from: MetaState = initialMetaState({ file: '/w/net.yaml', node: null, insecure: false })) => events.reduce(metaReducer, from);
const shown = (f: string) => f.replace('/w/', './');

describe('META state', () => {
  it('the same content read again changes nothing; a change on disk drops the output and says so', () => {
    const first = run([read(BROKEN)]);
    expect(fileLine(first, shown)).toBe('File ./net.yaml · INVALID');
    expect(docView(first, shown, 80).title).toMatch(/^\d+ error\(s\)/);
    expect(metaReducer(first, read(BROKEN, './net.yaml'))).toBe(first);
    const withOutput = run([{ type: 'output', output: { title: 'diff: n1', lines: ['-a'] } }, { type: 'note', note: { text: '1 line(s) removed', tone: 'info' } }], first);
    const fixed = metaReducer(withOutput, read(VALID, './net.yaml'));
    expect(fixed).toMatchObject({ output: null, scroll: 0, note: { text: './net.yaml changed: checked again' } });
    expect(isValid(fixed)).toBe(true);
    expect(fileLine(fixed, shown)).toBe('File ./net.yaml · valid');
  });

  it('a read after writing the template (not the poll) keeps the message about it', () => {
    const missing = run([{ type: 'read', doc: { kind: 'missing' }, key: 'missing' }]);
    expect(docView(missing, shown, 80).lines).toEqual(['The file does not exist: press t to write a commented template there.']);
    const written = run([{ type: 'note', note: { text: 'template written to ./net.yaml: e edits it', tone: 'ok' } }, read(VALID)], missing);
    expect(written.note!.text).toBe('template written to ./net.yaml: e edits it');
  });

  it('opening a file forgets the last read: its first read is not a change', () => {
    const s = run([read(VALID), { type: 'opened', file: '/w/other.yaml', note: { text: 'watching ./other.yaml', tone: 'info' } }, read(BROKEN)]);
    expect(s.note!.text).toBe('watching ./other.yaml');
  });

  it('a QR code made for an older route is dropped', () => {
    const lines = ['INSTALLER_META_BASE64=abc'];
    const shownRoute = run([{ type: 'output', output: { title: 'boot-time route', lines } }]);
    expect(metaReducer(shownRoute, { type: 'output-extended', to: lines, lines: ['', '# QR code of the kernel argument:', '▄▀'] }).output!.lines).toHaveLength(4);
    const replaced = run([{ type: 'output', output: { title: 'boot-time route', lines: ['other'] } }], shownRoute);
    expect(metaReducer(replaced, { type: 'output-extended', to: lines, lines: ['late'] })).toBe(replaced);
  });

  it('the node is the typed one, else the first selected', () => {
    const s = run([{ type: 'selected', node: '10.0.0.5' }]);
    expect(nodeOf(s)).toBe('10.0.0.5');
    expect(nodeOf(run([{ type: 'node-typed', node: '10.0.0.9' }], s))).toBe('10.0.0.9');
  });

  it('the boot-time route keeps base64 whole and says when the QR code does not fit', () => {
    const b64 = 'A'.repeat(100);
    const qr = Array.from({ length: 30 }, () => '▄'.repeat(40));
    const body = { title: 'boot-time route', lines: ['# why', `INSTALLER_META_BASE64=${b64}`, '# QR code of the kernel argument:', ...qr] };
    const small = bodyLines(body, 60, 10);
    expect(small.slice(0, 3).join(' ')).toMatch(/^# the QR code of the kernel argument needs 31 rows x 40 columns, the pane shows 10 x 60:/);
    expect(small.every((l) => l.length <= 60)).toBe(true);
    expect(small.join('')).toContain(b64);
    expect(bodyLines(body, 80, 40)).toContain(qr[0]);
    expect(hardWrap(['x'.repeat(25)], 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    expect(wrapProblem('error: addresses[0].address: "192.0.2.300/24" is not an address', 30).every((l) => l.length <= 30)).toBe(true);
  });
});
