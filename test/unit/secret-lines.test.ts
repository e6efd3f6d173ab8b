// The line-level secret pass (src/core/secret-lines.ts) over Talos's own config diff, which Talos does
// not redact: secret values on -, + and context lines, block scalars, jointoken URLs, and the one line
// that replaces a diff in which only secrets changed. The structural redactor's layout is checked too.
import { describe, expect, it } from 'vitest';
import { redactConfig, REDACTED } from '../../src/core/config-redact.js';
import { redactConfigDiff, redactLines, redactNodeReply, SECRETS_DIFFER } from '../../src/core/secret-lines.js';

const reply = (diff: string) => `Dry run summary:\nApplied configuration without a reboot (skipped in dry-run).\n\nConfig diff:\n\n${diff}`;

describe('redactNodeReply: a dry-run reply from Talos', () => {
  it('replaces secret values on removed, added and context lines, and keeps the rest of the diff', () => {
    const diff = ['--- a', '+++ b', '@@ -1,6 +1,6 @@', ' machine:', '-  token: oldtoken', '+  token: newtoken', '   ca:', '     key: LS0tcrivatekey', '-  type: worker', '+  type: controlplane', ''].join('\n');
    const out = redactNodeReply(reply(diff), REDACTED);
    for (const s of ['oldtoken', 'newtoken', 'LS0tcrivatekey']) expect(out).not.toContain(s);
    expect(out).toContain("-  token: '******'");
    expect(out).toContain("     key: '******'");
    expect(out).toContain('-  type: worker\n+  type: controlplane');
    expect(out.startsWith('Dry run summary:\nApplied configuration without a reboot (skipped in dry-run).\n\nConfig diff:\n\n--- a\n+++ b\n@@')).toBe(true);
  });

  it('says "secrets differ" in one line when only secret values changed', () => {
    const diff = ['--- a', '+++ b', '@@ -1,4 +1,4 @@', ' cluster:', '-  secret: aaa', '+  secret: bbb', '-    - secret: k1', '+    - secret: k2', '   name: x', ''].join('\n');
    expect(redactNodeReply(reply(diff), REDACTED)).toBe(reply(SECRETS_DIFFER));
    // An unchanged diff with no secret in it is left alone (no false "secrets differ").
    const plain = ['--- a', '+++ b', '@@ -1,2 +1,2 @@', '-  type: a', '+  type: b', ''].join('\n');
    expect(redactConfigDiff(plain, REDACTED)).toBe(plain);
  });

  it('block scalar secrets, list items, quoted keys, jointoken URLs; mappings and empty values stay', () => {
    const diff = [
      '--- a',
      '+++ b',
      '@@ -1,12 +1,12 @@',
      '+  privateKey: |',
      '+    -----BEGIN KEY-----',
      '+    c2VjcmV0',
      '+  name: after',
      '-      - passphrase: "quoted pass" # comment',
      '+      "apiToken": tok',
      '   auth:',
      '     username: u',
      '-  token: ""',
      ' apiUrl: https://s.example/?a=1&jointoken=jt0k&b=2',
      '',
    ].join('\n');
    const out = redactConfigDiff(diff, REDACTED);
    for (const s of ['BEGIN KEY', 'c2VjcmV0', 'quoted pass', 'tok\n', 'jt0k']) expect(out).not.toContain(s);
    expect(out).toContain('+  name: after');
    expect(out).toContain('   auth:\n     username: u');
    expect(out).toContain('-  token: ""');
    expect(out).toContain(`jointoken=${REDACTED}&b=2`);
    expect(out).toContain(`-      - passphrase: '${REDACTED}'`);
  });

  it('the immediate-mode refusal quotes the diff after "diff:"', () => {
    const text = "this config change can't be applied in immediate mode\ndiff:\n--- a\n+++ b\n@@ -1 +1 @@\n-  token: t1\n+  token: t2\n-  x: 1\n+  x: 2\n";
    const out = redactNodeReply(text, REDACTED);
    expect(out).not.toMatch(/t1|t2/);
    expect(out).toContain('+  x: 2');
  });
});

describe('redactConfig: layout kept, values replaced', () => {
  it('replaces scalars and block scalars in place, comments and other lines untouched', () => {
    const text = 'version: v1alpha1\nmachine:\n  token: abc # why\n  ca:\n    crt: CRT\n    key: |\n      multi\n      line\n  type: worker\ncluster:\n  token: ""\n  secret: s\n';
    expect(redactConfig(text)).toBe("version: v1alpha1\nmachine:\n  token: '******' # why\n  ca:\n    crt: CRT\n    key: '******'\n  type: worker\ncluster:\n  token: \"\"\n  secret: '******'\n");
  });

  it('a document without `version` but with machine/cluster keys is read as v1alpha1; other kinds keep their values', () => {
    expect(redactConfig('machine:\n  token: abc\n')).toBe("machine:\n  token: '******'\n");
    const other = 'apiVersion: v1alpha1\nkind: KubeletConfig\ntoken: x\n---\nkind: Unknown\nmachine:\n  token: y\n';
    expect(redactConfig(other)).toBe(other);
  });

  it('text that is not YAML falls back to the line pass', () => {
    expect(redactLines('machine:\n  token: abc\n [broken', REDACTED)).toBe("machine:\n  token: '******'\n [broken");
    expect(redactConfig('machine:\n  token: abc\n  - [broken')).toBe("machine:\n  token: '******'\n  - [broken");
  });
});
