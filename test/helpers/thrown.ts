import { expect } from 'vitest';

/** The error `fn` throws, checked to be a `type`; the test fails when `fn` throws nothing. */
export function thrownBy<E extends Error>(type: abstract new (...args: any[]) => E, fn: () => unknown): E {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(type);
    return err as E;
  }
  throw new Error(`expected a ${type.name}`);
}
