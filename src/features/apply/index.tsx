// The Apply pane (key 2): runbook steps 6-11 for one node. Render its machine config from a base and
// patches (from the inventory entry Discovery sent, or typed), ask the node for a dry run (Talos's own
// summary and diff), apply it (type the node name), follow the reboot until the node answers over
// mutual TLS at its new address, bootstrap etcd once (guarded as `talos-tui bootstrap`), stream the
// health check, and save the kubeconfig (0600). Keys come from the action table (hint bar + help).
import { errorLine } from '../../ui/text.js';
import { documentScroll, DocumentView, type Note } from '../../ui/DocumentView.js';
import type { MessageTone } from '../../core/tone.js';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useEffect, useMemo, useRef, useState } from 'react';
import { usePaneActions, usePaneWork, useRecordNote, type Action, type PaneProps } from '../../ui/pane-types.js';
import { usePrompt } from '../../ui/use-prompt.js';
import { TextField, useTextEntry } from '../../ui/text-entry/index.js';
import { cluster, insecureClient, machine, TalosError, type TalosSession } from '../../talos/index.js';
import type { InventoryNode } from '../../core/inventory.js';
import { applyConfig, formatOutcome, type ApplyConnector, type ApplyMode } from '../../ops/apply-run.js';
import { hostPart, inputsFromInventory, machineTypeOf, renderInputs, shortPath, staticAddressOf, type ApplyInputs } from '../../ops/apply-inputs.js';
import { bootstrapRefusal, checkBootstrap } from '../../ops/bootstrap-guard.js';
import { followReboot, secs, type FollowPhase } from '../../ops/follow-reboot.js';
import { reachNode } from '../../ops/reach-node.js';
import { identifyNode } from '../../talos/identify.js';
import { defaultKubeconfigPath, describeSaved, saveKubeconfig } from '../../ops/kubeconfig.js';

/** ~/… for a path under the home directory (what the user typed or will recognise). */
const homePath = (p: string) => (p.startsWith(os.homedir() + path.sep) ? `~${p.slice(os.homedir().length)}` : shortPath(p));
const expandHome = (p: string) => (p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p);

/** The modes the pane cycles through with `m` (Talos's deprecated REBOOT is headless only). */
export const PANE_MODES: readonly ApplyMode[] = ['auto', 'no-reboot', 'staged', 'try'];
export const DEFAULT_FOLLOW_TIMEOUT_MS = 10 * 60_000;

type Field = 'node' | 'base' | 'patch';
interface Output {
  title: string;
  lines: string[];
}

const FIELD_PROMPTS: Record<Field, string> = { node: 'node (IP or IP:port)> ', base: 'base config file> ', patch: 'add patch file> ' };

export default function ApplyPane({ session, sessionProblem, width, height, shell, params }: PaneProps) {
  const [node, setNode] = useState<string | null>(null);
  const [entry, setEntry] = useState<Pick<InventoryNode, 'name' | 'role'> | null>(null);
  const [insecure, setInsecure] = useState(false);
  const [fingerprint, setFingerprint] = useState<string | null>(null);
  const [inputs, setInputs] = useState<ApplyInputs>({ base: null, patches: [] });
  const [mode, setMode] = useState<ApplyMode>('auto');
  const [output, setOutput] = useState<Output | null>(null);
  const [scroll, setScroll] = useState(0);
  const [note, setNote] = useState<Note | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [follow, setFollow] = useState<{ phase: FollowPhase; detail: string; started: number } | null>(null);
  const [renderNonce, setRenderNonce] = useState(0);
  /** The node this pane applied a worker config to (bootstrap is not offered there). */
  const [workerNode, setWorkerNode] = useState<string | null>(null);
  const [, setTick] = useState(0);
  const runRef = useRef<AbortController | null>(null);
  const noteRef = useRef<Note | null>(null);
  noteRef.current = note;
  const prompt = usePrompt(shell);
  const entryField = useTextEntry<Field>(shell, {
    onSubmit(field, value) {
      const v = value.trim();
      if (v === '') return;
      if (field === 'node') {
        stopRun();
        setNode(v);
        setEntry(null);
        setFingerprint(null);
        setFollow(null);
        // The previous node's patches (hostname, static address) are its own: they do not carry over.
        setInputs((i) => ({ ...i, patches: [] }));
        void identifyTyped(v);
      } else if (field === 'base') {
        setInputs((i) => ({ ...i, base: path.resolve(v) }));
        setNote(null); // the "press f to name the base" hint has been answered
      }
      else setInputs((i) => ({ ...i, patches: [...i.patches, path.resolve(v)] }));
      setOutput(null);
      setScroll(0);
      setRenderNonce((n) => n + 1);
    },
  });

  const followTimeoutMs = typeof params?.followTimeoutMs === 'number' ? params.followTimeoutMs : DEFAULT_FOLLOW_TIMEOUT_MS;
  const followIntervalMs = typeof params?.followIntervalMs === 'number' ? params.followIntervalMs : 1000;

  // A navigation from Discovery: its node, connection and inventory entry.
  useEffect(() => {
    if (!params || typeof params.node !== 'string') return;
    stopRun();
    const port = typeof params.port === 'number' ? params.port : 50000;
    setNode(port === 50000 ? params.node : `${params.node}:${port}`);
    setInsecure(params.insecure === true);
    setFingerprint(typeof params.certFingerprint === 'string' && params.certFingerprint !== '' ? params.certFingerprint : null);
    setFollow(null);
    setOutput(null);
    setScroll(0);
    const e = params.inventoryEntry as InventoryNode | null | undefined;
    setEntry(e ? { name: e.name, role: e.role } : null);
    if (e) {
      try {
        setInputs(inputsFromInventory(e, typeof params.inventory === 'string' ? params.inventory : null));
        setNote(null);
      } catch (err) {
        setInputs({ base: null, patches: [] });
        setNote({ text: errorLine(err), tone: 'error' });
      }
    } else {
      // The previous node's base and patches (hostname, static address) must not carry over to this one.
      setInputs({ base: null, patches: [] });
      setNote({ text: 'no inventory entry: press f to name the base config (controlplane.yaml or worker.yaml)', tone: 'info' });
    }
    setRenderNonce((n) => n + 1);
  }, [params]);

  useEffect(() => () => runRef.current?.abort(), []);
  useEffect(() => {
    if (follow?.phase !== 'going' && follow?.phase !== 'rebooting') return;
    const t = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(t);
  }, [follow?.phase]);

  // eslint-disable-next-line react-hooks/exhaustive-deps -- renderNonce re-reads the files on disk on purpose
  const rendered = useMemo(() => renderInputs(inputs), [inputs, renderNonce]);
  const host = node ? hostPart(node) : null;
  const mtls = session !== null && node !== null && !insecure;
  const following = follow !== null && (follow.phase === 'going' || follow.phase === 'rebooting');
  const idle = busy === null && !following;
  // A node this pane just made a worker has no etcd: bootstrap is not offered for it (the guard would refuse).
  const nodeIsWorker = workerNode !== null && workerNode === node;

  /** A typed node: ask it what it is (maintenance or configured) and pin what it presents, saying so. */
  async function identifyTyped(v: string) {
    const m = /^(.+):(\d+)$/.exec(v);
    const asking: Note = { text: `node ${v}: asking what it is…`, tone: 'info' };
    setNote(asking);
    const id = await identifyNode(m ? m[1]! : v, m ? Number(m[2]) : 50000, { session, timeoutMs: 3000 });
    // A late answer must not undo what the admin did meanwhile (another node, a bootstrap, i).
    if (noteRef.current !== asking) return;
    if (id.kind === 'maintenance') {
      setInsecure(true);
      setFingerprint(id.certFingerprint ?? null);
      setNote({ text: `node ${v}: maintenance mode; ${id.certFingerprint ? 'pinned to the certificate it presents now' : 'NOT pinned (no certificate seen)'}; patches cleared (p adds)`, tone: id.certFingerprint ? 'info' : 'warn' });
    } else if (id.kind === 'configured') {
      setInsecure(false);
      setNote({ text: `node ${v}: configured: mTLS over the session; patches cleared (p adds)`, tone: 'info' });
    } else {
      setNote({ text: `node ${v}: ${id.error ?? id.kind}; i switches maintenance/mTLS`, tone: 'warn' });
    }
  }

  function stopRun() {
    runRef.current?.abort();
    runRef.current = null;
  }
  function newRun(): AbortController {
    stopRun();
    const c = new AbortController();
    runRef.current = c;
    return c;
  }
  const show = (title: string, lines: string[]) => {
    setOutput({ title, lines });
    setScroll(0);
  };
  const append = (line: string) => setOutput((o) => (o ? { ...o, lines: [...o.lines, line] } : { title: 'progress', lines: [line] }));

  const connector = (clients: { close(): void }[]): ApplyConnector => ({
    insecure: (address, opts) => {
      const c = insecureClient(address, opts);
      clients.push(c);
      return c;
    },
    session: () => {
      if (!session) throw new TalosError({ code: 14, message: `no session to reach ${node} over mTLS: ${sessionProblem ?? 'no talosconfig'}` });
      return session;
    },
  });

  async function send(dryRun: boolean) {
    if (!node) return;
    // Read the files again: a base or patch edited since the last render must not be sent stale.
    const fresh = renderInputs(inputs);
    setRenderNonce((n) => n + 1);
    if (!fresh.ok) {
      setNote({ text: fresh.error, tone: 'error' });
      return;
    }
    const target = node;
    const config = fresh.config;
    const wasInsecure = insecure;
    const run = newRun();
    const clients: { close(): void }[] = [];
    setBusy(dryRun ? `dry run: asking ${target}…` : `applying to ${target}…`);
    setNote(null);
    try {
      const outcome = await applyConfig(connector(clients), {
        node: target,
        config,
        mode,
        dryRun,
        insecure: wasInsecure,
        fingerprints: wasInsecure && fingerprint ? [fingerprint] : undefined,
        signal: run.signal,
      });
      const { warnings, details } = formatOutcome(outcome);
      const head = dryRun ? `dry run on ${target} (mode ${mode}): ${target} replied` : `applied to ${target}: mode ${outcome.mode}`;
      show(dryRun ? `dry run reply from ${target}` : `apply reply from ${target}`, [head, ...warnings, ...details.replace(/\n$/, '').split('\n')]);
      // Talos v1.14+ applies auto without a reboot: say so, or the operator waits for one that never comes.
      const applied = outcome.note ? `applied to ${target} (mode ${outcome.mode}): ${outcome.note}` : `applied to ${target} (mode ${outcome.mode})`;
      setNote({ text: dryRun ? `dry run answered by ${target}: nothing was changed` : applied, tone: outcome.note && !dryRun ? 'warn' : 'ok' });
      const reboots = !dryRun && mode !== 'staged' && (wasInsecure || outcome.mode === 'reboot');
      if (reboots) void followNode(target, staticAddressOf(config) ?? hostPart(target), run, config);
    } catch (err) {
      if (!run.signal.aborted) setNote({ text: errorLine(err), tone: 'error' });
    } finally {
      for (const c of clients) c.close();
      setBusy(null);
    }
  }

  async function followNode(from: string, to: string, run: AbortController, config: string) {
    const started = Date.now();
    append('');
    append(`following the reboot: ${from} -> ${to} (timeout ${Math.round(followTimeoutMs / 1000)}s, Esc stops)`);
    const final = await followReboot({
      from,
      to,
      timeoutMs: followTimeoutMs,
      intervalMs: followIntervalMs,
      signal: run.signal,
      answers: async (signal) => {
        if (!session) throw new Error(`no session: ${sessionProblem ?? 'no talosconfig'}`);
        const reach = reachNode(session, to);
        try {
          const v = await machine.version(reach.session.target(to), { deadlineMs: 2000, signal });
          return v.version?.tag ?? '';
        } finally {
          reach.close();
        }
      },
      onPhase: (phase, detail) => {
        setFollow({ phase, detail, started });
        append(`${secs(Date.now() - started)}  ${detail}`);
      },
    });
    if (final === 'up') {
      setNode(to);
      setInsecure(false);
      setFingerprint(null);
      const worker = machineTypeOf(config) === 'worker';
      setWorkerNode(worker ? to : null);
      setNote({ text: `${to} answers over mTLS: ${worker ? '' : 'b bootstraps (control plane, once), '}k saves the kubeconfig, h health`, tone: 'ok' });
    }
    if (runRef.current === run) runRef.current = null;
  }

  async function guardBootstrap() {
    if (!session || !host) return;
    const target = host;
    const reach = reachNode(session, target);
    const s: TalosSession = reach.session;
    setBusy(`checking etcd before bootstrapping ${target}…`);
    try {
      const checks = await checkBootstrap(s, target);
      const refusal = bootstrapRefusal(target, checks);
      if (refusal) {
        setNote({ text: `bootstrap refused: ${refusal}`, tone: 'error' });
        return;
      }
      prompt.confirm({
        title: `Bootstrap etcd on ${target}?`,
        detail: ['Run this on exactly ONE control-plane node, once per cluster:', 'a second bootstrap would split etcd. No member is listed anywhere yet.'],
        expect: target,
        onConfirm: () => {
          setBusy(`bootstrapping ${target}…`);
          const sending = reachNode(session, target);
          machine
            .bootstrap(sending.session.target(target))
            .then(() => setNote({ text: `bootstrap sent to ${target}: etcd starts there and the other control-plane nodes join it`, tone: 'ok' }))
            .catch((err: unknown) => setNote({ text: `bootstrap of ${target} failed: ${errorLine(err)}`, tone: 'error' }))
            .finally(() => {
              sending.close();
              setBusy(null);
            });
        },
      });
    } catch (err) {
      setNote({ text: `bootstrap check failed: ${errorLine(err)}`, tone: 'error' });
    } finally {
      reach.close();
      setBusy(null);
    }
  }

  async function fetchAndSaveKubeconfig(file: string, force: boolean) {
    if (!session || !host) return;
    const target = host;
    setBusy(`fetching the kubeconfig from ${target}…`);
    const reach = reachNode(session, target);
    try {
      const text = await machine.kubeconfig(reach.session.target(target));
      const saved = await saveKubeconfig(text, file, { force });
      setNote({ text: describeSaved(saved, homePath(saved.path)), tone: 'ok' });
    } catch (err) {
      setNote({ text: `kubeconfig not saved: ${errorLine(err)}`, tone: 'error' });
    } finally {
      reach.close();
      setBusy(null);
    }
  }

  /** k: merge into ~/.kube/config by default (talosctl kubeconfig); a path that does not exist gets the file as is. */
  function askKubeconfig(force: boolean) {
    if (!host) return;
    let initial: string;
    try {
      initial = homePath(defaultKubeconfigPath());
    } catch (err) {
      setNote({ text: errorLine(err), tone: 'error' });
      return;
    }
    prompt.askPath({
      title: force
        ? `Merge the admin kubeconfig of ${host} into (entries of the same name are REPLACED)`
        : `Merge the admin kubeconfig of ${host} into (a new file name writes it alone)`,
      initial,
      onSubmit: (p) => {
        const file = path.resolve(expandHome(p));
        if (!force || !existsSync(file)) return void fetchAndSaveKubeconfig(file, force);
        prompt.confirm({
          title: `Replace the clusters and users of ${homePath(file)} that have the same name?`,
          detail: ['Without this (k), talos-tui keeps them and renames the new ones, as talosctl does.'],
          expect: null,
          onConfirm: () => void fetchAndSaveKubeconfig(file, true),
        });
      },
    });
  }

  async function health() {
    if (!session || !host) return;
    const run = newRun();
    const target = host;
    setBusy(`health check on ${target} (Esc stops)…`);
    show(`health check from ${target}`, []);
    const reach = reachNode(session, target);
    if (reach.note) append(reach.note);
    try {
      for await (const line of cluster.healthCheck(reach.session.target(target), { waitTimeoutMs: followTimeoutMs }, { signal: run.signal })) append(line);
      setNote({ text: `health check on ${target} passed`, tone: 'ok' });
    } catch (err) {
      if (!run.signal.aborted) setNote({ text: `health check on ${target}: ${errorLine(err)}`, tone: 'error' });
    } finally {
      reach.close();
      if (runRef.current === run) runRef.current = null;
      setBusy(null);
    }
  }

  // ---- layout
  const headerRows = 5;
  const fieldRows = entryField.field !== null ? 1 : 0;
  const bodyRows = Math.max(2, height - headerRows - fieldRows - prompt.rows);
  const body: { title: string; lines: string[]; tone?: MessageTone } = output
    ? output
    : rendered.ok
      ? { title: `rendered config${inputs.patches.length ? ` (${inputs.patches.length} patch${inputs.patches.length > 1 ? 'es' : ''})` : ''}`, lines: rendered.config.replace(/\n$/, '').split('\n') }
      : { title: 'cannot render', lines: [rendered.error], tone: 'error' };
  const { top, actions: scrollActions } = documentScroll(scroll, setScroll, body.lines.length, bodyRows);

  const actions: Action[] =
    prompt.open || entryField.field !== null
      ? []
      : [
          // The keys that send come first: the hint bar is cut at 80 columns, and apply must stay visible.
          {
            key: 'enter',
            label: 'apply',
            dangerous: true,
            help: 'apply the rendered config to the node (type its name to confirm); a maintenance node installs and reboots',
            when: () => idle && node !== null && rendered.ok,
            run: () => confirmApply(),
          },
          { key: 'd', label: 'dry-run', help: 'ask the node what applying would do (Talos validates and shows the diff); nothing changes', when: () => idle && node !== null && rendered.ok, run: () => void send(true) },
          { key: 'n', label: 'node', help: 'type the node to configure (IP or IP:port)', run: () => entryField.open('node', node ?? '') },
          { key: 'f', label: 'base', help: 'type the base machine config file (controlplane.yaml or worker.yaml)', run: () => entryField.open('base', inputs.base ? shortPath(inputs.base) : '') },
          { key: 'p', label: 'patch', help: 'add a patch file (strategic merge or JSON 6902), applied in order', run: () => entryField.open('patch', '') },
          { key: 'x', label: 'no patches', hidden: true, help: 'drop every patch', when: () => inputs.patches.length > 0, run: () => { setInputs((i) => ({ ...i, patches: [] })); setOutput(null); } },
          { key: 'm', label: `mode ${mode}`, help: 'cycle the apply mode: auto, no-reboot, staged, try', run: () => setMode((m) => PANE_MODES[(PANE_MODES.indexOf(m) + 1) % PANE_MODES.length]!) },
          { key: 'i', label: insecure ? 'maint.' : 'mTLS', hidden: true, help: 'switch between maintenance (insecure, straight to the node) and configured (mTLS over the session)', when: () => idle, run: () => setInsecure((v) => !v) },
          { key: 'r', label: 're-render', hidden: true, help: 'read the files again and show the rendered config', run: () => { setOutput(null); setRenderNonce((n) => n + 1); } },
          { key: 'c', label: 'config', hidden: true, help: 'show the rendered config again', when: () => output !== null, run: () => { setOutput(null); setScroll(0); } },
          { key: 'A', label: 'apply', hidden: true, dangerous: true, help: 'same as Enter', when: () => idle && node !== null && rendered.ok, run: () => confirmApply() },
          { key: 'b', label: 'bootstrap', dangerous: true, help: 'bootstrap etcd on this control-plane node (refused when etcd already has members; not offered for a node just configured as a worker)', when: () => idle && mtls && !nodeIsWorker, run: () => void guardBootstrap() },
          { key: 'k', label: 'kubeconfig', help: 'merge the admin kubeconfig into ~/.kube/config as talosctl does (context admin@<cluster> made current, other contexts kept, a clashing name renamed); a new file name writes it alone (0600)', when: () => idle && mtls, run: () => askKubeconfig(false) },
          { key: 'K', label: 'kubeconfig --force', hidden: true, help: 'merge the admin kubeconfig, replacing clusters and users of the same name (talosctl kubeconfig --force)', when: () => idle && mtls, run: () => askKubeconfig(true) },
          { key: 'h', label: 'health', help: 'stream the cluster health check from this node', when: () => idle && mtls, run: () => void health() },
          { key: 'escape', label: 'stop', help: 'stop following the reboot or the health check (the node carries on)', when: () => runRef.current !== null && (following || busy !== null), run: () => stopRun() },
          ...scrollActions,
        ];
  usePaneActions(shell, actions);
  usePaneWork(shell, busy ?? (following ? `following the reboot of ${node ?? 'the node'}` : null));
  useRecordNote(shell, note);

  function confirmApply() {
    if (!node || !rendered.ok) return;
    const type = machineTypeOf(rendered.config);
    const to = staticAddressOf(rendered.config);
    prompt.confirm({
      title: `Apply the rendered config to ${node}${insecure ? ' (maintenance)' : ''}?`,
      detail: [
        `mode ${mode}${type ? `, a ${type} config` : ''}${to ? `, static address ${to}` : ''}`,
        insecure && mode !== 'staged' ? 'The node installs and reboots into it.' : 'Talos decides whether it reboots (d shows the diff first).',
      ],
      expect: node,
      onConfirm: () => void send(false),
    });
  }

  const w = Math.max(10, width - 2);
  const conn = insecure ? `maintenance, insecure${fingerprint ? ', pinned' : ''}` : session ? 'configured, mTLS' : `no session: ${sessionProblem ?? 'loading…'}`;
  const nodeLine = node ? `Node ${node}${entry ? ` (${entry.name}, ${entry.role})` : ''} · ${conn}` : 'Node: none. Press n to type one, or send one from Discovery (1).';
  // Mode first: long paths are what gets cut at 80 columns, not the mode the apply will use.
  const inputLine = `Mode ${mode} · base ${inputs.base ? shortPath(inputs.base) : inputs.generated ? `generated (${shortPath(inputs.generated.profile)})` : '-'} · patches ${inputs.patches.length ? inputs.patches.map((p) => shortPath(p)).join(', ') : 'none'}`;
  const status: Note | null = busy
    ? { text: busy, tone: 'info' }
    : following && follow
      ? { text: `${follow.phase === 'going' ? 'waiting for the node to go away' : 'rebooting'} (${secs(Date.now() - follow.started)}; Esc stops): ${follow.detail}`, tone: 'warn' }
      : note;
  return (
    <DocumentView width={width} height={height} heading={nodeLine} subheading={inputLine} status={status} title={body.title} lines={body.lines} top={top} bodyRows={bodyRows} diff={body.title.startsWith('dry run')} lineTone={() => body.tone}>
      {entryField.field !== null ? <TextField prompt={FIELD_PROMPTS[entryField.field]} value={entryField.value} width={w} /> : null}
      {prompt.render(w)}
    </DocumentView>
  );
}
