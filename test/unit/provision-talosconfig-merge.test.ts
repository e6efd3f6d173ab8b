import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mergeTalosconfig } from '../../src/core/provision/talosconfig-merge.js';

describe('mergeTalosconfig (runbook step 12)', () => {
  const generated = 'context: prod\ncontexts:\n  prod:\n    endpoints: []\n    ca: CA1\n    crt: C\n    key: K\n';
  it('writes endpoints = control planes and nodes = all, keeps other contexts, and updates its own on a rerun', () => {
    const existing = 'context: lab\ncontexts:\n  lab: { endpoints: [10.9.0.1], ca: X, crt: Y, key: Z }\n';
    const m = mergeTalosconfig(existing, generated, { clusterName: 'prod', endpoints: ['10.0.0.11'], nodes: ['10.0.0.11', '10.0.0.21'], force: false });
    const out = parse(m.text);
    expect(out.context).toBe('prod');
    expect(out.contexts.lab.endpoints).toEqual(['10.9.0.1']);
    expect(out.contexts.prod).toMatchObject({ endpoints: ['10.0.0.11'], nodes: ['10.0.0.11', '10.0.0.21'], ca: 'CA1' });
    const again = mergeTalosconfig(m.text, generated, { clusterName: 'prod', endpoints: ['10.0.0.11'], nodes: ['10.0.0.11'], force: false });
    expect(again.change).toBe('talosconfig context prod updated');
  });

  it('a context of the same name with another CA is another cluster\'s: kept, the new one is prod-1', () => {
    const existing = 'context: prod\ncontexts:\n  prod: { endpoints: [10.9.0.1], ca: OTHER, crt: Y, key: Z }\n';
    const m = mergeTalosconfig(existing, generated, { clusterName: 'prod', endpoints: ['10.0.0.11'], nodes: ['10.0.0.11'], force: false });
    expect(m.context).toBe('prod-1');
    expect(parse(m.text).contexts.prod.ca).toBe('OTHER');
  });
});
