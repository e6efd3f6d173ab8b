// Regenerates src/talos/proto/gen from proto/ (the project's own .proto subset).
// The generators are fetched from the npm registry on demand (pinned versions) instead of being
// devDependencies: buf's lock entries for other platforms break `npm ci`, and only maintainers
// changing proto/ need them. buf ships its compiler inside the npm package: no protoc download.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const BUF = '@bufbuild/buf@1.75.0';
const PROTOC_GEN_ES = '@bufbuild/protoc-gen-es@2.10.0'; // the last line that runs on Node 20

rmSync('src/talos/proto/gen', { recursive: true, force: true });
execFileSync('npx', ['--yes', '-p', BUF, '-p', PROTOC_GEN_ES, 'buf', 'generate'], { stdio: 'inherit' });
console.log('generated src/talos/proto/gen');
