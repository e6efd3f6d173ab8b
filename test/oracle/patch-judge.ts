// The product's patch engine and Talos's configpatcher side by side, for the differential tests.
// "The same config": both outputs read back by Talos's configloader and encoded again must be the same
// bytes. The product keeps the base's key order and scalar styles on purpose (talosctl re-encodes in Go
// struct order), so its raw bytes differ; what a node reads from them may not.
import { expect } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ConfigPatchError, renderPatched } from '../../src/core/config-patch/index.js';
import { runOracle } from './oracle.js';

export interface PatchCase {
  config: string;
  patches: string[];
}

interface OracleAnswer {
  bytes?: string;
  error?: string;
  canonical?: string;
  canonicalError?: string;
  productCanonical?: string;
  productError?: string;
}

export interface Verdict {
  product: { output?: string; error?: string };
  talos: OracleAnswer;
}

function productRender(c: PatchCase): { output?: string; error?: string } {
  try {
    return { output: renderPatched({ name: 'base', text: c.config }, c.patches.map((text, i) => ({ name: `patch ${i + 1}`, text }))) };
  } catch (err) {
    if (err instanceof ConfigPatchError) return { error: err.message };
    throw err;
  }
}

/** Runs every case through the product and (in one oracle call) through Talos. */
export function judge(cases: readonly PatchCase[]): Verdict[] {
  const product = cases.map(productRender);
  const talos = runOracle<OracleAnswer[]>('patch', JSON.stringify(cases.map((c, i) => ({ ...c, product: product[i].output }))));
  return cases.map((_, i) => ({ product: product[i], talos: talos[i] }));
}

const values = (text: string) => parseAllDocuments(text).map((d) => d.toJS());

/** Both refuse, or both produce the same config (see the header for what "the same" means). */
export function expectSame(v: Verdict, what: string): void {
  const { product, talos } = v;
  if (talos.error !== undefined) {
    expect(product.error, `${what}: Talos refuses (${talos.error}) and the product does not`).toBeDefined();
    return;
  }
  expect(product.error, `${what}: the product refuses what Talos applies`).toBeUndefined();
  if (talos.canonical !== undefined) {
    expect(talos.productCanonical ?? `Talos cannot load the product's output: ${talos.productError}`, what).toBe(talos.canonical);
  } else {
    // Talos's own output is not a loadable config (a JSON patch on a fragment): compare the values.
    expect(values(product.output!), what).toEqual(values(talos.bytes!));
  }
}

