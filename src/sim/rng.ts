// A small seeded pseudo-random generator so that every simulated cluster with the same seed has the same
// MACs, member ids, serials and log lines (tests and screenshots stay stable).

export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Whole number in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  /** A non-zero 64-bit id, like etcd member ids. */
  uint64(): bigint;
  hex(bytes: number): string;
}

/** mulberry32: tiny, fast, good enough for fake data (not for anything secret). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    pick: (items) => items[int(items.length)],
    uint64: () => {
      const v = (BigInt(Math.floor(next() * 2 ** 32)) << 32n) | BigInt(Math.floor(next() * 2 ** 32));
      return v === 0n ? 1n : v;
    },
    hex: (bytes) => {
      let out = '';
      for (let i = 0; i < bytes; i++) out += int(256).toString(16).padStart(2, '0');
      return out;
    },
  };
}

/** Stable 32-bit hash of strings and numbers: derives independent sub-seeds (per node, per service). */
export function hashSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = String(part);
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h ^= 0xff;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
