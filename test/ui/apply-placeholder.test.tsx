// The Apply placeholder is honest: it says the pane is not built, and when Discovery sends a node
// it shows the headless command that does the same job.
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import ApplyPane from '../../src/features/apply/index.js';
import type { PaneProps, ShellApi } from '../../src/features/pane-types.js';

const shell = {} as ShellApi;
const base: PaneProps = { session: null, sessionProblem: null, width: 80, height: 20, active: true, shell, selectedNodes: [], demo: false };

describe('Apply placeholder', () => {
  it('says it is not built yet', () => {
    const { lastFrame } = render(<ApplyPane {...base} />);
    expect(lastFrame()).toContain('Apply: not built yet.');
    expect(lastFrame()).not.toContain('talos-tui apply');
  });

  it('shows the headless apply for the node Discovery sent, dry run first', () => {
    const command = 'talos-tui apply --insecure --nodes 127.0.0.2 --file talos/worker.yaml';
    const { lastFrame } = render(<ApplyPane {...base} params={{ node: '127.0.0.2', headlessCommand: command, inventoryEntry: { name: 'w1' } }} />);
    const flat = lastFrame()!.replace(/\s*\n\s*/g, ' ');
    expect(flat).toContain('Discovery sent 127.0.0.2 (inventory entry w1)');
    expect(flat).toContain(`${command} --dry-run`);
  });
});
