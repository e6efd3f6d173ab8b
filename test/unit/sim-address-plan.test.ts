import { describe, expect, it } from 'vitest';
import { planNodes } from '../../src/sim/cluster.js';

const plan = (configured: number, maintenance: number, listen = '127.0.10.1', onePort = false) =>
  planNodes({ configured, maintenance, listen, port: 50000 }, onePort);

describe('simulator address plan', () => {
  it('keeps a small cluster in its /24: configured .11+, maintenance .101+', () => {
    expect(plan(3, 2).map((p) => `${p.name}=${p.ip}:${p.port}`)).toEqual([
      'cp1=127.0.10.11:50000',
      'cp2=127.0.10.12:50000',
      'cp3=127.0.10.13:50000',
      'm1=127.0.10.101:50000',
      'm2=127.0.10.102:50000',
    ]);
  });

  it('spreads 500 configured and 500 maintenance nodes over consecutive /24s, each address once', () => {
    const plans = plan(500, 500);
    const ips = plans.map((p) => p.ip);
    expect(new Set(ips).size).toBe(1000);
    const byName = new Map(plans.map((p) => [p.name, p.ip]));
    // The 89th configured node (w86) is the last in the first /24; the 90th starts the next one.
    expect(byName.get('w86')).toBe('127.0.10.99');
    expect(byName.get('w87')).toBe('127.0.11.11');
    expect(byName.get('m154')).toBe('127.0.10.254');
    expect(byName.get('m155')).toBe('127.0.11.101');
    expect(byName.get('w497')).toBe('127.0.15.65'); // index 499 = 5 * 89 + 54
    for (const ip of ips) {
      const host = Number(ip.split('.')[3]);
      expect(host >= 11 && host <= 254 && host !== 100).toBe(true);
    }
  });

  it('carries into the second octet and refuses to leave 127.0.0.0/8', () => {
    expect(plan(90, 0, '127.3.255.1').at(-1)!.ip).toBe('127.4.0.11');
    expect(() => plan(90, 0, '127.255.255.1')).toThrow(/runs past 127\.255\.255\.0\/24/);
  });

  it('gives every node its own port where only 127.0.0.1 exists', () => {
    const plans = plan(300, 300, '127.0.10.1', true);
    expect(new Set(plans.map((p) => p.port)).size).toBe(600);
    expect(plans.every((p) => p.ip === '127.0.0.1')).toBe(true);
  });
});
