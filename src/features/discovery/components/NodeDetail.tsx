// Everything discovery read about one node: links (with bond membership and the MAC each one
// counts with), disks, the certificate fingerprint and how it matched the inventory.
import { Box } from 'ink';
import { Line } from '../../../ui/shell/Line.js';
import type { DiscoveryRow } from '../source.js';
import { detailLines } from '../view-model.js';

export function NodeDetail({ row, width, height, port }: { row: DiscoveryRow; width: number; height: number; port: number }) {
  const lines = detailLines(row, width, port);
  const shown = lines.length > height ? [...lines.slice(0, height - 1), [{ text: `… ${lines.length - height + 1} more lines (widen the terminal)`, tone: 'dim' as const }]] : lines;
  return (
    <Box flexDirection="column" height={height}>
      {shown.map((segments, i) => (
        <Line key={i} segments={segments} />
      ))}
    </Box>
  );
}
