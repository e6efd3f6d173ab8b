// The source picker: nodes and logs with check boxes, one cursor, drawn to exactly `height` rows.
import { Box, Text } from 'ink';
import { Line } from '../../ui/shell/Line.js';
import { fit, fitPad } from '../../ui/text.js';
import { colorEnabled } from '../../ui/theme.js';
import { pickerRows, selectableIndexes, selectorKey, type PickerRow, type PickerState } from './picker-model.js';

export interface SourcePickerProps {
  state: PickerState;
  /** First row drawn (keeps the cursor visible). */
  scroll: number;
  width: number;
  height: number;
  /** "loading services from 3 nodes…", or the nodes that did not answer. */
  note: string;
  noteTone: 'dim' | 'warn';
}

function rowText(row: PickerRow, s: PickerState, width: number): string {
  switch (row.kind) {
    case 'header':
      return row.text === 'Nodes' ? 'Nodes (x or space checks, a all)' : 'Logs (check several, or enter on one)';
    case 'node':
      return `  [${s.checkedNodes.has(row.node) ? 'x' : ' '}] ${row.node}`;
    case 'source': {
      const box = `  [${s.checkedSources.has(selectorKey(row.entry.selector)) ? 'x' : ' '}] `;
      const name = fitPad(row.entry.name, Math.min(28, Math.max(10, width - box.length - 16)));
      return `${box}${name}  ${row.entry.note}`;
    }
    case 'typed':
      return '  [+] other log…  type a service id or a Kubernetes container id';
  }
}

export function SourcePicker({ state, scroll, width, height, note, noteTone }: SourcePickerProps) {
  const rows = pickerRows(state);
  const cursorAt = selectableIndexes(rows)[state.cursor] ?? -1;
  const listHeight = Math.max(1, height - 2);
  const shown = rows.slice(scroll, scroll + listHeight);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Line segments={[{ text: fit('Follow which logs, on which nodes? enter opens them', width), tone: 'accent' }]} />
      {shown.map((row, i) => {
        const index = scroll + i;
        const selected = index === cursorAt;
        const text = fitPad(`${selected ? '›' : ' '}${rowText(row, state, width - 1)}`, width);
        return (
          <Text key={index} wrap="truncate" inverse={selected && colorEnabled} bold={row.kind === 'header'} dimColor={row.kind === 'typed' && !selected && colorEnabled}>
            {text}
          </Text>
        );
      })}
      {Array.from({ length: Math.max(0, listHeight - shown.length) }, (_, i) => (
        <Text key={`pad${i}`}> </Text>
      ))}
      <Line segments={[{ text: fit(note || ' ', width), tone: noteTone }]} />
    </Box>
  );
}
