// The Apply pane (key 2): runbook steps 6-11 for one node. Render its machine config from a base and
// patches (from the inventory entry Discovery sent, or typed), ask the node for a dry run (Talos's own
// summary and diff), apply it (type the node name), follow the reboot until the node answers over
// mutual TLS at its new address, bootstrap etcd once (guarded as `talos-tui bootstrap`), stream the
// health check, and save the kubeconfig (0600).
//
// The pattern every pane follows: controller.ts does all reading and sending (through src/ops),
// state.ts is the pure reducer, use-apply.ts connects them to React, views.ts says what is shown,
// actions.ts is the key table (hint bar + help). This file only wires them and asks the questions.
import { documentScroll, DocumentView } from '../../ui/DocumentView.js';
import { usePaneActions, usePaneWork, useRecordNote, type PaneProps } from '../../ui/pane-types.js';
import { usePrompt } from '../../ui/use-prompt.js';
import { TextField, useTextEntry } from '../../ui/text-entry/index.js';
import { applyActions, type ApplyField } from './actions.js';
import { homePath } from './controller.js';
import { useApply } from './use-apply.js';
import { applyBody, applyQuestion, applyStatus, applyWork, inputLine, kubeconfigQuestion, nodeLine } from './views.js';

const FIELD_PROMPTS: Record<ApplyField, string> = { node: 'node (IP or IP:port)> ', base: 'base config file> ', patch: 'add patch file> ' };
const HEADER_ROWS = 5;

export default function ApplyPane({ session, sessionProblem, width, height, shell, params }: PaneProps<'apply'>) {
  const { controller: c, state: s } = useApply(session, sessionProblem, params);
  const prompt = usePrompt(shell);
  const field = useTextEntry<ApplyField>(shell, {
    onSubmit(name, value) {
      const v = value.trim();
      if (v === '') return;
      if (name === 'node') void c.typeNode(v);
      else if (name === 'base') c.setBase(v);
      else c.addPatch(v);
    },
  });

  function confirmApply() {
    const question = applyQuestion(c.current);
    if (question) prompt.confirm({ ...question, onConfirm: () => void c.send(false) });
  }

  async function confirmBootstrap() {
    const target = await c.guardBootstrap();
    if (!target) return;
    prompt.confirm({
      title: `Bootstrap etcd on ${target}?`,
      detail: ['Run this on exactly ONE control-plane node, once per cluster:', 'a second bootstrap would split etcd. No member is listed anywhere yet.'],
      expect: target,
      onConfirm: () => void c.bootstrap(target),
    });
  }

  /** k: merge into ~/.kube/config by default (talosctl kubeconfig); a path that does not exist gets the file as is. */
  function askKubeconfig(force: boolean) {
    const title = kubeconfigQuestion(c.current, force);
    const initial = title === null ? null : c.kubeconfigInitial();
    if (title === null || initial === null) return;
    prompt.askPath({
      title,
      initial,
      onSubmit: (typed) => {
        const { file, exists } = c.kubeconfigTarget(typed);
        if (!force || !exists) return void c.saveKubeconfig(file, force);
        prompt.confirm({
          title: `Replace the clusters and users of ${homePath(file)} that have the same name?`,
          detail: ['Without this (k), talos-tui keeps them and renames the new ones, as talosctl does.'],
          expect: null,
          onConfirm: () => void c.saveKubeconfig(file, true),
        });
      },
    });
  }

  const fieldRows = field.field !== null ? 1 : 0;
  const bodyRows = Math.max(2, height - HEADER_ROWS - fieldRows - prompt.rows);
  const body = applyBody(s);
  const setScroll = (next: number | ((top: number) => number)) => c.scrollTo(typeof next === 'function' ? next(c.current.scroll) : next);
  const { top, actions: scrollActions } = documentScroll(s.scroll, setScroll, body.lines.length, bodyRows);
  const actions =
    prompt.open || field.field !== null
      ? []
      : [
          ...applyActions({ controller: c, hasSession: session !== null, openField: (f, initial) => field.open(f, initial), confirmApply, confirmBootstrap: () => void confirmBootstrap(), askKubeconfig }),
          ...scrollActions,
        ];
  usePaneActions(shell, actions);
  usePaneWork(shell, applyWork(s));
  useRecordNote(shell, s.note);

  const w = Math.max(10, width - 2);
  return (
    <DocumentView
      width={width}
      height={height}
      heading={nodeLine(s, session !== null, sessionProblem)}
      subheading={inputLine(s)}
      status={applyStatus(s, Date.now())}
      title={body.title}
      lines={body.lines}
      top={top}
      bodyRows={bodyRows}
      diff={body.diff}
      lineTone={() => body.tone}
    >
      {field.field !== null ? <TextField prompt={FIELD_PROMPTS[field.field]} value={field.value} width={w} /> : null}
      {prompt.render(w)}
    </DocumentView>
  );
}
