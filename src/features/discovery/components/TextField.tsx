// One-line text field as drawn: label, the value (its end when too long: that is where the cursor
// is) and a block cursor. Keys are handled by the pane (see use-text-entry.ts).
import { Text } from 'ink';
import { displayWidth, fit } from '../../../ui/text.js';
import { toneProps } from '../../../ui/shell/tones.js';

export function TextField({ label, value, width }: { label: string; value: string; width: number }) {
  const head = `${label}: `;
  const room = Math.max(1, width - displayWidth(head) - 1);
  const text = displayWidth(value) > room ? '…' + value.slice(-(room - 1)) : value;
  return (
    <Text wrap="truncate">
      <Text {...toneProps('accent')}>{head}</Text>
      <Text>{fit(text, room)}</Text>
      <Text inverse> </Text>
    </Text>
  );
}
