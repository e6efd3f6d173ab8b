// Two rows: who/where (context, endpoint, selected nodes, role, cert expiry) and the pane tabs.
import { Box } from 'ink';
import type { PaneDefinition, PaneId } from '../pane-types.js';
import { colorEnabled } from '../theme.js';
import { displayWidth } from '../text.js';
import { headerSegments, type HeaderInput, type Segment } from './header-model.js';
import { Line } from './Line.js';

export function tabSegments(panes: readonly PaneDefinition[], current: PaneId, width: number, color = colorEnabled): Segment[] {
  // Without colour the active tab is marked with brackets, so NO_COLOR loses no information.
  const full = (p: PaneDefinition) => (p.id === current && !color ? `[${p.number} ${p.title}]` : ` ${p.number} ${p.title} `);
  // Too narrow for every title: the other tabs shrink to their number first, so the active one
  // always shows whole, wherever it is in the row.
  const fits = (labels: string[]) => labels.reduce((w, l) => w + displayWidth(l) + 1, 0) <= width;
  let labels = panes.map(full);
  if (!fits(labels)) labels = panes.map((p) => (p.id === current ? full(p) : ` ${p.number} `));
  if (!fits(labels)) labels = panes.map((p) => (p.id === current ? full(p) : ''));
  const out: Segment[] = [];
  panes.forEach((p, i) => {
    if (labels[i] !== '') out.push({ text: labels[i]!, tone: p.id === current ? 'badge' : 'dim' }, { text: ' ', tone: 'plain' });
  });
  return out;
}

export function Header(props: HeaderInput & { panes: readonly PaneDefinition[]; current: PaneId }) {
  return (
    <Box flexDirection="column" width={props.width} flexShrink={0}>
      <Line segments={headerSegments(props)} />
      <Line segments={tabSegments(props.panes, props.current, props.width)} />
    </Box>
  );
}
