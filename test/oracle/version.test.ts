import { expect, it } from 'vitest';
import { describeOracle, runOracle } from './oracle.js';

describeOracle('the oracle', () => {
  it('is built from the pinned machinery and knows the contracts from v1.3 on', () => {
    const v = runOracle<{ machinery: string; contracts: string[] }>('version');
    expect(v.machinery).toMatch(/^v1\.\d+\.\d+/);
    expect(v.contracts[0]).toBe('v1.3');
    expect(v.contracts.length).toBeGreaterThanOrEqual(12);
  });
});
