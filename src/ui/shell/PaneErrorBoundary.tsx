// A pane that throws while rendering shows its error in its own area; the rest of the console keeps
// working (and the terminal is never left in raw mode by a pane bug).
import { Component, type ReactNode } from 'react';
import { Box, Text } from 'ink';

interface Props {
  title: string;
  children: ReactNode;
  onError?: () => void;
}

export class PaneErrorBoundary extends Component<Props, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch() {
    this.props.onError?.();
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <Box flexDirection="column">
        <Text wrap="truncate">{`${this.props.title} failed: ${this.state.error.message}`}</Text>
        <Text wrap="truncate">Switch panes and come back later, or restart talos-tui.</Text>
      </Box>
    );
  }
}
