// The META pane (key 3): author the META network config (key 0x0a) in a file with live validation.
// `o` opens a file (the pane re-reads it every second, so the admin edits it in their own editor and
// sees problems or "valid" on every save), `t` writes a commented template where none exists, `g` reads
// the node's current 0x0a, `D` diffs it against the file's canonical render, `w` writes it over mTLS
// (type the node name), `x` deletes it, `e` gives the boot-time route (INSTALLER_META_BASE64, kernel
// argument, imager --meta, QR code of the kernel argument) for nodes in maintenance mode, which
// refuse META writes.
import { documentScroll, DocumentView, type Note } from '../../ui/DocumentView.js';
import type { MessageTone } from '../../core/tone.js';
import { FileTargetError, writeFileAtomic } from '../../io/atomic-file.js';
import { readUserFile, UserFileError } from '../../io/user-file.js';
import path from 'node:path';
import { useEffect, useMemo, useRef, useState } from 'react';
import { usePaneActions, usePaneWork, useRecordNote, type Action, type PaneProps } from '../../ui/pane-types.js';
import { usePrompt } from '../../ui/use-prompt.js';
import { TextField, useTextEntry } from '../../ui/text-entry/index.js';
import { displayWidth, errorLine, wrapWords } from '../../ui/text.js';
import { Code, insecureClient, TalosError, type NodeTarget } from '../../talos/index.js';
import {
  encodeProblem, errorsOf, formatProblem, KERNEL_CMDLINE_MAX, META_NETWORK_ID, parseMetaNetworkConfig, renderMetaNetworkConfig, summarize, type MetaParseResult, META_ENV_VAR,
} from '../../core/meta/index.js';
import { diffStat, unifiedDiff } from '../../core/diff/unified.js';
import { bootRoute, deleteMetaNetwork, isMaintenanceRefusal, qrCode, readMetaNetwork, writeMetaNetwork, type BootRoute } from '../../ops/meta.js';
import { editInTerminal, editorCommand } from '../../ui/editor.js';
import { copyToClipboard } from '../../ui/clipboard.js';
import { META_TEMPLATE } from './template.js';
import { displayPath } from '../../core/display-path.js';

export const DEFAULT_META_FILE = './meta-network.yaml';
export const DEFAULT_POLL_MS = 1000;

type Field = 'file' | 'node';
interface Output {
  title: string;
  lines: string[];
  tone?: MessageTone;
}
/** What the file holds as of the last read. */
type Doc = { kind: 'missing' } | { kind: 'unreadable'; error: string } | { kind: 'read'; text: string; parsed: MetaParseResult };

const FIELD_PROMPTS: Record<Field, string> = { file: 'META document file> ', node: 'node (IP)> ' };

const shortPath = (p: string): string => displayPath(p, process.cwd(), { dotSlash: true });

/** Read the file: its text (parsed), or that it is missing, or why it cannot be read. */
export function readDoc(file: string): { doc: Doc; key: string } {
  try {
    const text = readUserFile(file, 'META document', { shown: shortPath(file) });
    return { doc: { kind: 'read', text, parsed: parseMetaNetworkConfig(text) }, key: `t:${text}` };
  } catch (err) {
    if (err instanceof UserFileError && err.problem === 'missing') return { doc: { kind: 'missing' }, key: 'missing' };
    const m = errorLine(err);
    return { doc: { kind: 'unreadable', error: m }, key: `e:${m}` };
  }
}


/** Cut lines longer than `w` columns into pieces (base64 must stay whole to be copied). */
function hardWrap(lines: readonly string[], w: number): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (line.length <= w) out.push(line);
    else for (let i = 0; i < line.length; i += w) out.push(line.slice(i, i + w));
  }
  return out;
}

/** Wrap a problem sentence at word boundaries (a word wider than the pane is cut), continuation lines indented. */
export function wrapProblem(line: string, w: number): string[] {
  if (line.length <= w) return [line];
  const inner = Math.max(1, w - 2);
  const words = line.split(/\s+/).filter((x) => x !== '').flatMap((word) => hardWrap([word], inner));
  const first = wrapWords(words.join(' '), w)[0]!;
  const firstWords = first.split(' ').length;
  const rest = words.slice(firstWords).join(' ');
  return rest === '' ? [first] : [first, ...wrapWords(rest, inner).map((l) => `  ${l}`)];
}

export default function MetaPane({ session, sessionProblem, width, height, shell, selectedNodes, params }: PaneProps<'meta'>) {
  const initialFile = typeof params?.file === 'string' ? path.resolve(params.file) : null;
  const pollMs = typeof params?.pollMs === 'number' ? params.pollMs : DEFAULT_POLL_MS;
  const [file, setFile] = useState<string | null>(initialFile);
  const [doc, setDoc] = useState<Doc | null>(() => (initialFile ? readDoc(initialFile).doc : null));
  const docKey = useRef<string | null>(null);
  const [typedNode, setTypedNode] = useState<string | null>(typeof params?.node === 'string' ? params.node : null);
  const [insecure, setInsecure] = useState(params?.insecure === true);
  const [output, setOutput] = useState<Output | null>(null);
  const [scroll, setScroll] = useState(0);
  const [note, setNote] = useState<Note | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const prompt = usePrompt(shell);
  /** The boot-time route last shown (what `s` saves and `c` copies). */
  const routeRef = useRef<BootRoute | null>(null);
  const node = typedNode ?? selectedNodes[0] ?? null;

  const entry = useTextEntry<Field>(shell, {
    onSubmit(field, value) {
      const v = value.trim();
      if (v === '') return;
      if (field === 'file') {
        const f = path.resolve(v);
        docKey.current = null;
        setFile(f);
        reload(f);
        setOutput(null);
        setScroll(0);
        setNote({ text: `watching ${shortPath(f)}: edit it in your editor, every save is checked`, tone: 'info' });
      } else {
        setTypedNode(v);
        setOutput(null);
        setNote({ text: `node ${v}: ${insecure ? 'maintenance (insecure)' : 'configured (mTLS over the session)'}, i switches`, tone: 'info' });
      }
    },
  });

  function reload(f: string, watched = false) {
    const { doc: d, key } = readDoc(f);
    if (key === docKey.current) return;
    const first = docKey.current === null;
    docKey.current = key;
    setDoc(d);
    if (!first) {
      // The file changed: what was shown (export, diff) described the old text.
      setOutput(null);
      setScroll(0);
      // So did the message about it (a diff's count, a write, the template): the file is re-validated.
      if (watched) setNote({ text: `${shortPath(f)} changed: checked again`, tone: 'info' });
    }
  }

  // Watch the file: a read every pollMs (survives editors that replace the file on save).
  useEffect(() => {
    if (!file) return;
    reload(file);
    const t = setInterval(() => reload(file, true), pollMs);
    return () => clearInterval(t);
  }, [file, pollMs]);

  const parsed = doc?.kind === 'read' ? doc.parsed : null;
  const errors = parsed ? (parsed.config === null ? 1 : errorsOf(parsed.problems).length) : 0;
  const valid = parsed !== null && parsed.config !== null && errors === 0 && doc?.kind === 'read' && doc.text.trim() !== '';
  const text = doc?.kind === 'read' ? doc.text : '';
  const canonical = useMemo(() => (parsed?.config ? renderMetaNetworkConfig(parsed.config) : ''), [parsed]);
  const mtls = session !== null && !insecure;
  const idle = busy === null;

  function target(): { target: NodeTarget; close(): void } {
    if (!node) throw new Error('no node: press n to type one');
    if (insecure) {
      const c = insecureClient(node);
      return { target: c, close: () => c.close() };
    }
    if (!session) throw new Error(`no session to reach ${node} over mTLS: ${sessionProblem ?? 'no talosconfig'} (i switches to maintenance)`);
    return { target: session.target(node), close: () => undefined };
  }

  /** The node's stored 0x0a, or null when the key is not set. */
  async function readNode(): Promise<string | null> {
    const t = target();
    try {
      return await readMetaNetwork(t.target);
    } finally {
      t.close();
    }
  }

  async function get() {
    const n = node!;
    setBusy(`reading META ${META_NETWORK_ID} of ${n}…`);
    try {
      const value = await readNode();
      if (value === null) {
        setOutput({ title: `${n}: META ${META_NETWORK_ID}`, lines: [`${n} has no META network config (key ${META_NETWORK_ID} is not set)`] });
        setNote({ text: `${n} has no META network config (key ${META_NETWORK_ID} is not set)`, tone: 'info' });
      } else {
        setOutput({ title: `${n}: stored META ${META_NETWORK_ID}`, lines: value.replace(/\n$/, '').split('\n') });
        setNote({ text: `read META ${META_NETWORK_ID} of ${n}`, tone: 'ok' });
      }
      setScroll(0);
    } catch (err) {
      setNote({ text: `cannot read META of ${n}: ${errorLine(err)}`, tone: 'error' });
    } finally {
      setBusy(null);
    }
  }

  async function diff() {
    const n = node!;
    setBusy(`reading META ${META_NETWORK_ID} of ${n} to compare…`);
    try {
      const value = (await readNode()) ?? '';
      const theirs = parseMetaNetworkConfig(value);
      const current = value.trim() !== '' && theirs.config ? renderMetaNetworkConfig(theirs.config) : value;
      const fileName = file ? shortPath(file) : 'file';
      const d = unifiedDiff(current, canonical, { fromName: `${n} (stored)`, toName: `${fileName} (canonical)` });
      const { removed, added } = diffStat(d);
      setOutput({ title: `diff: ${n} (stored) -> ${fileName} (canonical)`, lines: d.length > 0 ? d : ['no differences: the node stores this document'] });
      setNote({ text: d.length > 0 ? `${removed} line(s) removed, ${added} added between ${n} and the file` : `${n} already stores this document`, tone: 'info' });
      setScroll(0);
    } catch (err) {
      setNote({ text: `cannot compare with ${n}: ${errorLine(err)}`, tone: 'error' });
    } finally {
      setBusy(null);
    }
  }

  /** What the boot-time route carries: the canonical render (no comments, so the QR code stays small). */
  const compact = canonical !== '' ? canonical : text;

  function showRoute(why: string | null) {
    const bad = encodeProblem(compact);
    if (bad) {
      setOutput({ title: 'boot-time route', lines: [...(why ? [why] : []), `the boot-time route cannot carry this file: ${bad}`], tone: 'error' });
      return;
    }
    try {
      const route = bootRoute(compact);
      routeRef.current = route;
      const head = why ? [`# ${why}`, '# boot it with this instead:', ''] : [];
      const tooLong = route.kernelArg.length > KERNEL_CMDLINE_MAX
        ? ['', `# warning: the kernel argument is ${route.kernelArg.length} bytes, more than the ${KERNEL_CMDLINE_MAX}-byte kernel command line: use the imager's --meta`]
        : [];
      const lines = [...head, ...route.lines, ...tooLong];
      setOutput({ title: 'boot-time route', lines });
      setScroll(0);
      void qrCode(route.kernelArg)
        .then((qr) => setOutput((o) => (o && o.lines === lines ? { ...o, lines: [...lines, '', '# QR code of the kernel argument:', ...qr.replace(/\n$/, '').split('\n')] } : o)))
        .catch((err: unknown) => setOutput((o) => (o && o.lines === lines ? { ...o, lines: [...lines, '', `# no QR code: ${errorLine(err)}`] } : o)));
    } catch (err) {
      setNote({ text: errorLine(err), tone: 'error' });
    }
  }

  function confirmWrite() {
    if (!node || !valid) return;
    const n = node;
    if (insecure) {
      showRoute(`${n} is in maintenance mode: Talos does not allow META writes without a client certificate, so nothing is sent`);
      setNote({ text: `${n} is in maintenance mode: nothing was written, pass the document at boot (shown below)`, tone: 'warn' });
      return;
    }
    const docText = text;
    const summary = parsed?.config ? summarize(parsed.config) : '';
    prompt.confirm({
      title: `Write META ${META_NETWORK_ID} (network config) on ${n}?`,
      detail: [summary, 'Talos applies it as the platform network config.'],
      expect: n,
      onConfirm: () => {
        setBusy(`writing META ${META_NETWORK_ID} on ${n}…`);
        let t: { target: NodeTarget; close(): void } | null = null;
        void (async () => {
          try {
            t = target();
            await writeMetaNetwork(t.target, docText);
            setNote({ text: `${n}: META network config (key ${META_NETWORK_ID}) written: ${summary}`, tone: 'ok' });
          } catch (err) {
            if (isMaintenanceRefusal(err)) {
              showRoute(`${n} refused (maintenance mode): Talos does not allow META writes without a client certificate`);
              setNote({ text: `${n} is in maintenance mode: nothing was written, pass the document at boot (shown below)`, tone: 'warn' });
            } else setNote({ text: `META write on ${n} failed: ${errorLine(err)}`, tone: 'error' });
          } finally {
            t?.close();
            setBusy(null);
          }
        })();
      },
    });
  }

  function confirmDelete() {
    if (!node || !mtls) return;
    const n = node;
    prompt.confirm({
      title: `Delete META ${META_NETWORK_ID} (network config) of ${n}?`,
      detail: ['The node falls back to its other network configuration at the next boot.'],
      expect: n,
      onConfirm: () => {
        setBusy(`deleting META ${META_NETWORK_ID} of ${n}…`);
        deleteMetaNetwork(session!.target(n))
          .then(() => setNote({ text: `${n}: META network config (key ${META_NETWORK_ID}) deleted`, tone: 'ok' }))
          .catch((err: unknown) =>
            setNote({
              text: err instanceof TalosError && err.code === Code.NOT_FOUND ? `${n} has no META network config (key ${META_NETWORK_ID} is not set): nothing to delete` : `META delete on ${n} failed: ${errorLine(err)}`,
              tone: 'error',
            }),
          )
          .finally(() => setBusy(null));
      },
    });
  }

  /** e: the file in $VISUAL / $EDITOR (the template first when it does not exist), then checked again. */
  async function editFile() {
    if (!file) return;
    if (doc?.kind === 'missing' && !(await writeTemplate())) return;
    const problem = editInTerminal(file);
    docKey.current = null;
    reload(file);
    setOutput(null);
    setScroll(0);
    setNote(problem ? { text: problem, tone: 'error' } : { text: `edited ${shortPath(file)} in ${editorCommand()}: checked again (it is still watched)`, tone: 'info' });
  }

  /** s on the boot-time route: the three forms to a file (0600, atomic). */
  function saveRoute() {
    const route = routeRef.current;
    if (!route) return;
    prompt.askPath({
      title: 'Save the boot-time route (INSTALLER_META_BASE64, kernel argument, imager flag) to',
      initial: './meta-boot-route.txt',
      onSubmit: (p) => {
        writeFileAtomic(path.resolve(p), `${route.lines.join('\n')}\n`, { what: 'the boot-time route' }).then(
          (r) => setNote({ text: `boot-time route saved to ${shortPath(r.path)} (0600)`, tone: 'ok' }),
          (err: unknown) => setNote({ text: `boot-time route not saved: ${errorLine(err)}`, tone: 'error' }),
        );
      },
    });
  }

  /** t: a commented template where no file is (atomic, 0600, never over an existing file); true when written. */
  async function writeTemplate(): Promise<boolean> {
    if (!file) return false;
    try {
      await writeFileAtomic(file, META_TEMPLATE, { what: 'the META template' });
      setNote({ text: `template written to ${shortPath(file)}: e edits it`, tone: 'ok' });
      reload(file);
      return true;
    } catch (err) {
      setNote({ text: err instanceof FileTargetError && /already exists/.test(err.message) ? `${shortPath(file)} exists: the template does not overwrite it` : `template not written: ${errorLine(err)}`, tone: 'error' });
      return false;
    }
  }

  // ---- layout
  const w = Math.max(10, width - 2);
  const headerRows = 5;
  const fieldRows = entry.field !== null ? 1 : 0;
  const bodyRows = Math.max(2, height - headerRows - fieldRows - prompt.rows);

  const docView: Output = (() => {
    if (!file || !doc) return { title: 'no file', lines: [`Press o to open a META document file (default ${DEFAULT_META_FILE}).`] };
    if (doc.kind === 'missing') return { title: `no such file: ${shortPath(file)}`, lines: ['The file does not exist: press t to write a commented template there.'] };
    if (doc.kind === 'unreadable') return { title: 'cannot read', lines: [doc.error], tone: 'error' };
    const p = doc.parsed;
    if (p.config === null) return { title: 'not a YAML mapping', lines: [`error: ${p.syntaxError ?? 'not a YAML mapping'}`], tone: 'error' };
    const lines = p.problems.flatMap((x) => wrapProblem(x.severity === 'error' ? `error: ${formatProblem(x)}` : formatProblem(x), w));
    if (lines.length > 0) lines.push('');
    lines.push(...canonical.replace(/\n$/, '').split('\n'));
    const warnings = p.problems.length - errorsOf(p.problems).length;
    return { title: `${errors > 0 ? `${errors} error(s)` : 'valid'}${warnings > 0 ? `, ${warnings} warning(s)` : ''} · canonical preview`, lines };
  })();
  const body: Output = output ?? docView;
  // The boot-time route: long lines (base64) are cut into pieces to stay whole, and the QR code is shown
  // only when it fits; otherwise one sentence says so (the text above it is what matters).
  let bodyLines = body.lines;
  if (output?.title === 'boot-time route') {
    const qrAt = body.lines.indexOf('# QR code of the kernel argument:');
    const text = qrAt >= 0 ? body.lines.slice(0, qrAt) : body.lines;
    // The sentences before the variable (why nothing was written) wrap at words; the rest is cut to stay copyable.
    const envAt = text.findIndex((l) => l.startsWith(`${META_ENV_VAR}=`));
    const head = [...text.slice(0, Math.max(0, envAt)).flatMap((l) => wrapProblem(l, w)), ...hardWrap(text.slice(Math.max(0, envAt)), w)];
    bodyLines = head;
    if (qrAt >= 0) {
      const qr = body.lines.slice(qrAt + 1);
      const qrWidth = Math.max(...qr.map((l) => displayWidth(l)));
      // The body scrolls, so the code only has to fit one screen of it (it comes after the text).
      if (qrWidth <= w && qr.length + 1 <= bodyRows) bodyLines = [...head, body.lines[qrAt]!, ...qr];
      else bodyLines = [...wrapWords(`# the QR code of the kernel argument needs ${qr.length + 1} rows x ${qrWidth} columns, the pane shows ${bodyRows} x ${w}: enlarge the terminal to see it (the text below is the same)`, w), '', ...head];
    }
  }
  const { top, actions: scrollActions } = documentScroll(scroll, setScroll, bodyLines.length, bodyRows);

  const actions: Action[] =
    prompt.open || entry.field !== null
      ? []
      : [
          { key: 'o', label: 'open', help: 'open a META document file (the pane re-validates it on every save)', run: () => entry.open('file', file ? shortPath(file) : DEFAULT_META_FILE) },
          { key: 't', label: 'template', help: 'write a commented template to the file (never overwrites)', when: () => file !== null && doc?.kind === 'missing', run: () => void writeTemplate() },
          { key: 'n', label: 'node', help: 'type the node (IP) to read, compare and write', run: () => entry.open('node', node ?? '') },
          { key: 'i', label: insecure ? 'maint.' : 'mTLS', hidden: true, help: 'switch between maintenance (insecure, straight to the node) and configured (mTLS over the session)', when: () => idle, run: () => { setInsecure((v) => !v); setOutput(null); } },
          { key: 'g', label: 'get', help: `read the node's current META ${META_NETWORK_ID}`, when: () => idle && node !== null && (insecure || session !== null), run: () => void get() },
          { key: 'D', label: 'diff', help: "line diff: the node's current document against the file's canonical render", when: () => idle && node !== null && valid && (insecure || session !== null), run: () => void diff() },
          { key: 'w', label: 'write', dangerous: true, help: `write the file to the node's META ${META_NETWORK_ID} over mTLS (type the node name), a maintenance node gets the boot-time route`, when: () => idle && node !== null && valid && (insecure || session !== null), run: () => confirmWrite() },
          { key: 'e', label: 'edit', help: 'edit the file in $VISUAL / $EDITOR (the console steps aside until it exits; a missing file starts from the template), then check it again', when: () => file !== null && doc?.kind !== 'unreadable', run: () => void editFile() },
          { key: 'b', label: 'boot export', help: 'the boot-time route: INSTALLER_META_BASE64, the kernel argument (with its QR code) and the imager --meta', when: () => valid, run: () => showRoute(null) },
          { key: 's', label: 'save', help: 'boot-time route shown: save it to a file (0600)', when: () => output?.title === 'boot-time route' && routeRef.current !== null, run: () => saveRoute() },
          {
            key: 'c',
            label: 'copy',
            help: 'boot-time route shown: copy the kernel argument to the clipboard (OSC 52)',
            when: () => output?.title === 'boot-time route' && routeRef.current !== null,
            run: () => {
              copyToClipboard(routeRef.current!.kernelArg);
              setNote({ text: `copied the kernel argument (${routeRef.current!.kernelArg.length} bytes) to the clipboard (OSC 52)`, tone: 'ok' });
            },
          },
          { key: 'x', label: 'delete', dangerous: true, help: `delete the node's META ${META_NETWORK_ID} (type the node name)`, when: () => idle && node !== null && mtls, run: () => confirmDelete() },
          { key: 'escape', label: 'back', help: 'back to the problems and the canonical preview', when: () => output !== null, run: () => { setOutput(null); setScroll(0); } },
          ...scrollActions,
        ];
  usePaneActions(shell, actions);
  usePaneWork(shell, busy);
  useRecordNote(shell, note);

  const conn = insecure ? 'maintenance, insecure' : session ? 'configured, mTLS' : `no session: ${sessionProblem ?? 'loading…'}`;
  const state = !file ? 'none (o opens one)' : !doc ? '…' : doc.kind === 'missing' ? 'missing (t writes a template)' : doc.kind === 'unreadable' ? 'unreadable' : valid ? 'valid' : 'INVALID';
  const fileLine = `File ${file ? shortPath(file) : '-'} · ${state}`;
  const nodeLine = node ? `Node ${node} · ${conn}` : 'Node: none. Press n to type one, or select one in Discovery (1).';
  const status: Note | null = busy ? { text: busy, tone: 'info' } : note;
  const lineTone = (line: string): MessageTone | undefined =>
    body.tone ?? (output === null ? (line.startsWith('error: ') ? 'error' : line.startsWith('warning: ') ? 'warn' : undefined) : undefined);

  return (
    <DocumentView width={width} height={height} heading={fileLine} subheading={nodeLine} status={status} title={body.title} lines={bodyLines} top={top} bodyRows={bodyRows} diff={output?.title.startsWith('diff') ?? false} lineTone={lineTone}>
      {entry.field !== null ? <TextField prompt={FIELD_PROMPTS[entry.field]} value={entry.value} width={w} /> : null}
      {prompt.render(w)}
    </DocumentView>
  );
}
