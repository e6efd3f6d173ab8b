// Asks for a file path (the status pane: where to save an etcd snapshot): a one-line text field prefilled
// with a default path. Enter accepts, Esc cancels, ^U clears. This file only draws it; usePrompt
// (use-prompt.tsx) opens it and owns its keys (src/ui/text-entry).
import { Box, Text } from 'ink';
import { toneProps } from './shell/tones.js';
import { TextField } from './text-entry/index.js';
import { colorEnabled } from './theme.js';
import { fit } from './text.js';

export interface PathPromptProps {
  title: string;
  value: string;
  /** Why Enter was refused, or ''. */
  problem: string;
  width: number;
}

/** Rows the box takes: border (2), title, explanation, field, problem. */
export const PATH_PROMPT_ROWS = 6;

export function PathPrompt({ title, value, problem, width }: PathPromptProps) {
  const w = Math.max(10, width - 2);
  return (
    <Box flexDirection="column" flexShrink={0} width={width} borderStyle="round" borderColor={colorEnabled ? 'cyan' : undefined}>
      <Text wrap="truncate" {...toneProps('accent')}>
        {fit(title, w)}
      </Text>
      <Text wrap="truncate">{fit('File (written 0600, via a temp file renamed into place); Enter to save, Esc to cancel:', w)}</Text>
      <TextField prompt="> " value={value} width={w} cursor="_" />
      <Text wrap="truncate" {...toneProps('warn')}>
        {problem ? fit(problem, w) : ' '}
      </Text>
    </Box>
  );
}
