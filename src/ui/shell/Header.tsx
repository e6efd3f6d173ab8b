// Two rows: who/where (context, endpoint, selected nodes, role, cert expiry) and the pane tabs.
import { Box } from 'ink';
import type { PaneDefinition, PaneId } from '../pane-types.js';
import { colorEnabled } from '../theme.js';
import { displayWidth } from '../text.js';
import { headerSegments, type HeaderInput, type Segment } from './header-model.js';
import { Line } from './Line.js';

export function tabSegments(panes: readonly PaneDefinition[], current: PaneId, width: number, color = colorEnabled): Segment[] {
  const out: Segment[] = [];
  let used = 0;
  for (const p of panes) {
    const active = p.id === current;
    // Without colour the active tab is marked with brackets, so NO_COLOR loses no information.
    const label = active && !color ? `[${p.number} ${p.title}]` : ` ${p.number} ${p.title} `;
    if (used + displayWidth(label) + 1 > width) break;
    out.push({ text: label, tone: active ? 'badge' : 'dim' }, { text: ' ', tone: 'plain' });
    used += displayWidth(label) + 1;
  }
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
