// The META pane (key 3): author the META network config (key 0x0a) in a file with live validation.
// `o` opens a file (re-read every second, so the admin edits it in their own editor and sees problems
// or "valid" on every save), `t` writes a commented template where none exists, `g` reads the node's
// current 0x0a, `D` diffs it against the file's canonical render, `w` writes it over mTLS (type the
// node name), `x` deletes it, `b` gives the boot-time route (INSTALLER_META_BASE64, kernel argument,
// imager --meta, QR code of the kernel argument) for nodes in maintenance mode, which refuse META writes.
//
// The pattern every pane follows: controller.ts does all reading, writing and calls (through src/ops
// and src/io), state.ts is the pure reducer, use-meta.ts connects them to React, views.ts says what
// is shown, actions.ts is the key table (hint bar + help). This file only wires them and asks.
import { META_NETWORK_ID } from '../../core/meta/index.js';
import { documentScroll, DocumentView } from '../../ui/DocumentView.js';
import { usePaneActions, usePaneWork, useRecordNote, type PaneProps } from '../../ui/pane-types.js';
import { usePrompt } from '../../ui/use-prompt.js';
import { TextField, useTextEntry } from '../../ui/text-entry/index.js';
import { metaActions, type MetaField } from './actions.js';
import { shortPath, type MetaController } from './controller.js';
import { nodeOf } from './state.js';
import { useMeta } from './use-meta.js';
import { bodyLines, docView, fileLine, lineTone, metaStatus, nodeLine } from './views.js';

const FIELD_PROMPTS: Record<MetaField, string> = { file: 'META document file> ', node: 'node (IP)> ' };
const HEADER_ROWS = 5;

export interface MetaPaneViewProps extends PaneProps<'meta'> {
  /** A controller made outside (tests); by default the pane makes one from its params. */
  controller?: MetaController;
}

export function MetaPaneView({ session, sessionProblem, width, height, shell, selectedNodes, params, controller }: MetaPaneViewProps) {
  const { controller: c, state: s } = useMeta(session, sessionProblem, selectedNodes, params, controller);
  const prompt = usePrompt(shell);
  const field = useTextEntry<MetaField>(shell, {
    onSubmit(name, value) {
      const v = value.trim();
      if (v === '') return;
      if (name === 'file') c.open(v);
      else c.typeNode(v);
    },
  });

  function confirmWrite() {
    const req = c.writeRequest();
    if (!req) return;
    prompt.confirm({
      title: `Write META ${META_NETWORK_ID} (network config) on ${req.node}?`,
      detail: [req.summary, 'Talos applies it as the platform network config.'],
      expect: req.node,
      onConfirm: () => void c.write(req),
    });
  }

  function confirmDelete() {
    const n = nodeOf(c.current);
    if (!n) return;
    prompt.confirm({
      title: `Delete META ${META_NETWORK_ID} (network config) of ${n}?`,
      detail: ['The node falls back to its other network configuration at the next boot.'],
      expect: n,
      onConfirm: () => void c.delete(n),
    });
  }

  function askRoutePath() {
    prompt.askPath({
      title: 'Save the boot-time route (INSTALLER_META_BASE64, kernel argument, imager flag) to',
      initial: './meta-boot-route.txt',
      onSubmit: (p) => void c.saveRoute(p),
    });
  }

  const w = Math.max(10, width - 2);
  const fieldRows = field.field !== null ? 1 : 0;
  const bodyRows = Math.max(2, height - HEADER_ROWS - fieldRows - prompt.rows);
  const body = s.output ?? docView(s, shortPath, w);
  const lines = bodyLines(body, w, bodyRows);
  const setScroll = (next: number | ((top: number) => number)) => c.scrollTo(typeof next === 'function' ? next(c.current.scroll) : next);
  const { top, actions: scrollActions } = documentScroll(s.scroll, setScroll, lines.length, bodyRows);
  const actions =
    prompt.open || field.field !== null
      ? []
      : [...metaActions({ controller: c, hasSession: session !== null, openField: (f, initial) => field.open(f, initial), confirmWrite, confirmDelete, askRoutePath }), ...scrollActions];
  usePaneActions(shell, actions);
  usePaneWork(shell, s.busy);
  useRecordNote(shell, s.note);

  return (
    <DocumentView
      width={width}
      height={height}
      heading={fileLine(s, shortPath)}
      subheading={nodeLine(s, session !== null, sessionProblem)}
      status={metaStatus(s)}
      title={body.title}
      lines={lines}
      top={top}
      bodyRows={bodyRows}
      diff={s.output?.title.startsWith('diff') ?? false}
      lineTone={(line) => lineTone(s, body, line)}
    >
      {field.field !== null ? <TextField prompt={FIELD_PROMPTS[field.field]} value={field.value} width={w} /> : null}
      {prompt.render(w)}
    </DocumentView>
  );
}

export default function MetaPane(props: PaneProps<'meta'>) {
  return <MetaPaneView {...props} />;
}
