// Asks for a file path (the status pane: where to save an etcd snapshot): a one-line text field prefilled with a default path.
// Enter accepts, Esc cancels, ctrl+u clears. The owner captures shell input while it is shown.
import { useRef, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import { isPrintable, keyName } from './keys.js';
import { toneProps } from './shell/tones.js';
import { colorEnabled } from './theme.js';
import { displayWidth, fit } from './text.js';
import { applyTypedChunk } from './typed-chunk.js';

export interface PathPromptProps {
  title: string;
  initial: string;
  width: number;
  active: boolean;
  onSubmit(path: string): void;
  onCancel(): void;
}

export function PathPrompt({ title, initial, width, active, onSubmit, onCancel }: PathPromptProps) {
  const [value, setValue] = useState(initial);
  const [problem, setProblem] = useState('');
  // Source of truth in a ref: a fast Enter must submit what was typed, not an older frame's value.
  const current = useRef(initial);
  const edit = (next: string) => {
    current.current = next;
    setValue(next);
  };
  useInput(
    (input, key) => {
      const name = keyName(input, key);
      if (name === 'escape') onCancel();
      else if (name === 'enter') {
        if (current.current.trim() === '') setProblem('type a file name (or Esc to cancel)');
        else onSubmit(current.current.trim());
      } else if (name === 'backspace') edit(current.current.slice(0, -1));
      else if (name === 'ctrl+u') edit('');
      else if (isPrintable(input, key)) edit(current.current + input);
      else {
        const chunk = applyTypedChunk(current.current, input, key);
        if (!chunk) return;
        edit(chunk.text);
        if (chunk.enter) {
          if (chunk.text.trim() === '') setProblem('type a file name (or Esc to cancel)');
          else onSubmit(chunk.text.trim());
        }
      }
    },
    { isActive: active },
  );
  const w = Math.max(10, width - 2);
  // Show the end of a long path: that is where the user is typing.
  const field = displayWidth(value) > w - 3 ? '…' + value.slice(-(w - 4)) : value;
  return (
    <Box flexDirection="column" flexShrink={0} width={width} borderStyle="round" borderColor={colorEnabled ? 'cyan' : undefined}>
      <Text wrap="truncate" {...toneProps('accent')}>
        {fit(title, w)}
      </Text>
      <Text wrap="truncate">{fit('File (written 0600, via a temp file renamed into place); Enter to save, Esc to cancel:', w)}</Text>
      <Text wrap="truncate">
        <Text {...toneProps('accent')}>{'> '}</Text>
        {field}
        <Text {...toneProps('dim')}>{'_'}</Text>
      </Text>
      <Text wrap="truncate" {...toneProps('warn')}>
        {problem ? fit(problem, w) : ' '}
      </Text>
    </Box>
  );
}
