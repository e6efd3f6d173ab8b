// Confirmation before an action that changes a node. With `expect` (dangerous actions) the user must
// type that exact text, the node's name, so a slip of the finger on a busy on-call screen cannot
// restart etcd on the wrong machine; a wrong name keeps the prompt open and does nothing. Without
// `expect` it is a plain y/N question.
// This file only draws it; usePrompt (use-prompt.tsx) opens it, owns its keys (src/ui/text-entry)
// and decides. Shared by every pane with dangerous actions.
import { Box, Text } from 'ink';
import { toneProps } from './shell/tones.js';
import { TextField } from './text-entry/index.js';
import { colorEnabled } from './theme.js';
import { fit } from './text.js';

export interface ConfirmRequest {
  title: string;
  /** What will happen, one sentence per line. */
  detail?: readonly string[];
  /** Text the user must type (the node name); null for a y/N question. */
  expect: string | null;
  /** What `expect` is, for the prompt line (default "node name"). */
  expectLabel?: string;
  onConfirm: () => void;
}

export interface ConfirmDangerousProps {
  request: ConfirmRequest;
  /** What was typed so far. */
  typed: string;
  /** The last wrong name submitted, or null. */
  wrong: string | null;
  width: number;
}

/** Rows the box takes: border (2), title, details, then the question, field and a line for "wrong name". */
export function confirmRows(request: ConfirmRequest): number {
  return 2 + 1 + (request.detail?.length ?? 0) + (request.expect === null ? 1 : 3);
}

export function ConfirmDangerous({ request, typed, wrong, width }: ConfirmDangerousProps) {
  const { title, detail = [], expect } = request;
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
          <Text wrap="truncate">{fit(`Type the ${request.expectLabel ?? 'node name'} (${expect}) and press Enter, Esc to cancel:`, w)}</Text>
          <TextField prompt="> " value={typed} width={w} cursor="_" />
          <Text wrap="truncate" {...toneProps('warn')}>
            {wrong !== null ? fit(`"${wrong}" is not ${expect}: nothing was done`, w) : ' '}
          </Text>
        </>
      )}
    </Box>
  );
}
