// YAML text the way Talos writes it: go.yaml.in/yaml (v3/v4) Marshal with its default 4-space indent,
// which is what `talosctl gen config` produces with comments disabled. Only the shapes Talos's config
// documents use are covered: block mappings and sequences, empty ones in flow style ({} and []),
// scalars plain where the Go encoder keeps them plain, double-quoted where a plain scalar would read as
// another type, single-quoted where the emitter refuses plain, and literal blocks for multi-line text.
//
// Indentation follows the Go emitter: a nested block starts at the next multiple of 4 after its key's
// column, except directly inside a sequence item, where it starts right after "- ".

/** A YAML value in Talos's documents. Mappings keep their entry order (struct field order, or sorted for Go maps). */
export type GoYaml = string | number | boolean | GoYaml[] | GoMap;
export type GoMap = Map<string, GoYaml>;

/** A mapping from entries, skipping undefined values (Go's omitempty, decided by the caller). */
export function goMap(entries: Array<[string, GoYaml | undefined]>): GoMap {
  const m: GoMap = new Map();
  for (const [k, v] of entries) if (v !== undefined) m.set(k, v);
  return m;
}

/** A Go map[string]T: entries in the Go YAML encoder's key order (see compareGoKeys). */
export function sortedGoMap(record: Readonly<Record<string, GoYaml>>): GoMap {
  return new Map(Object.keys(record).sort(compareGoKeys).map((k) => [k, record[k]!]));
}

// unicode.IsDigit and unicode.IsLetter, on whole runes.
const isDigit = (c: string): boolean => /\p{Nd}/u.test(c);
const isLetter = (c: string): boolean => /\p{L}/u.test(c);
const rune = (c: string): number => c.codePointAt(0)!;
/** Go's `n*10 + int64(r-'0')` on int64: it wraps, and runs of 19 digits or more do wrap. */
const digitStep = (n: bigint, c: string): bigint => BigInt.asIntN(64, n * 10n + BigInt(rune(c) - 48));

/** The Go YAML encoder's "natural" map key order: letters before other runes, runs of digits compared as numbers. */
export function compareGoKeys(a: string, b: string): number {
  const ar = [...a];
  const br = [...b];
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) {
      digits = isDigit(ar[i]!);
      continue;
    }
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return rune(ar[i]!) < rune(br[i]!) ? -1 : 1;
    if (al || bl) return (digits ? al : bl) ? -1 : 1;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = digitStep(an, ar[ai]!);
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = digitStep(bn, br[bi]!);
    if (an !== bn) return an < bn ? -1 : 1;
    if (ai !== bi) return ai < bi ? -1 : 1;
    return rune(ar[i]!) < rune(br[i]!) ? -1 : 1;
  }
  return ar.length === br.length ? 0 : ar.length < br.length ? -1 : 1;
}

// Plain scalars the Go decoder would resolve to another type (null, bool, int, float, timestamp): the
// encoder writes them double-quoted. Integers are what strconv.ParseInt/ParseUint(s, 0) accept once
// underscores are removed; floats what its YAML float pattern and ParseFloat accept.
const NULL_OR_BOOL = /^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|)$/;
const SPECIAL_FLOAT = /^([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$/;
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|0|[1-9][0-9]*)$/;
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}(([Tt]|[ \t]+)\d{1,2}:\d{1,2}:\d{1,2}(\.\d*)?(Z|[-+]\d{1,2}(:\d{2})?)?)?$/;
// YAML 1.1 booleans, sexagesimal numbers and the merge key: the encoder keeps them out of plain style
// (they come out single-quoted).
const OLD_BOOL = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;
const BASE60 = /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/;

function resolvesToOtherType(s: string): boolean {
  if (NULL_OR_BOOL.test(s) || SPECIAL_FLOAT.test(s)) return true;
  // A leading "." goes straight to ParseFloat (".5", ".5e-3"), without the float pattern.
  if (s.startsWith('.')) return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s) && Number.isFinite(Number(s));
  if (!/^[-+0-9]/.test(s)) return false;
  if (TIMESTAMP.test(s)) return true;
  const plain = s.replaceAll('_', '');
  // Out of range, the decoder's ParseInt/ParseUint and ParseFloat fail and the scalar stays a
  // string: 0x1FFFFFFFFFFFFFFFF or 1.e309 are written plain.
  return isGoInt(plain) || (YAML_FLOAT.test(plain) && Number.isFinite(Number(plain)));
}

const INT64_MIN = -(2n ** 63n);
const UINT64_END = 2n ** 64n;

/** Would strconv.ParseInt(s, 0, 64) or ParseUint(s, 0, 64) (no sign allowed there) accept it? */
function isGoInt(plain: string): boolean {
  if (!GO_INT.test(plain)) return false;
  const signed = /^[-+]/.test(plain);
  const digits = signed ? plain.slice(1) : plain;
  const prefixed = /^0[xXbBoO]/.test(digits) ? `0${digits[1]!.toLowerCase()}${digits.slice(2)}` : /^0[0-7]+$/.test(digits) ? `0o${digits.slice(1)}` : digits;
  const value = (plain.startsWith('-') ? -1n : 1n) * BigInt(prefixed);
  return (value >= INT64_MIN && value < 2n ** 63n) || (!signed && value < UINT64_END);
}

const INDICATORS = new Set([...'-?:,[]{}#&*!|>\'"%@`']);

/** libyaml's analysis: may `s` be written as a plain scalar in block context? */
function plainAllowed(s: string): boolean {
  if (s === '' || s !== s.trim()) return false;
  if (s.startsWith('---') || s.startsWith('...')) return false;
  const first = s[0]!;
  const second = s[1] ?? '';
  if (INDICATORS.has(first)) {
    // "-", "?" and ":" may start a plain scalar when followed by a non-space.
    if (!('-?:'.includes(first) && second !== '' && second !== ' ')) return false;
  }
  return !(s.includes(': ') || s.includes(' #') || s.endsWith(':'));
}

function doubleQuoted(s: string): string {
  return JSON.stringify(s);
}

function singleQuoted(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** A one-line scalar in the style the Go encoder picks. */
function inlineScalar(s: string): string {
  if (/[\u0000-\u001f\u007f-\u009f\ufeff]/.test(s) || resolvesToOtherType(s)) return doubleQuoted(s);
  if (OLD_BOOL.test(s) || BASE60.test(s) || s === '<<') return singleQuoted(s);
  return plainAllowed(s) ? s : singleQuoted(s);
}

/** The header and lines of a literal block scalar (multi-line text), lines indented by `indent`. */
function literalBlock(s: string, indent: number): string {
  let chomp = '';
  if (!s.endsWith('\n')) chomp = '-';
  else if (s.endsWith('\n\n')) chomp = '+';
  const hint = s.startsWith(' ') || s.startsWith('\n') ? '4' : '';
  const body = s.endsWith('\n') ? s.slice(0, -1) : s;
  const pad = ' '.repeat(indent);
  const lines = body.split('\n').map((line) => (line === '' ? '' : pad + line));
  return `|${hint}${chomp}\n${lines.join('\n')}\n`;
}

const next = (indent: number): number => 4 * Math.floor((indent + 4) / 4);

function isEmptyCollection(v: GoYaml): string | null {
  if (Array.isArray(v)) return v.length === 0 ? '[]' : null;
  if (v instanceof Map) return v.size === 0 ? '{}' : null;
  return null;
}

/** The text after "key:" or "- " for a value whose nested block would start at column `inner`. */
function valueText(v: GoYaml, inner: number): string {
  const empty = isEmptyCollection(v);
  if (empty) return ` ${empty}\n`;
  if (typeof v === 'boolean') return ` ${v}\n`;
  if (typeof v === 'number') return ` ${String(v)}\n`;
  if (typeof v === 'string') return v.includes('\n') ? ` ${literalBlock(v, inner)}` : ` ${inlineScalar(v)}\n`;
  return '\n' + (Array.isArray(v) ? sequence(v, inner) : mapping(v, inner));
}

/** libyaml writes a key longer than this (in bytes) as a complex key: "? key", then ": value" on the next line. */
const SIMPLE_KEY_MAX = 128;

function mapping(m: GoMap, indent: number): string {
  let out = '';
  const pad = ' '.repeat(indent);
  for (const [k, v] of m) {
    const key = inlineScalar(k);
    out += Buffer.byteLength(k) > SIMPLE_KEY_MAX ? `${pad}? ${key}\n${pad}:${valueText(v, next(indent))}` : `${pad}${key}:${valueText(v, next(indent))}`;
  }
  return out;
}

function sequence(items: GoYaml[], indent: number): string {
  let out = '';
  const pad = ' '.repeat(indent);
  for (const item of items) {
    if (item instanceof Map && item.size > 0) {
      // The first key sits on the "- " line; the rest align under it.
      const body = mapping(item, indent + 2);
      out += `${pad}- ${body.slice(indent + 2)}`;
    } else if (Array.isArray(item) && item.length > 0) {
      const body = sequence(item, indent + 2);
      out += `${pad}- ${body.slice(indent + 2)}`;
    } else {
      out += `${pad}-${valueText(item, indent + 2)}`;
    }
  }
  return out;
}

/** One YAML document (no "---"), as go.yaml.in/yaml Marshal writes it. */
export function marshalGoYaml(doc: GoMap): string {
  if (doc.size === 0) return '{}\n';
  return mapping(doc, 0);
}
