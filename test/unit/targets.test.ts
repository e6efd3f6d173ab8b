import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MAX_HOSTS_WITHOUT_FORCE,
  TargetError,
  addresses,
  compareIp,
  containsIp,
  describeTargets,
  extraEndpoints,
  intToIp,
  ipToInt,
  parseTargets,
  probeCount,
  type TargetSet,
} from '../../src/core/targets.js';
import { thrownBy } from '../helpers/thrown.js';

const list = (set: TargetSet) => [...addresses(set)].map(intToIp);

const errorOf = (fn: () => unknown) => thrownBy(TargetError, fn);

describe('parseTargets: forms', () => {
  it('a /24 is 254 hosts without network and broadcast', () => {
    const set = parseTargets(['127.0.10.0/24']);
    expect(set.hostCount).toBe(254);
    expect(set.intervals).toEqual([[ipToInt('127.0.10.1'), ipToInt('127.0.10.254')]]);
  });

  it('/31 and /32 keep every address', () => {
    expect(list(parseTargets(['127.0.10.6/31']))).toEqual(['127.0.10.6', '127.0.10.7']);
    expect(list(parseTargets(['127.0.10.6/32']))).toEqual(['127.0.10.6']);
  });

  it('a /30 has its two usable hosts', () => {
    expect(list(parseTargets(['127.0.10.4/30']))).toEqual(['127.0.10.5', '127.0.10.6']);
  });

  it('host bits in a CIDR are ignored, so an inventory address can be pasted', () => {
    expect(parseTargets(['127.0.10.11/24'])).toEqual(parseTargets(['127.0.10.0/24']));
  });

  it('single IPs, full ranges and short ranges', () => {
    expect(list(parseTargets(['127.0.0.9']))).toEqual(['127.0.0.9']);
    expect(list(parseTargets(['127.0.0.254-127.0.1.1']))).toEqual(['127.0.0.254', '127.0.0.255', '127.0.1.0', '127.0.1.1']);
    expect(list(parseTargets(['127.0.0.10-12']))).toEqual(['127.0.0.10', '127.0.0.11', '127.0.0.12']);
  });

  it('several targets, in one argument or many, are merged and deduplicated', () => {
    const set = parseTargets(['127.0.0.5-127.0.0.8,127.0.0.7', '127.0.0.9 127.0.0.1', '127.0.0.3-5']);
    expect(set.intervals.map(([s, e]) => [intToIp(s), intToIp(e)])).toEqual([
      ['127.0.0.1', '127.0.0.1'],
      ['127.0.0.3', '127.0.0.9'],
    ]);
    expect(set.hostCount).toBe(8);
  });

  it('an explicit ip:port is kept apart and deduplicated against the scanned port', () => {
    const set = parseTargets(['127.0.0.0/30', '127.0.0.1:50001', '127.0.0.1:50001', '127.0.0.2:50000', '127.9.0.1:50000']);
    expect(set.endpoints).toHaveLength(3);
    expect(extraEndpoints(set, 50000).map((e) => `${intToIp(e.ip)}:${e.port}`)).toEqual(['127.0.0.1:50001', '127.9.0.1:50000']);
    expect(probeCount(set, 50000)).toBe(4);
    expect(describeTargets(set)).toBe('2 hosts in 1 range + 3 endpoints');
  });

  it('a /16 costs one interval, not 65534 addresses', () => {
    const set = parseTargets(['127.77.0.0/16']);
    expect(set.intervals).toHaveLength(1);
    expect(set.hostCount).toBe(65_534);
  });
});

describe('parseTargets: errors name the target', () => {
  it.each([
    ['127.0.0.0/33', '127.0.0.0/33: prefix length must be 0-32'],
    ['127.0.0.0/x', '127.0.0.0/x: prefix length must be 0-32'],
    ['127.0.0/24', '127.0.0/24: "127.0.0" needs four dot-separated numbers'],
    ['127.0.0.256', '127.0.0.256: octet "256" must be 0-255'],
    ['127.0.0.010', '127.0.0.010: octet "010" has a leading zero (write it in plain decimal)'],
    ['127.0.0.40-127.0.0.10', '127.0.0.40-127.0.0.10: range start is after its end'],
    ['127.0.0.40-10', '127.0.0.40-10: range start is after its end'],
    ['127.0.0.1-300', '127.0.0.1-300: range end "300" must be an IPv4 address or a last octet 0-255'],
    ['127.0.0.1:0', '127.0.0.1:0: port must be 1-65535'],
    ['127.0.0.1:50000-50010', '127.0.0.1:50000-50010: a port is only allowed on a single address (ip:port)'],
    ['fe80::1', 'fe80::1: IPv6 addresses are not supported'],
    ['node1.lan', 'node1.lan: "node1.lan" is not an IPv4 address (expected a.b.c.d)'],
  ])('%s', (target, message) => {
    const error = errorOf(() => parseTargets(['127.0.0.1', target]));
    expect(error.message).toBe(message);
    expect(error.target).toBe(target);
  });

  it('no target at all', () => {
    expect(errorOf(() => parseTargets([' , '])).message).toMatch(/no scan target/);
  });

  it('more than a /16 is refused without force, naming the big target', () => {
    const error = errorOf(() => parseTargets(['127.0.0.1', '127.0.0.0/15']));
    expect(error.message).toBe('127.0.0.0/15: 131070 hosts is more than the limit of 65536 (a /16); pass --force to scan it anyway');
    expect(parseTargets(['127.0.0.0/15'], { force: true }).hostCount).toBe(131_070);
  });

  it('several targets that together exceed the limit are refused as a whole', () => {
    const error = errorOf(() => parseTargets(['127.1.0.0/16', '127.2.0.0/16']));
    expect(error.message).toMatch(/^the targets cover 131068 hosts together/);
  });

  it('exactly the limit passes', () => {
    expect(parseTargets(['127.1.0.0-127.1.255.255']).hostCount).toBe(MAX_HOSTS_WITHOUT_FORCE);
  });

  it('with force, a /0 is still just one interval', () => {
    const set = parseTargets(['0.0.0.0/0'], { force: true });
    expect(set.hostCount).toBe(2 ** 32 - 2);
    expect(set.intervals).toEqual([[1, 0xfffffffe]]);
  });
});

describe('ip helpers', () => {
  it('compareIp sorts numerically, not as text', () => {
    expect(['127.0.0.10', '127.0.0.9', '127.0.1.1', '127.0.0.100'].sort(compareIp)).toEqual([
      '127.0.0.9',
      '127.0.0.10',
      '127.0.0.100',
      '127.0.1.1',
    ]);
  });

  it('intToIp rejects values outside uint32', () => {
    expect(() => intToIp(-1)).toThrow(RangeError);
    expect(() => intToIp(2 ** 32)).toThrow(RangeError);
  });
});

// Targets drawn inside 127.0.0.0/16 keep the sets small enough to expand in a test.
const base = ipToInt('127.0.0.0');
const arbTarget = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 20, max: 32 })).map(([offset, prefix]) => {
    const ip = base + offset;
    return { text: `${intToIp(ip)}/${prefix}`, contains: (x: number) => cidrHost(ip, prefix, x) };
  }),
  fc.integer({ min: 0, max: 65535 }).map((offset) => ({ text: intToIp(base + offset), contains: (x: number) => x === base + offset })),
  fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 600 })).map(([offset, length]) => {
    const start = base + offset;
    const end = Math.min(base + 65535, start + length);
    return { text: `${intToIp(start)}-${intToIp(end)}`, contains: (x: number) => x >= start && x <= end };
  }),
);

function cidrHost(ip: number, prefix: number, x: number): boolean {
  const size = 2 ** (32 - prefix);
  const network = ip - (ip % size);
  if (x < network || x >= network + size) return false;
  return prefix >= 31 || (x !== network && x !== network + size - 1);
}

describe('properties of expansion', () => {
  it('count, membership, no duplicates, ascending order, intervals disjoint', () => {
    fc.assert(
      fc.property(fc.array(arbTarget, { minLength: 1, maxLength: 6 }), (targets) => {
        const set = parseTargets(targets.map((t) => t.text));
        const all = [...addresses(set)];
        // count = sum of interval sizes
        expect(all.length).toBe(set.hostCount);
        expect(set.hostCount).toBe(set.intervals.reduce((n, [s, e]) => n + e - s + 1, 0));
        // Plain loops with one expect each: expect() per address would dominate the run time.
        const descending = all.findIndex((ip, i) => i > 0 && ip <= all[i - 1]); // ascending, so no duplicates
        expect(descending).toBe(-1);
        const outside = all.find((ip) => !targets.some((t) => t.contains(ip)));
        expect(outside).toBeUndefined();
        const touching = set.intervals.findIndex(([start], i) => i > 0 && start <= set.intervals[i - 1][1] + 1);
        expect(touching).toBe(-1);
      }),
      { numRuns: 200 },
    );
  });

  it('every address a target covers is yielded (nothing lost in merging)', () => {
    fc.assert(
      fc.property(fc.array(arbTarget, { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 65535 }), (targets, offset) => {
        const set = parseTargets(targets.map((t) => t.text));
        const ip = base + offset;
        expect(containsIp(set, ip)).toBe(targets.some((t) => t.contains(ip)));
      }),
      { numRuns: 500 },
    );
  });

  it('target order does not matter', () => {
    fc.assert(
      fc.property(fc.array(arbTarget, { minLength: 1, maxLength: 5 }), (targets) => {
        const forward = parseTargets(targets.map((t) => t.text));
        const backward = parseTargets(targets.map((t) => t.text).reverse());
        expect(backward).toEqual(forward);
      }),
    );
  });

  it('ipToInt and intToIp round-trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        expect(ipToInt(intToIp(n))).toBe(n);
      }),
    );
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(intToIp(ipToInt(ip))).toBe(ip);
      }),
    );
  });
});
