// Properties of config patching: an empty patch is the identity, a JSON 6902 add then remove of a
// fresh key is the empty JSON patch, and merging a patch twice equals merging it once for keyed/replaced
// parts (scalars, booleans, interfaces by name, podSubnets).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { applyPatches, escapePointerToken, parseConfig, parsePatch, renderConfig } from '../../src/core/config-patch/index.js';

const key = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9._/~-]{0,11}$/);
const leaf = fc.oneof(fc.string({ maxLength: 12 }), fc.integer({ min: -1000, max: 1000 }), fc.boolean());
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
})).node;

/** A v1alpha1-shaped config with arbitrary extra content under machine. */
const config = fc.record({
  hostname: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
  extra: fc.dictionary(key, value, { maxKeys: 5 }),
  subnets: fc.array(fc.ipV4().map((ip) => `${ip}/16`), { maxLength: 3 }),
});

const text = (c: { hostname: string; extra: Record<string, unknown>; subnets: string[] }) =>
  stringify({ version: 'v1alpha1', machine: { network: { hostname: c.hostname }, extra: c.extra }, cluster: { network: { podSubnets: c.subnets } } });

describe('config patch properties', () => {
  it('an empty strategic patch is the identity; empty text, `null` and `[]` are one empty JSON patch', () => {
    fc.assert(
      fc.property(config, fc.constantFrom('', '[]', 'null\n', '# nothing\n'), (c, empty) => {
        const base = parseConfig(text(c), 'base');
        expect(renderConfig(applyPatches(base, [parsePatch('machine: {}', 'p')]))).toBe(renderConfig(base));
        expect(renderConfig(applyPatches(base, [parsePatch(empty, 'p')]))).toBe(renderConfig(applyPatches(base, [parsePatch('[]', 'p')])));
      }),
    );
  });

  it('a JSON 6902 add then remove of a fresh key is the empty JSON patch', () => {
    fc.assert(
      fc.property(config, key, value, (c, k, v) => {
        fc.pre(!(k in c.extra));
        const base = parseConfig(text(c), 'base');
        const path = `/machine/extra/${escapePointerToken(k)}`;
        const patch = parsePatch(JSON.stringify([{ op: 'add', path, value: v }, { op: 'remove', path }]), 'p');
        expect(renderConfig(applyPatches(base, [patch]))).toBe(renderConfig(applyPatches(base, [parsePatch('[]', 'p')])));
      }),
    );
  });

  it('replaced and keyed parts are idempotent: the same patch twice equals once', () => {
    const patchArb = fc.record({
      hostname: fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
      dhcp: fc.boolean(),
      subnets: fc.array(fc.ipV4().map((ip) => `${ip}/16`), { minLength: 1, maxLength: 2 }),
    });
    fc.assert(
      fc.property(config, patchArb, (c, p) => {
        const base = parseConfig(text(c), 'base');
        const patch = parsePatch(
          stringify({ machine: { network: { hostname: p.hostname, interfaces: [{ interface: 'eth0', dhcp: p.dhcp }] } }, cluster: { network: { podSubnets: p.subnets } } }),
          'p',
        );
        expect(renderConfig(applyPatches(base, [patch, patch]))).toBe(renderConfig(applyPatches(base, [patch])));
      }),
    );
  });
});
