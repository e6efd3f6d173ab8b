// What the Logs pane shows instead of logs when there is no session to read them with.
import { Box, Text } from 'ink';

export function NoSessionNotice(props: { width: number; sessionProblem?: string | null }) {
  const { width, sessionProblem } = props;
  return (
    <Box flexDirection="column" width={width} paddingX={1}>
      <Text wrap="wrap">
        {sessionProblem
          ? `No Talos session, so no logs to follow: ${sessionProblem}`
          : 'No talosconfig, so no logs to follow: pass --talosconfig (or set $TALOSCONFIG, or ~/.talos/config).'}
      </Text>
      <Text wrap="wrap">A node in maintenance mode can be followed from Discovery over the insecure API (Talos 1.13 or later).</Text>
    </Box>
  );
}
