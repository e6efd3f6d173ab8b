// The Apply pane's reducer (src/features/apply/state.ts) on fixtures: what each event keeps and drops,
// so the pane's rules hold without a terminal: a node's patches never carry over to another node, a
// late identification never undoes what the admin did meanwhile, a reply replaces the body and
// scrolls it to the top, and the reboot followed up leaves the node on mTLS at its new address.
import { describe, expect, it } from 'vitest';
import { applyReducer, canSend, initialApplyState, isFollowing, isIdle, isWorkerNode, NO_BASE_NOTE, type ApplyEvent, type ApplyState } from '../../src/features/apply/state.js';
import { applyBody, applyStatus, applyWork, inputLine, nodeLine } from '../../src/features/apply/views.js';

const RENDERED = { ok: true as const, config: 'version: v1alpha1\nmachine:\n  type: worker\n' };
const run = (events: ApplyEvent[], from: ApplyState = initialApplyState({ ok: false, error: 'no base config yet' })) => events.reduce(applyReducer, from);

const discovered: ApplyEvent = {
  type: 'navigated',
  node: '10.0.0.23',
  insecure: true,
  fingerprint: 'abc=',
  entry: { name: 'w1', role: 'worker' },
  inputs: { base: '/inv/talos/worker.yaml', patches: ['/inv/patches/w1.yaml'] },
  note: null,
};

describe('Apply state', () => {
  it('a node from Discovery brings its entry, connection and inputs; the heading says so', () => {
    const s = run([discovered, { type: 'rendered', rendered: RENDERED }]);
    expect(nodeLine(s, false, null)).toBe('Node 10.0.0.23 (w1, worker) · maintenance, insecure, pinned');
    expect(inputLine(s)).toMatch(/^Mode auto · base .*worker\.yaml · patches .*w1\.yaml$/);
    expect(applyBody(s)).toMatchObject({ title: 'rendered config (1 patch)', lines: ['version: v1alpha1', 'machine:', '  type: worker'], diff: false });
    expect(canSend(s)).toBe(true);
  });

  it("a typed node drops the previous node's patches, entry and pin, keeps the base, and shows the question", () => {
    const asking = { text: 'node 10.0.0.9: asking what it is…', tone: 'info' as const };
    const s = run([discovered, { type: 'output', output: { title: 'apply reply', lines: ['x'] } }, { type: 'node-typed', node: '10.0.0.9', asking }]);
    expect(s).toMatchObject({ node: '10.0.0.9', entry: null, fingerprint: null, output: null, note: asking, inputs: { base: '/inv/talos/worker.yaml', patches: [] } });
  });

  it('an identification that comes after the admin moved on changes nothing', () => {
    const asking = { text: 'node 10.0.0.9: asking what it is…', tone: 'info' as const };
    const typed = run([{ type: 'node-typed', node: '10.0.0.9', asking }]);
    const answer: ApplyEvent = { type: 'identified', asking, insecure: true, fingerprint: 'fp=', note: { text: 'maintenance', tone: 'info' } };
    expect(applyReducer(typed, answer)).toMatchObject({ insecure: true, fingerprint: 'fp=', note: { text: 'maintenance' } });
    const movedOn = applyReducer(typed, { type: 'note', note: { text: 'bootstrap sent', tone: 'ok' } });
    expect(applyReducer(movedOn, answer)).toBe(movedOn);
  });

  it('a node without inventory entry asks for a base, and naming one answers it', () => {
    const s = run([{ ...discovered, entry: null, inputs: { base: null, patches: [] }, note: NO_BASE_NOTE }]);
    expect(s.note).toBe(NO_BASE_NOTE);
    expect(run([{ type: 'base', file: '/x/worker.yaml' }], s)).toMatchObject({ note: null, inputs: { base: '/x/worker.yaml', patches: [] } });
  });

  it('mode cycles through the pane modes; a dry-run reply is a diff body, scrolled to the top', () => {
    const modes = [1, 2, 3, 4].map((n) => run(Array.from({ length: n }, () => ({ type: 'mode-cycled' }) as const)).mode);
    expect(modes).toEqual(['no-reboot', 'staged', 'try', 'auto']);
    const s = run([discovered, { type: 'scroll', top: 7 }, { type: 'output', output: { title: 'dry run reply from 10.0.0.23', lines: ['@@ -1 +1 @@'] } }]);
    expect(s.scroll).toBe(0);
    expect(applyBody(s).diff).toBe(true);
    expect(run([{ type: 'append', line: 'more' }], s).output!.lines).toEqual(['@@ -1 +1 @@', 'more']);
  });

  it('following the reboot: busy for quitting, the elapsed time in the status, then mTLS at the new address', () => {
    const following = run([discovered, { type: 'rendered', rendered: RENDERED }, { type: 'follow', follow: { phase: 'rebooting', detail: '10.0.0.23 went away', started: 1_000 } }]);
    expect(isFollowing(following)).toBe(true);
    expect(isIdle(following)).toBe(false);
    expect(canSend(following)).toBe(false);
    expect(applyWork(following)).toBe('following the reboot of 10.0.0.23');
    expect(applyStatus(following, 4_000)).toEqual({ text: 'rebooting (3.0s; Esc stops): 10.0.0.23 went away', tone: 'warn' });
    const up = run([{ type: 'follow', follow: { phase: 'up', detail: 'answers', started: 1_000 } }, { type: 'followed-up', to: '10.0.0.61', worker: true }], following);
    expect(up).toMatchObject({ node: '10.0.0.61', insecure: false, fingerprint: null });
    expect(isWorkerNode(up)).toBe(true);
    expect(up.note!.text).toBe('10.0.0.61 answers over mTLS: k saves the kubeconfig, h health');
    expect(applyWork(up)).toBeNull();
  });
});
