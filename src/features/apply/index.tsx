// Placeholder for the Apply pane until it is built: says so plainly instead of pretending. When
// Discovery sends a node here, it shows the headless `talos-tui apply` line that does the same job.
// The real pane replaces this file and default-exports its component (see ../pane-types.ts).
import { Box, Text } from 'ink';
import type { PaneProps } from '../pane-types.js';

export default function ApplyPane({ width, params }: PaneProps) {
  const node = typeof params?.node === 'string' ? params.node : null;
  const command = typeof params?.headlessCommand === 'string' ? params.headlessCommand : null;
  const entry = params?.inventoryEntry as { name?: string } | null | undefined;
  return (
    <Box flexDirection="column" width={width} paddingX={1}>
      <Text wrap="truncate">Apply: not built yet.</Text>
      <Text wrap="wrap">Will render a node's machine config from a base and patches, show the diff, and apply it (dry-run first).</Text>
      {node && command ? (
        <Box flexDirection="column" marginTop={1}>
          <Text wrap="wrap">
            Discovery sent {node}
            {entry?.name ? ` (inventory entry ${entry.name})` : ' (no inventory entry)'}. The same apply from a shell, dry run first:
          </Text>
          <Text wrap="wrap">{command} --dry-run</Text>
        </Box>
      ) : null}
    </Box>
  );
}
