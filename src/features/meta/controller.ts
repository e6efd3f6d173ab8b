// The META pane's controller, outside React: it watches the document file (a read every pollMs, so
// the admin edits it in their own editor and sees problems or "valid" on every save; survives editors
// that replace the file), talks to the node through src/ops/meta.ts (get, diff, write, delete), builds
// the boot-time route, writes the template and the saved route (atomic, 0600) and runs the editor.
// It turns the outcomes into MetaEvents for the pure reducer (state.ts) and publishes the state
// through a ThrottledStore; the pane only draws it and asks the questions.
import path from 'node:path';
import { ReducerStore } from '../../core/reducer-store.js';
import { diffStat, unifiedDiff } from '../../core/diff/unified.js';
import { displayPath } from '../../core/display-path.js';
import { encodeProblem, KERNEL_CMDLINE_MAX, META_NETWORK_ID, parseMetaNetworkConfig, renderMetaNetworkConfig, summarize } from '../../core/meta/index.js';
import { FileTargetError, writeFileAtomic } from '../../io/atomic-file.js';
import { readUserFile, UserFileError } from '../../io/user-file.js';
import { bootRoute, deleteMetaNetwork, isMaintenanceRefusal, qrCode, readMetaNetwork, writeMetaNetwork } from '../../ops/meta.js';
import { Code, insecureClient, TalosError, type NodeTarget, type TalosSession } from '../../talos/index.js';
import { copyToClipboard } from '../../ui/clipboard.js';
import { editInTerminal, editorCommand } from '../../ui/editor.js';
import { errorLine } from '../../ui/text.js';
import type { Note } from '../../ui/DocumentView.js';
import { META_TEMPLATE } from './template.js';
import { BOOT_ROUTE_TITLE, compactOf, initialMetaState, isValid, metaReducer, nodeOf, type Doc, type MetaEvent, type MetaState } from './state.js';

export const DEFAULT_POLL_MS = 1000;

/** A path as the user reads it: ./relative inside the current directory. */
export const shortPath = (p: string): string => displayPath(p, process.cwd(), { dotSlash: true });

/** Read the file: its text (parsed, rendered back), or that it is missing, or why it cannot be read. */
export function readDoc(file: string): { doc: Doc; key: string } {
  try {
    const text = readUserFile(file, 'META document', { shown: shortPath(file) });
    const parsed = parseMetaNetworkConfig(text);
    return { doc: { kind: 'read', text, parsed, canonical: parsed.config ? renderMetaNetworkConfig(parsed.config) : '' }, key: `t:${text}` };
  } catch (err) {
    if (err instanceof UserFileError && err.problem === 'missing') return { doc: { kind: 'missing' }, key: 'missing' };
    const m = errorLine(err);
    return { doc: { kind: 'unreadable', error: m }, key: `e:${m}` };
  }
}

export interface MetaControllerOptions {
  file?: string | null;
  node?: string | null;
  insecure?: boolean;
  pollMs?: number;
  /** The first selected node (calls go there until a node is typed). */
  selected?: string | null;
}

const MAINTENANCE_NOTE = (n: string): Note => ({ text: `${n} is in maintenance mode: nothing was written, pass the document at boot (shown below)`, tone: 'warn' });

export class MetaController extends ReducerStore<MetaState, MetaEvent> {
  private session: TalosSession | null = null;
  private sessionProblem: string | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly pollMs: number;
  /** Reads of the watched file since the start (tests wait for polls by it, never by sleeping). */
  reads = 0;

  constructor(o: MetaControllerOptions = {}) {
    const file = o.file ? path.resolve(o.file) : null;
    const start = { ...initialMetaState({ file, node: o.node ?? null, insecure: o.insecure === true }), selectedNode: o.selected ?? null };
    // The first frame already shows the file as it is.
    super(metaReducer, file ? metaReducer(start, { type: 'read', ...readDoc(file) }) : start);
    this.pollMs = o.pollMs ?? DEFAULT_POLL_MS;
    if (file) {
      this.reads = 1;
      this.watch();
    }
  }

  private note(text: string, tone: Note['tone']): void {
    this.dispatch({ type: 'note', note: { text, tone } });
  }

  setSession(session: TalosSession | null, problem: string | null): void {
    this.session = session;
    this.sessionProblem = problem;
  }

  setSelectedNode(node: string | null): void {
    this.dispatch({ type: 'selected', node });
  }

  private reload(watched = false): void {
    const file = this.current.file;
    if (!file) return;
    const { doc, key } = this.read(file);
    this.dispatch({ type: 'read', doc, key, ...(watched ? { watched: shortPath(file) } : {}) });
  }

  private read(file: string): { doc: Doc; key: string } {
    this.reads++;
    return readDoc(file);
  }

  private watch(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => this.reload(true), this.pollMs);
  }

  /** o: watch another file. */
  open(typed: string): void {
    const file = path.resolve(typed);
    this.dispatch({ type: 'opened', file, note: { text: `watching ${shortPath(file)}: edit it in your editor, every save is checked`, tone: 'info' } });
    this.reload();
    this.watch();
  }

  typeNode(node: string): void {
    this.dispatch({ type: 'node-typed', node });
  }
  toggleInsecure(): void {
    this.dispatch({ type: 'insecure-toggled' });
  }
  back(): void {
    this.dispatch({ type: 'back' });
  }
  scrollTo(top: number): void {
    this.dispatch({ type: 'scroll', top });
  }

  private target(node: string): { target: NodeTarget; close(): void } {
    if (this.current.insecure) {
      const c = insecureClient(node);
      return { target: c, close: () => c.close() };
    }
    if (!this.session) throw new Error(`no session to reach ${node} over mTLS: ${this.sessionProblem ?? 'no talosconfig'} (i switches to maintenance)`);
    return { target: this.session.target(node), close: () => undefined };
  }

  /** The node's stored 0x0a, or null when the key is not set. */
  private async readNode(node: string): Promise<string | null> {
    const t = this.target(node);
    try {
      return await readMetaNetwork(t.target);
    } finally {
      t.close();
    }
  }

  /** g: the node's current 0x0a. */
  async get(): Promise<void> {
    const n = nodeOf(this.current);
    if (!n) return;
    this.dispatch({ type: 'busy', busy: `reading META ${META_NETWORK_ID} of ${n}…` });
    try {
      const value = await this.readNode(n);
      if (value === null) {
        const none = `${n} has no META network config (key ${META_NETWORK_ID} is not set)`;
        this.dispatch({ type: 'output', output: { title: `${n}: META ${META_NETWORK_ID}`, lines: [none] } });
        this.note(none, 'info');
      } else {
        this.dispatch({ type: 'output', output: { title: `${n}: stored META ${META_NETWORK_ID}`, lines: value.replace(/\n$/, '').split('\n') } });
        this.note(`read META ${META_NETWORK_ID} of ${n}`, 'ok');
      }
    } catch (err) {
      this.note(`cannot read META of ${n}: ${errorLine(err)}`, 'error');
    } finally {
      this.dispatch({ type: 'busy', busy: null });
    }
  }

  /** D: the node's current document against the file's canonical render. */
  async diff(): Promise<void> {
    const n = nodeOf(this.current);
    if (!n) return;
    this.dispatch({ type: 'busy', busy: `reading META ${META_NETWORK_ID} of ${n} to compare…` });
    try {
      const value = (await this.readNode(n)) ?? '';
      const theirs = parseMetaNetworkConfig(value);
      const current = value.trim() !== '' && theirs.config ? renderMetaNetworkConfig(theirs.config) : value;
      const { file, doc } = this.current;
      const fileName = file ? shortPath(file) : 'file';
      const d = unifiedDiff(current, doc?.kind === 'read' ? doc.canonical : '', { fromName: `${n} (stored)`, toName: `${fileName} (canonical)` });
      const { removed, added } = diffStat(d);
      this.dispatch({ type: 'output', output: { title: `diff: ${n} (stored) -> ${fileName} (canonical)`, lines: d.length > 0 ? d : ['no differences: the node stores this document'] } });
      this.note(d.length > 0 ? `${removed} line(s) removed, ${added} added between ${n} and the file` : `${n} already stores this document`, 'info');
    } catch (err) {
      this.note(`cannot compare with ${n}: ${errorLine(err)}`, 'error');
    } finally {
      this.dispatch({ type: 'busy', busy: null });
    }
  }

  /** b (or a maintenance node's refusal): the boot-time route, then its QR code when it is made. */
  showRoute(why: string | null): void {
    const compact = compactOf(this.current);
    const bad = encodeProblem(compact);
    if (bad) {
      this.dispatch({ type: 'output', output: { title: BOOT_ROUTE_TITLE, lines: [...(why ? [why] : []), `the boot-time route cannot carry this file: ${bad}`], tone: 'error' } });
      return;
    }
    try {
      const route = bootRoute(compact);
      this.dispatch({ type: 'route', route });
      const head = why ? [`# ${why}`, '# boot it with this instead:', ''] : [];
      const tooLong =
        route.kernelArg.length > KERNEL_CMDLINE_MAX
          ? ['', `# warning: the kernel argument is ${route.kernelArg.length} bytes, more than the ${KERNEL_CMDLINE_MAX}-byte kernel command line: use the imager's --meta`]
          : [];
      const lines = [...head, ...route.lines, ...tooLong];
      this.dispatch({ type: 'output', output: { title: BOOT_ROUTE_TITLE, lines } });
      void qrCode(route.kernelArg)
        .then((qr) => this.dispatch({ type: 'output-extended', to: lines, lines: ['', '# QR code of the kernel argument:', ...qr.replace(/\n$/, '').split('\n')] }))
        .catch((err: unknown) => this.dispatch({ type: 'output-extended', to: lines, lines: ['', `# no QR code: ${errorLine(err)}`] }));
    } catch (err) {
      this.note(errorLine(err), 'error');
    }
  }

  /**
   * w, first half: a maintenance node gets the boot-time route (nothing is sent) and null comes back;
   * otherwise what to confirm: the node, the document as read now and its one-line summary.
   */
  writeRequest(): { node: string; text: string; summary: string } | null {
    const s = this.current;
    const n = nodeOf(s);
    if (!n || !isValid(s) || s.doc?.kind !== 'read') return null;
    if (s.insecure) {
      this.showRoute(`${n} is in maintenance mode: Talos does not allow META writes without a client certificate, so nothing is sent`);
      this.dispatch({ type: 'note', note: MAINTENANCE_NOTE(n) });
      return null;
    }
    return { node: n, text: s.doc.text, summary: s.doc.parsed.config ? summarize(s.doc.parsed.config) : '' };
  }

  /** w, confirmed. A node that refuses as in maintenance gets the boot-time route. */
  async write(req: { node: string; text: string; summary: string }): Promise<void> {
    const n = req.node;
    this.dispatch({ type: 'busy', busy: `writing META ${META_NETWORK_ID} on ${n}…` });
    let t: { target: NodeTarget; close(): void } | null = null;
    try {
      t = this.target(n);
      await writeMetaNetwork(t.target, req.text);
      this.note(`${n}: META network config (key ${META_NETWORK_ID}) written: ${req.summary}`, 'ok');
    } catch (err) {
      if (isMaintenanceRefusal(err)) {
        this.showRoute(`${n} refused (maintenance mode): Talos does not allow META writes without a client certificate`);
        this.dispatch({ type: 'note', note: MAINTENANCE_NOTE(n) });
      } else this.note(`META write on ${n} failed: ${errorLine(err)}`, 'error');
    } finally {
      t?.close();
      this.dispatch({ type: 'busy', busy: null });
    }
  }

  /** x, confirmed: delete the node's 0x0a over mTLS. */
  async delete(n: string): Promise<void> {
    if (!this.session) return;
    this.dispatch({ type: 'busy', busy: `deleting META ${META_NETWORK_ID} of ${n}…` });
    try {
      await deleteMetaNetwork(this.session.target(n));
      this.note(`${n}: META network config (key ${META_NETWORK_ID}) deleted`, 'ok');
    } catch (err) {
      const unset = err instanceof TalosError && err.code === Code.NOT_FOUND;
      this.note(unset ? `${n} has no META network config (key ${META_NETWORK_ID} is not set): nothing to delete` : `META delete on ${n} failed: ${errorLine(err)}`, 'error');
    } finally {
      this.dispatch({ type: 'busy', busy: null });
    }
  }

  /** t: a commented template where no file is (atomic, 0600, never over an existing file); true when written. */
  async writeTemplate(): Promise<boolean> {
    const file = this.current.file;
    if (!file) return false;
    try {
      await writeFileAtomic(file, META_TEMPLATE, { what: 'the META template' });
      this.note(`template written to ${shortPath(file)}: e edits it`, 'ok');
      this.reload();
      return true;
    } catch (err) {
      const exists = err instanceof FileTargetError && /already exists/.test(err.message);
      // A file that appeared meanwhile is read now, so the next poll does not call it a change and
      // bury the reason under "changed: checked again".
      if (exists) this.reload();
      this.note(exists ? `${shortPath(file)} exists: the template does not overwrite it` : `template not written: ${errorLine(err)}`, 'error');
      return false;
    }
  }

  /** e: the file in $VISUAL / $EDITOR (the template first when it does not exist), then checked again. */
  async edit(): Promise<void> {
    const file = this.current.file;
    if (!file) return;
    if (this.current.doc?.kind === 'missing' && !(await this.writeTemplate())) return;
    const problem = editInTerminal(file);
    this.dispatch({ type: 'opened', file, note: problem ? { text: problem, tone: 'error' } : { text: `edited ${shortPath(file)} in ${editorCommand()}: checked again (it is still watched)`, tone: 'info' } });
    this.reload();
  }

  /** s on the boot-time route: the three forms to a file (0600, atomic). */
  async saveRoute(typed: string): Promise<void> {
    const route = this.current.route;
    if (!route) return;
    try {
      const r = await writeFileAtomic(path.resolve(typed), `${route.lines.join('\n')}\n`, { what: 'the boot-time route' });
      this.note(`boot-time route saved to ${shortPath(r.path)} (0600)`, 'ok');
    } catch (err) {
      this.note(`boot-time route not saved: ${errorLine(err)}`, 'error');
    }
  }

  /** c on the boot-time route: the kernel argument to the clipboard (OSC 52). */
  copyKernelArg(): void {
    const route = this.current.route;
    if (!route) return;
    copyToClipboard(route.kernelArg);
    this.note(`copied the kernel argument (${route.kernelArg.length} bytes) to the clipboard (OSC 52)`, 'ok');
  }

  override dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    super.dispose();
  }
}
