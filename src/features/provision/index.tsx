// The Provision pane (key 6): the bootstrap runbook in one flow, the twin of `talos-tui provision`.
// o opens a cluster profile, the plan is built from a scan (reads only); Enter shows the selected
// node's rendered config and drift; p runs the plan after the cluster's name is typed; every row
// then follows its node (sent, installing, rebooting, mTLS, services up) until bootstrap, health,
// kubeconfig and talosconfig. Esc stops; a rerun resumes.
import path from 'node:path';
import { useMemo, useState } from 'react';
import { documentScroll, DocumentView } from '../../ui/DocumentView.js';
import { TextField, useTextEntry } from '../../ui/text-entry/index.js';
import { usePrompt } from '../../ui/use-prompt.js';
import { usePaneActions, usePaneWork, type Action, type PaneProps } from '../../ui/pane-types.js';
import { useProvision } from './use-provision.js';
import { nodeLines, phaseNote, planLines } from './views.js';
import { provisionActions } from './actions.js';
import type { ApplyMode } from '../../ops/apply-run.js';

const DRIFT_MODES: readonly ApplyMode[] = ['auto', 'no-reboot', 'staged'];

export default function ProvisionPane({ width, height, shell }: PaneProps) {
  const { source, snapshot: s } = useProvision();
  const [scroll, setScroll] = useState(0);
  const [selected, setSelected] = useState(0);
  const [detail, setDetail] = useState(false);
  const [mode, setMode] = useState<ApplyMode>('auto');
  const prompt = usePrompt(shell);
  const entry = useTextEntry<'profile' | 'recover'>(shell, {
    onSubmit(field, value) {
      const v = value.trim();
      if (field === 'recover') return void source.setRecovery(v === '' ? '' : path.resolve(v), s.recoverySkipsHash);
      if (v === '') return;
      setScroll(0);
      void source.plan(path.resolve(v));
    },
  });

  const row = s.rows[Math.min(selected, s.rows.length - 1)];
  // The node view redacts its config (nodeLines): once per change of what it shows, not per frame
  // (scrolling redraws the same lines).
  const lines = useMemo(
    () => (detail && row ? nodeLines(row, source.configOf(row.name)) : planLines(s, s.rows.length > 0 ? Math.min(selected, s.rows.length - 1) : -1, width - 2)),
    [detail, row, source, s, selected, width],
  );
  const pick = (step: number) => {
    setSelected((i) => (s.rows.length === 0 ? 0 : (Math.min(i, s.rows.length - 1) + step + s.rows.length) % s.rows.length));
    setScroll(0);
  };
  const fieldRows = entry.field !== null ? 1 : 0;
  const bodyRows = Math.max(2, height - 5 - fieldRows - prompt.rows);
  const { top, actions: scrollActions } = documentScroll(scroll, setScroll, lines.length, bodyRows);
  const plan = s.plan;
  const unpinned = plan?.rows.some((r) => r.action === 'apply' && !r.fingerprint) ?? false;

  const actions: Action[] =
    prompt.open || entry.field !== null
      ? []
      : [
          ...provisionActions({
            source,
            snapshot: s,
            row,
            mode,
            detail,
            confirmRun: () =>
              prompt.confirm({
                title: `Provision cluster ${plan!.clusterName}?`,
                detail: [
                  `${plan!.rows.filter((r) => r.action === 'apply').length} node(s) get their config, control planes first${plan!.bootstrap ? `; etcd is ${s.recovery ? 'RECOVERED from the snapshot' : 'bootstrapped'} on ${plan!.bootstrap}` : ''}.`,
                  unpinned ? 'Some applies are UNPINNED: their certificates are not checked.' : 'Every apply is pinned to the certificate seen at the scan.',
                ],
                expect: plan!.clusterName,
                expectLabel: 'cluster name',
                onConfirm: () => void source.run(),
              }),
            confirmDrift,
            openProfile: () => entry.open('profile', s.profile ?? ''),
            openRecovery: () => entry.open('recover', source.recoveryFile()),
            cycleMode: () => setMode((m) => DRIFT_MODES[(DRIFT_MODES.indexOf(m) + 1) % DRIFT_MODES.length]!),
            toggleDetail: () => {
              setDetail((d) => !d);
              setScroll(0);
            },
            pick,
          }),
          ...scrollActions,
        ];
  usePaneActions(shell, actions);

  function confirmDrift(names: string[], expect: string) {
    prompt.confirm({
      title: `Apply the regenerated config to ${names.join(', ')} (mode ${mode})?`,
      detail: ['Each node gets what the profile regenerates now (Enter on a node shows the diff).', mode === 'staged' ? 'Staged: it takes effect at the next reboot.' : 'Talos reboots a node when the change needs it (auto), or refuses (no-reboot).'],
      expect,
      expectLabel: names.length === 1 ? 'node name' : 'cluster name',
      onConfirm: () => void source.applyDrift(names, mode),
    });
  }

  const w = Math.max(10, width - 2);
  const heading = s.profile ? `Profile ${s.profile}` : 'Profile: none. Press o to open one (README: "the cluster profile").';
  // Quitting mid-run would leave nodes half provisioned: q and :q ask first while it runs.
  usePaneWork(shell, s.phase === 'running' && plan ? `provisioning ${plan.clusterName} (${plan.rows.length} node(s))` : null);
  const sub = plan ? `Cluster ${plan.clusterName} · ${plan.rows.length} node(s) · ${s.phase}` : s.phase;
  return (
    <DocumentView
      width={width}
      height={height}
      heading={heading}
      subheading={sub}
      status={phaseNote(s)}
      title={detail && row ? `node ${row.name}` : 'plan'}
      lines={lines}
      top={top}
      bodyRows={bodyRows}
      lineTone={(line) => (detail && /^[+-](?![+-])/.test(line) ? (line.startsWith('+') ? 'ok' : 'error') : line.startsWith('error:') || /\sfailed\s/.test(line) ? 'error' : /\s(services-up|in-sync)\s/.test(line) || line.startsWith('done') ? 'ok' : undefined)}
    >
      {entry.field !== null ? <TextField prompt={entry.field === 'recover' ? 'etcd snapshot to recover from> ' : 'cluster profile> '} value={entry.value} width={w} /> : null}
      {prompt.render(w)}
    </DocumentView>
  );
}
