// Placeholder for the META pane until it is built: says so plainly instead of pretending.
// The real pane replaces this file and default-exports its component (see ../pane-types.ts).
import { Box, Text } from 'ink';
import type { PaneProps } from '../pane-types.js';

export default function MetaPane({ width }: PaneProps) {
  return (
    <Box flexDirection="column" width={width} paddingX={1}>
      <Text wrap="truncate">META: not built yet.</Text>
      <Text wrap="wrap">Will author and validate the META network config (key 0x0a) and write it, or give the boot-time route.</Text>
    </Box>
  );
}
