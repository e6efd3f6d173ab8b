// src/core/config-patch (what `config render` and `apply` use) against Talos's own configpatcher
// (`talosctl machineconfig patch`): every upstream configpatcher case, read from the pinned module's
// testdata in the Go module cache (random cases: config-patch-random.test.ts). The same config (see
// patch-judge.ts), or both refuse.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeOracle, machineryDir } from './oracle.js';
import { expectSame, judge } from './patch-judge.js';

describeOracle('config patching vs Talos configpatcher: upstream cases', () => {
  let testdata = '';
  const read = (p: string) => readFileSync(join(testdata, p), 'utf8');
  beforeAll(() => {
    testdata = join(machineryDir(), 'config', 'configpatcher', 'testdata');
  });

  // The cases of configpatcher's apply_test.go, load_test.go and configpatcher_test.go: base, patches.
  const upstream: [name: string, base: string, patches: string[]][] = [
    ['TestApply', 'apply/config.yaml', ['apply/strategic1.yaml', 'apply/jsonpatch1.yaml', 'apply/jsonpatch2.yaml', 'apply/strategic2.yaml', 'apply/strategic3.yaml']],
    ['TestApplyMultiDocFail', 'multidoc/config.yaml', ['multidoc/jsonpatch.yaml', 'multidoc/strategic1.yaml']],
    ['TestApplyMultiDoc', 'multidoc/config.yaml', ['multidoc/strategic1.yaml', 'multidoc/strategic2.yaml', 'multidoc/strategic3.yaml']],
    ['TestApplyAuditPolicy', 'auditpolicy/config.yaml', ['auditpolicy/patch1.yaml']],
    ['TestApplyWithManifestNewline', 'apply/config.yaml', ['apply/strategic4.yaml']],
    ['TestApplyMultiDocDelete', 'patchdelete/config.yaml', ['patchdelete/strategic1.yaml']],
    ['TestApplyMultiDocCPDelete', 'patchdelete/controlplane_orig.yaml', ['patchdelete/strategic2.yaml', 'patchdelete/strategic3.yaml', 'patchdelete/strategic4.yaml']],
    ['TestPatchDeleteMissing', 'patchdeletemissing/config.yaml', ['patchdeletemissing/strategic1.yaml']],
    ['TestPatchLink', 'patchlink/base.yaml', ['patchlink/patch.yaml']],
    ['TestPatchMixed', 'patchmixed/base.yaml', ['patchmixed/patch.yaml']],
    ['TestLoadMixedPatches on the apply config', 'apply/config.yaml', ['patch.json', 'strategic.yaml', 'patch.yaml']],
    ['TestLoadJSONPatches on the apply config', 'apply/config.yaml', ['patch.json', 'patch.yaml']],
    ['TestLoadStrategic on the apply config', 'apply/config.yaml', ['strategic.yaml']],
  ];

  it.each(upstream)('%s', (name, base, patches) => {
    const [v] = judge([{ config: read(base), patches: patches.map(read) }]);
    expectSame(v, name);
  });

  it('TestJSON6902: a JSON patch on a config fragment', () => {
    const [v] = judge([{ config: 'machine:\n  kubelet: {}\n', patches: ['[{"op": "add", "path": "/machine/kubelet/extraArgs", "value": {"cloud-provider": "external"}}]'] }]);
    expectSame(v, 'TestJSON6902');
  });

  it('Talos itself produces the upstream expected files (the oracle reads what the tests read)', () => {
    const [v] = judge([{ config: read('patchmixed/base.yaml'), patches: [read('patchmixed/patch.yaml')] }]);
    expect(v.talos.bytes).toBe(read('patchmixed/expected.yaml'));
  });
});
