// Secrets out of config text that cannot be read as one YAML tree: Talos's own config diff (the
// dry-run reply, the immediate-mode refusal; Talos does not redact them), an error quoting a config,
// text that does not parse. Conservative: a line whose key is the name of any field Talos's
// RedactSecrets replaces has its value replaced, wherever it sits, and so do a secret block scalar's
// lines and any URL's `jointoken`. Pure: text in, text out.

/** Every field name RedactSecrets replaces somewhere (v1alpha1 and the multi-doc secret kinds). */
const SECRET_KEYS = new Set([
  'token',
  'key',
  'secret',
  'aescbcEncryptionSecret',
  'secretboxEncryptionSecret',
  'password',
  'auth',
  'identityToken',
  'privateKey',
  'presharedKey',
  'apiToken',
  'passphrase',
  'uniqueToken',
  'clusterSecret',
]);

// [diff prefix][indent][list dashes]key: value — the prefix is one of ' ', '+', '-' in a diff.
const KEY_LINE = /^([-+ ]?)(\s*)((?:-\s+)*)(["']?)([A-Za-z][\w]*)\4(\s*:)(\s+)(.*)$/;
const BLOCK = /^[|>][-+0-9]*\s*(#.*)?$/;

/** `text` with each secret value on a line replaced by `replacement`. `diff`: lines carry a diff prefix. */
export function redactLines(text: string, replacement: string, diff = false): string {
  let blockIndent = -1;
  return text
    .split('\n')
    .map((line) => {
      if (diff && (line.startsWith('@@') || line.startsWith('--- ') || line.startsWith('+++ '))) {
        blockIndent = -1;
        return line;
      }
      const body = diff ? line.slice(1) : line;
      const indent = body.length - body.trimStart().length;
      if (blockIndent >= 0) {
        if (body.trim() === '' || indent > blockIndent) return body.trim() === '' ? line : `${diff ? line[0] : ''}${' '.repeat(indent)}${replacement}`;
        blockIndent = -1;
      }
      const out = withoutJoinToken(line, replacement);
      const m = KEY_LINE.exec(diff ? out : ` ${out}`);
      if (!m || !SECRET_KEYS.has(m[5]!)) return out;
      const value = m[8]!.replace(/\s+#.*$/, '').trim();
      if (value === '' || value === '""' || value === "''" || value === '~' || value === 'null') return out;
      if (BLOCK.test(value)) {
        blockIndent = m[2]!.length + m[3]!.length;
        return out;
      }
      const redacted = `${m[1]}${m[2]}${m[3]}${m[4]}${m[5]}${m[4]}${m[6]}${m[7]}'${replacement}'`;
      return diff ? redacted : redacted.slice(1); // outside a diff, drop the space matched as its prefix
    })
    .join('\n');
}

function withoutJoinToken(line: string, replacement: string): string {
  return line.replace(/([?&]jointoken=)[^&#\s'"]*/gi, (_m, name: string) => `${name}${replacement}`);
}

/**
 * Talos's unified config diff with its secret values replaced. When nothing but secrets changed
 * (each hunk removes exactly the lines it adds once redacted), one line says so instead of a diff
 * that would look empty.
 */
export function redactConfigDiff(diff: string, replacement: string): string {
  const redacted = redactLines(diff, replacement, true);
  return redacted !== diff && onlySecretsDiffer(redacted) ? SECRETS_DIFFER : redacted;
}

export const SECRETS_DIFFER = 'secrets differ (not shown)';

function onlySecretsDiffer(diff: string): boolean {
  const hunks: { removed: string[]; added: string[] }[] = [];
  for (const line of diff.split('\n')) {
    if (line.startsWith('--- ') || line.startsWith('+++ ')) continue;
    if (line.startsWith('@@') || hunks.length === 0) hunks.push({ removed: [], added: [] });
    if (line.startsWith('-')) hunks[hunks.length - 1]!.removed.push(line.slice(1));
    else if (line.startsWith('+')) hunks[hunks.length - 1]!.added.push(line.slice(1));
  }
  return hunks.some((h) => h.removed.length + h.added.length > 0) && hunks.every((h) => h.removed.join('\n') === h.added.join('\n'));
}

/**
 * A dry-run reply's text (Talos's "Dry run summary: … Config diff:" followed by a unified diff, or a
 * refusal quoting one after "diff:") with the diff's secrets replaced; text before the diff gets the
 * plain line pass.
 */
export function redactNodeReply(text: string, replacement: string): string {
  const m = /(^|\n)((?:Config )?diff:\n)/.exec(text);
  if (!m) return redactLines(text, replacement);
  const at = m.index + m[1]!.length + m[2]!.length;
  const body = text.slice(at);
  const lead = body.length - body.replace(/^\n+/, '').length;
  return redactLines(text.slice(0, at), replacement) + body.slice(0, lead) + redactConfigDiff(body.slice(lead), replacement);
}
