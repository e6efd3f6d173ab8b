// Placeholder for the Apply pane until it is built: says so plainly instead of pretending.
// The real pane replaces this file and default-exports its component (see ../pane-types.ts).
import { Box, Text } from 'ink';
import type { PaneProps } from '../pane-types.js';

export default function ApplyPane({ width }: PaneProps) {
  return (
    <Box flexDirection="column" width={width} paddingX={1}>
      <Text wrap="truncate">Apply: not built yet.</Text>
      <Text wrap="wrap">Will render a node's machine config from a base and patches, show the diff, and apply it (dry-run first).</Text>
    </Box>
  );
}
