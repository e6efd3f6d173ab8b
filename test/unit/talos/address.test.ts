import { describe, expect, it } from 'vitest';
import { parseEndpoint } from '../../../src/talos/address.js';

describe('parseEndpoint', () => {
  it.each([
    ['127.0.81.1', '127.0.81.1:50000'],
    ['127.0.81.1:50001', '127.0.81.1:50001'],
    ['talos-cp1', 'talos-cp1:50000'],
    ['::1', '[::1]:50000'],
    ['[::1]', '[::1]:50000'],
    ['[::1]:6000', '[::1]:6000'],
    ['https://127.0.81.1:6000/', '127.0.81.1:6000'],
    [' 127.0.81.2 ', '127.0.81.2:50000'],
  ])('%s -> %s', (input, address) => {
    expect(parseEndpoint(input).address).toBe(address);
  });

  it.each([
    ['', 'endpoint "" is empty'],
    ['127.0.81.1:0', 'endpoint "127.0.81.1:0" has a bad port "0"'],
    ['127.0.81.1:http', 'endpoint "127.0.81.1:http" has a bad port "http"'],
    ['[::1', 'endpoint "[::1" has an unclosed "["'],
    ['a:b:c', 'endpoint "a:b:c" is not an address: write IPv6 as [addr]:port'],
  ])('refuses %j', (input, message) => {
    expect(() => parseEndpoint(input)).toThrow(message);
  });
});
