// The interactive console: the App root (the shell with every pane) and runConsole, which owns the
// terminal and the Talos session for the console's lifetime. main.ts imports this file lazily, so
// `--version` and the headless commands never load Ink or React.
//
// Start-up order matters for the first frame: Ink draws the shell first, then grpc-js (src/talos)
// and, with --demo, the simulator are imported and the session is put in place with a re-render.
import { render } from 'ink';
import { setLogBufferMb } from '../features/logs/buffer-budget.js';
import { panes } from '../features/registry.js';
import type { PaneId } from '../ui/pane-types.js';
import type { SimCluster } from '../sim/cluster.js';
import type { TalosSession } from '../talos/session.js';
import type { TalosconfigSelection } from '../talos/talosconfig.js';
import { certificateProblem } from '../ui/shell/header-model.js';
import { Shell } from '../ui/shell/Shell.js';
import { enterAltScreen, onRestore, restoreTerminal } from '../ui/terminal.js';
import { saveCodeCaches } from './console-hooks.js';
import type { MessageTone } from '../core/tone.js';

export interface AppProps {
  session: TalosSession | null;
  demo: boolean;
  /** A short word for the header when there is no session: "no talosconfig", "starting simulator…". */
  note?: string;
  /** Why there is no session (the talosconfig error, as one sentence): the panes show it. */
  sessionProblem?: string | null;
  status?: { text: string; tone: MessageTone };
  /** Resolves with a warning about the new context (expired certificate), if any. */
  onSwitchContext: (name: string) => Promise<string | null>;
  initialPane?: PaneId;
}

export function App(props: AppProps) {
  return (
    <Shell
      panes={panes}
      session={props.session}
      sessionProblem={props.sessionProblem ?? null}
      demo={props.demo}
      note={props.note}
      status={props.status}
      onSwitchContext={props.onSwitchContext}
      initialPane={props.initialPane}
    />
  );
}

export interface ConsoleOptions {
  demo: boolean;
  /** --log-buffer-mb: the Logs pane's memory budget for lines (default 64). */
  logBufferMb?: number;
  /** --talosconfig, --context, -e, -n as given (ignored with --demo). */
  selection: TalosconfigSelection;
  /** First address of the /24 the demo nodes take ($TALOS_TUI_DEMO_LISTEN); default 127.0.10.1. */
  demoListen?: string;
}

const DEMO_LISTEN = '127.0.10.1';

/**
 * The simulator for --demo, on loopback only. When the default /24 is taken (another demo, a test's
 * simulator) the next free one is used: 127.0.20.1, 127.0.30.1, ...
 */
async function startDemoCluster(listen: string | undefined): Promise<SimCluster> {
  const { startSimCluster } = await import('../sim/index.js');
  const { DEMO_MAINTENANCE } = await import('../sim/demo-profile.js');
  if (listen) return startSimCluster({ listen, contextName: 'demo', maintenance: DEMO_MAINTENANCE });
  let lastError: unknown;
  for (let third = 10; third <= 90; third += 10) {
    try {
      return await startSimCluster({ listen: third === 10 ? DEMO_LISTEN : `127.0.${third}.1`, contextName: 'demo', maintenance: DEMO_MAINTENANCE });
    } catch (err) {
      if (!/EADDRINUSE/.test(String(err instanceof Error ? err.message : err))) throw err;
      lastError = err;
    }
  }
  throw lastError;
}

interface SimHandle {
  talosconfigText: string;
  stop(): Promise<void> | void;
}

/** Runs the console until the user quits; resolves with the exit code. Throws (after restoring the terminal) when Ink crashed. */
export async function runConsole(opts: ConsoleOptions): Promise<number> {
  if (opts.logBufferMb !== undefined) setLogBufferMb(opts.logBufferMb);
  let props: AppProps = {
    session: null,
    demo: opts.demo,
    note: opts.demo ? 'starting simulator…' : 'loading talosconfig…',
    onSwitchContext: (name) => switchContext(name),
  };
  let sim: SimHandle | null = null;
  let loadContext: ((name?: string) => TalosSession) | null = null;
  let demoProfile: string | null = null;

  let exited = false;

  enterAltScreen();
  const ink = render(<App {...props} />, { exitOnCtrlC: true });
  // The first frame is out: the next start can skip compiling what it took (built package only).
  void saveCodeCaches();
  const update = (next: Partial<AppProps>) => {
    props = { ...props, ...next };
    // After quitting (while the simulator was still starting, say) nothing may mount again: a
    // re-render would switch raw mode back on.
    if (!exited) ink.rerender(<App {...props} />);
  };
  // Unmounting Ink turns raw mode off; it must happen before the alternate screen is left.
  const forgetRestore = onRestore(() => ink.unmount());

  /** The session's certificate problem as a status, or undefined. */
  const certificateStatus = (session: TalosSession): AppProps['status'] => {
    const c = session.context;
    const problem = certificateProblem({ source: c.source, contextName: c.contextName, notAfter: c.identity.notAfter }, new Date());
    return problem ? { text: problem, tone: 'error' } : undefined;
  };

  async function switchContext(name: string): Promise<string | null> {
    if (!loadContext) throw new Error('still starting: try :ctx again in a moment');
    const next = loadContext(name);
    const previous = props.session;
    update({ session: next, sessionProblem: null, note: undefined, status: undefined });
    previous?.close();
    return certificateStatus(next)?.text ?? null;
  }

  const connect = async () => {
    const talos = await import('../talos/index.js');
    if (opts.demo) {
      const cluster = await startDemoCluster(opts.demoListen);
      const { writeDemoProfile } = await import('../sim/demo-profile.js');
      const profile = await writeDemoProfile(cluster).catch(() => null);
      sim = { talosconfigText: cluster.talosconfigText, stop: async () => { await profile?.remove(); await cluster.stop(); } };
      demoProfile = profile?.file ?? null;
      loadContext = (name) => new talos.TalosSession(talos.parseTalosconfig(cluster.talosconfigText, 'demo', name ? { context: name, contextFrom: ':ctx' } : {}));
    } else {
      // A context switch keeps --talosconfig but not -e/-n, which were meant for the first context.
      loadContext = (name) =>
        new talos.TalosSession(talos.loadTalosconfig(name ? { talosconfig: opts.selection.talosconfig, context: name, contextFrom: ':ctx' } : opts.selection));
    }
    try {
      const session = loadContext();
      const demoNote = demoProfile ? { text: `demo: a cluster to provision: talos-tui provision ${demoProfile}`, tone: 'info' as const } : undefined;
      update({ session, note: undefined, status: certificateStatus(session) ?? demoNote });
    } catch (err) {
      // No (usable) talosconfig: the console still opens; Discovery works without one.
      const message = err instanceof Error ? err.message : String(err);
      update({
        note: message.startsWith('no talosconfig') ? 'no talosconfig' : 'talosconfig error',
        sessionProblem: message,
        status: { text: message, tone: 'warn' },
      });
    }
  };
  const connecting = connect().catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    update({ note: 'start-up failed', sessionProblem: message, status: { text: message, tone: 'error' } });
  });

  try {
    await ink.waitUntilExit();
    return 0;
  } finally {
    // Give the terminal back first: the user should not wait for the simulator to stop.
    exited = true;
    forgetRestore();
    restoreTerminal();
    await connecting;
    props.session?.close();
    await (sim as SimHandle | null)?.stop();
  }
}
