// Regenerates src/talos/proto/gen from proto/ (the project's own .proto subset).
// buf ships its compiler inside the npm package, so this needs no download and no protoc.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('src/talos/proto/gen', { recursive: true, force: true });
execFileSync('npx', ['buf', 'generate'], { stdio: 'inherit' });
console.log('generated src/talos/proto/gen');
