// Confirmation before an action that changes a node. With `expect` (dangerous actions) the user must
// type that exact text, the node's name, so a slip of the finger on a busy on-call screen cannot
// restart etcd on the wrong machine; a wrong name keeps the prompt open and does nothing. Without
// `expect` it is a plain y/N question. The owner turns shell.captureInput on while this is shown
// (so q, digits and : reach the field) and passes `active` for Ink's useInput.
// Shared by every pane with dangerous actions (status today; discovery/apply may adopt it).
import { useRef, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import { isPrintable, keyName } from './keys.js';
import { toneProps } from './shell/tones.js';
import { colorEnabled } from './theme.js';
import { fit } from './text.js';
import { applyTypedChunk } from './typed-chunk.js';

export interface ConfirmRequest {
  title: string;
  /** What will happen, one sentence per line. */
  detail?: readonly string[];
  /** Text the user must type (the node name); null for a y/N question. */
  expect: string | null;
  onConfirm: () => void;
}

export interface ConfirmDangerousProps extends ConfirmRequest {
  width: number;
  active: boolean;
  onCancel: () => void;
}

export function ConfirmDangerous({ title, detail = [], expect, onConfirm, onCancel, width, active }: ConfirmDangerousProps) {
  const [typed, setTyped] = useState('');
  const [wrong, setWrong] = useState<string | null>(null);
  // The field's value lives in a ref too: Ink swaps in each render's handler from an effect, so a
  // fast Enter right after typing could otherwise compare against the text of an older frame.
  const value = useRef('');
  const edit = (next: string) => {
    value.current = next;
    setTyped(next);
  };

  useInput(
    (input, key) => {
      const name = keyName(input, key);
      if (name === 'escape') return onCancel();
      if (expect === null) {
        if (input === 'y' || input === 'Y') onConfirm();
        else onCancel();
        return;
      }
      if (name === 'enter') {
        if (value.current === expect) onConfirm();
        else setWrong(value.current);
        return;
      }
      if (name === 'backspace') edit(value.current.slice(0, -1));
      else if (name === 'ctrl+u') edit('');
      else if (isPrintable(input, key)) edit(value.current + input);
      else {
        const chunk = applyTypedChunk(value.current, input, key);
        if (!chunk) return;
        edit(chunk.text);
        if (chunk.enter) {
          if (chunk.text === expect) onConfirm();
          else setWrong(chunk.text);
        }
      }
    },
    { isActive: active },
  );

  const w = Math.max(10, width - 2);
  return (
    <Box flexDirection="column" flexShrink={0} width={width} borderStyle="round" borderColor={colorEnabled ? 'red' : undefined}>
      <Text wrap="truncate" {...toneProps('error')}>
        {fit(title, w)}
      </Text>
      {detail.map((line, i) => (
        <Text key={i} wrap="truncate">
          {fit(line, w)}
        </Text>
      ))}
      {expect === null ? (
        <Text wrap="truncate">{fit('Proceed? [y/N]', w)}</Text>
      ) : (
        <>
          <Text wrap="truncate">{fit(`Type the node name (${expect}) and press Enter, Esc to cancel:`, w)}</Text>
          <Text wrap="truncate">
            <Text {...toneProps('accent')}>{'> '}</Text>
            {fit(typed, w - 3)}
            <Text {...toneProps('dim')}>{'_'}</Text>
          </Text>
          <Text wrap="truncate" {...toneProps('warn')}>
            {wrong !== null ? fit(`"${wrong}" is not ${expect}: nothing was done`, w) : ' '}
          </Text>
        </>
      )}
    </Box>
  );
}
