// One terminal row made of styled segments. Callers fit the text first; `truncate` is a safety net
// so a row can never wrap and push the layout down.
import { Text } from 'ink';
import type { Segment } from './header-model.js';
import { toneProps } from './tones.js';

export function Line({ segments }: { segments: readonly Segment[] }) {
  return (
    <Text wrap="truncate">
      {segments.every((s) => s.text === '') ? ' ' : segments.map((s, i) => (
        <Text key={i} {...toneProps(s.tone)}>
          {s.text}
        </Text>
      ))}
    </Text>
  );
}
