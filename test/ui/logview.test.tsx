import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { LogModel } from '../../src/core/logs/log-model.js';
import { NODE_PALETTE, nodeColor, rowTextProps } from '../../src/ui/log-colors.js';
import { LogView } from '../../src/ui/LogView.js';

function twoNodes(): LogModel {
  const m = new LogModel();
  m.addSource({ id: 'a/dmesg', node: '10.0.0.1', label: 'dmesg', format: 'dmesg' });
  m.addSource({ id: 'b/dmesg', node: '10.0.0.22', label: 'dmesg', format: 'dmesg' });
  m.pushLines('a/dmesg', ['kern:    info: [2024-05-01T10:00:00Z]: booting']);
  m.pushLines('b/dmesg', ['kern:     err: [2024-05-01T10:00:01Z]: disk failure']);
  return m;
}

const lines = (frame: string | undefined) => (frame ?? '').split('\n').map((l) => l.trimEnd());

describe('LogView', () => {
  it('draws lines prefixed by their node, aligned', () => {
    const { lastFrame } = render(<LogView model={twoNodes()} height={4} width={80} color={false} />);
    expect(lines(lastFrame()).filter((l) => l !== '')).toEqual([
      '10.0.0.1:  kern:    info: [2024-05-01T10:00:00Z]: booting',
      '10.0.0.22: kern:     err: [2024-05-01T10:00:01Z]: disk failure',
    ]);
  });

  it('wrap on/off changes the rows drawn', () => {
    const m = new LogModel();
    m.addSource({ id: 'n/svc', node: 'n1', label: 'svc', format: 'service' });
    m.pushLines('n/svc', ['x'.repeat(50), 'tail']);
    const noWrap = render(<LogView rows={m.visibleLines(10, 24)} height={10} width={24} color={false} />);
    expect(lines(noWrap.lastFrame()).filter((l) => l !== '')).toEqual(['n1: ' + 'x'.repeat(20), 'n1: tail']);
    m.setWrap(true);
    const wrapped = render(<LogView rows={m.visibleLines(10, 24)} height={10} width={24} color={false} />);
    expect(lines(wrapped.lastFrame()).filter((l) => l !== '')).toEqual([
      'n1: ' + 'x'.repeat(20),
      '    ' + 'x'.repeat(20),
      '    ' + 'x'.repeat(10),
      'n1: tail',
    ]);
  });

  it('draws only the window: 10,000 buffered lines, 5 rows', () => {
    const m = new LogModel();
    m.addSource({ id: 'n/svc', node: 'n1', label: 'svc', format: 'service' });
    m.pushLines('n/svc', Array.from({ length: 10_000 }, (_, i) => `line ${i}`));
    const { lastFrame } = render(<LogView model={m} height={5} width={40} color={false} />);
    const drawn = lines(lastFrame()).filter((l) => l !== '');
    expect(drawn).toEqual(['n1: line 9995', 'n1: line 9996', 'n1: line 9997', 'n1: line 9998', 'n1: line 9999']);
  });

  it('shows the empty text when there is nothing to draw', () => {
    const { lastFrame } = render(<LogView rows={[]} height={3} width={40} color={false} emptyText="no lines match the filter" />);
    expect(lastFrame()).toContain('no lines match the filter');
  });
});

describe('log colours', () => {
  it('gives each node a stable palette colour and spreads nodes over the palette', () => {
    expect(nodeColor('10.0.0.11')).toBe(nodeColor('10.0.0.11'));
    const used = new Set(Array.from({ length: 20 }, (_, i) => nodeColor(`10.0.0.${i + 10}`)));
    expect(used.size).toBeGreaterThanOrEqual(4);
    for (const c of used) expect(NODE_PALETTE).toContain(c);
  });

  it('colours err and worse red, warning yellow, gap markers inverse; nothing at all without colour', () => {
    const m = twoNodes();
    m.markGap('a/dmesg', 'EOF');
    const [, err, gap] = m.visibleLines(5, 80);
    expect(rowTextProps(err!, true)).toMatchObject({ color: 'red' });
    expect(rowTextProps({ ...err!, severity: 'warning' }, true)).toEqual({ color: 'yellow' });
    expect(rowTextProps(gap!, true)).toMatchObject({ inverse: true });
    expect(rowTextProps(err!, false)).toEqual({});
    expect(rowTextProps(gap!, false)).toEqual({});
  });
});
