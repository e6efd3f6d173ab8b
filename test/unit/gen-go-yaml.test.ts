// The Go YAML encoder's choices, as observed from go.yaml.in/yaml through the oracle and pinned here so a
// regression shows without Go: scalar styles, map key order, indentation of nested blocks and literals.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compareGoKeys, goMap, marshalGoYaml, sortedGoMap } from '../../src/core/gen/go-yaml.js';

const scalar = (s: string) => marshalGoYaml(goMap([['k', s]])).slice(3, -1);

describe('Go YAML scalar styles', () => {
  it.each([
    ['plain', 'plain'],
    ['', '""'],
    ['true', '"true"'],
    ['off', "'off'"],
    ['Yes', "'Yes'"],
    ['nO', 'nO'],
    ['017', '"017"'],
    ['08', '"08"'],
    ['1_000', '"1_000"'],
    ['0x_1', '"0x_1"'],
    ['1.', '"1."'],
    ['._1', '._1'],
    ['.inf', '".inf"'],
    ['1:20', "'1:20'"],
    ['12:60', '12:60'],
    ['2001-12-14', '"2001-12-14"'],
    ['a: b', "'a: b'"],
    ['x #y', "'x #y'"],
    ['#x', "'#x'"],
    ['-', "'-'"],
    ['- x', "'- x'"],
    ['-1', '"-1"'],
    ['[x', "'[x'"],
    ['x]', 'x]'],
    ["'q", "'''q'"],
    ['x\ty', '"x\\ty"'],
    ['<<', "'<<'"],
    ['=', '='],
    ['  lead', "'  lead'"],
    ['disk.dev_path == "/dev/vda"', 'disk.dev_path == "/dev/vda"'],
    // Numbers Go's parsers refuse as out of range stay strings, so plain; a leading "." goes to ParseFloat.
    ['.5e-3', '".5e-3"'],
    ['.e5', '.e5'],
    ['1e-400', '"1e-400"'],
    ['0xFFFFFFFFFFFFFFFF', '"0xFFFFFFFFFFFFFFFF"'],
    ['-0x8000000000000001', '-0x8000000000000001'],
    ['18446744073709551616', '"18446744073709551616"'],
  ])('%j -> %s', (value, written) => {
    expect(scalar(value)).toBe(written);
    expect(parse(`k: ${written}`).k).toBe(value);
  });

  // Go reads these back as strings (its parsers refuse them as out of range); JavaScript's YAML reads numbers.
  it.each([['1.e309'], ['1e309'], ['0x1FFFFFFFFFFFFFFFF']])('%j stays plain', (value) => {
    expect(scalar(value)).toBe(value);
  });
});

describe('Go YAML map key order and layout', () => {
  it('writes a key over 128 bytes as a complex key', () => {
    const key = `k${'x'.repeat(128)}`;
    expect(marshalGoYaml(goMap([[key, 'v'], ['short', 'w']]))).toBe(`? ${key}\n: v\nshort: w\n`);
    expect(parse(marshalGoYaml(goMap([[key, 'v']])))[key]).toBe('v');
  });


  it('sorts keys naturally: letters first, digit runs as numbers', () => {
    const keys = ['net.ipv4.conf10', 'net.ipv4.conf9', 'a b', '-', 'true', '1.5', '1', '0x1', 'a'];
    expect([...keys].sort(compareGoKeys)).toEqual(['-', '0x1', '1', '1.5', 'a', 'a b', 'net.ipv4.conf9', 'net.ipv4.conf10', 'true']);
  });

  it('indents nested blocks to the next multiple of four, and right after "- " inside sequence items', () => {
    const text = marshalGoYaml(
      goMap([
        ['config', goMap([['resources', [goMap([['providers', [goMap([['secretbox', goMap([['keys', [goMap([['name', 'key2'], ['secret', 's']])]]])]])]], ['resources', ['secrets']]])]]])],
        ['acceptedCAs', ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n']],
        ['empty', goMap([])],
        ['none', []],
        ['labels', sortedGoMap({ b: '', a: 'x' })],
      ]),
    );
    expect(text).toBe(
      [
        'config:',
        '    resources:',
        '        - providers:',
        '            - secretbox:',
        '                keys:',
        '                    - name: key2',
        '                      secret: s',
        '          resources:',
        '            - secrets',
        'acceptedCAs:',
        '    - |',
        '      -----BEGIN CERTIFICATE-----',
        '      AAAA',
        '      -----END CERTIFICATE-----',
        'empty: {}',
        'none: []',
        'labels:',
        '    a: x',
        '    b: ""',
        '',
      ].join('\n'),
    );
  });
});
