// The source picker's state for the Logs pane: which nodes are offered and checked, which logs
// they run (asked of the nodes while the picker shows), and the note under the list.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { TalosSession } from '../../talos/session.js';
import type { PaneParams } from '../../ui/pane-types.js';
import { loadCatalog as defaultLoadCatalog, type CatalogEntry } from './catalog.js';
import type { LogsController } from './controller.js';
import { selectorKey, withNodes, type PickerState } from './picker-model.js';
import { streamId } from './source.js';

const DMESG_ENTRY: CatalogEntry = { selector: { kind: 'dmesg' }, name: 'dmesg', note: 'kernel ring' };

/** The nodes a navigation asked for (`nodes`, or a single `node`). */
export function paramNodes(params: PaneParams['logs'] | undefined): string[] {
  if (!params) return [];
  if (params.nodes) return [...params.nodes];
  return params.node ? [params.node] : [];
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items.filter((s) => s !== ''))];
}

export interface PickerNote {
  text: string;
  tone: 'dim' | 'warn';
}

export interface SourcePickerOptions {
  ctl: LogsController;
  session: TalosSession | null;
  params: PaneParams['logs'] | undefined;
  selectedNodes: readonly string[];
  insecure: boolean;
  /** The catalog is asked for only while the picker shows. */
  showing: boolean;
  loadCatalog: typeof defaultLoadCatalog;
}

export function useSourcePicker(o: SourcePickerOptions) {
  const { ctl, session, params, selectedNodes, insecure, showing, loadCatalog } = o;
  const contextNodes = session?.info.nodes ?? [];
  const choices = useMemo(
    () => unique([...paramNodes(params), ...selectedNodes, ...contextNodes]),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- node lists compared by content, not identity
    [params, selectedNodes.join(','), contextNodes.join(',')],
  );

  // Picker state in a ref as well: keys pressed faster than frames (enter right after two downs)
  // must act on the latest state, not on the last rendered one.
  const pickerRef = useRef<PickerState | null>(null);
  pickerRef.current ??= {
    nodes: choices,
    entries: [DMESG_ENTRY],
    checkedNodes: new Set(selectedNodes.length > 0 ? selectedNodes : choices),
    checkedSources: new Set(),
    cursor: 0,
  };
  const [picker, setPickerState] = useState<PickerState>(pickerRef.current);
  const setPicker = (next: PickerState | ((s: PickerState) => PickerState)) => {
    pickerRef.current = typeof next === 'function' ? next(pickerRef.current!) : next;
    setPickerState(pickerRef.current);
  };
  const [note, setNote] = useState<PickerNote>({ text: '', tone: 'dim' });
  const [reload, setReload] = useState(0);

  // The selection changed elsewhere (:node): offer the new nodes, checking the selected ones.
  useEffect(() => {
    setPicker((s) => withNodes(s, choices, false));
  }, [choices]);

  // The picker asks the nodes what they run (again when the nodes change or on r).
  const nodesKey = picker.nodes.join(',');
  useEffect(() => {
    if (!showing) return;
    if (picker.nodes.length === 0) {
      setNote({ text: 'no nodes selected and none in the talosconfig context: type :node IP[,IP]', tone: 'warn' });
      return;
    }
    if (!session && !insecure) return;
    const ac = new AbortController();
    const n = picker.nodes.length;
    setNote({ text: `asking ${n} node${n === 1 ? '' : 's'} for their services…`, tone: 'dim' });
    void loadCatalog(picker.nodes, (node) => ctl.targetFor(node, insecure), ac.signal).then((cat) => {
      if (ac.signal.aborted) return;
      setPicker((s) => {
        const fromCatalog = new Set(cat.entries.map((e) => selectorKey(e.selector)));
        const typed = s.entries.filter((e) => !fromCatalog.has(selectorKey(e.selector)) && e.selector.kind !== 'dmesg' && (e.note === 'typed' || e.note === 'k8s container'));
        return { ...s, entries: [...cat.entries, ...typed] };
      });
      const first = cat.errors[0];
      if (first) {
        const more = cat.errors.length > 1 ? ` (and ${cat.errors.length - 1} more node${cat.errors.length > 2 ? 's' : ''})` : '';
        setNote({ text: `${first.node}: ${first.message}${more}`, tone: 'warn' });
      } else {
        setNote({ text: `${cat.entries.length} logs on ${n} node${n === 1 ? '' : 's'}`, tone: 'dim' });
      }
    });
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- picker.nodes is keyed by nodesKey; loadCatalog is fixed
  }, [showing, nodesKey, reload, ctl, insecure]);

  /** Pre-checks what is open now, so enter without changes keeps it. */
  const checkOpenStreams = () => {
    const open = ctl.streams.list();
    if (open.length === 0) return;
    setPicker((s) => ({
      ...s,
      checkedNodes: new Set(open.map((o) => o.node)),
      checkedSources: new Set(
        s.entries.filter((e) => open.some((o) => o.id === streamId({ node: o.node, selector: e.selector }))).map((e) => selectorKey(e.selector)),
      ),
    }));
  };

  return {
    picker,
    /** The newest state, even before React re-rendered with it. */
    latest: () => pickerRef.current!,
    setPicker,
    note,
    reload: () => setReload((r) => r + 1),
    checkOpenStreams,
  };
}
