// The built package (dist/talos-tui.js) for the tests that run it as a process. `npm test` builds it
// first; a bare `vitest run` on a fresh clone has no dist/, and those suites then skip saying why
// (in the suite's title and once on stderr) instead of vanishing from the report.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const builtEntry = `${repoRoot}dist/talos-tui.js`;

/** Why the built package cannot be run, or null when it can. */
export const notBuilt: string | null = existsSync(builtEntry) ? null : 'dist/talos-tui.js is missing: run `npm run build` (npm test does)';

/**
 * `describe` for tests of the built package: skipped, with the reason in its title, when dist/ is
 * missing or `alsoNeeds` names something else that is (e.g. "tmux is not installed").
 */
export function describeBuilt(name: string, fn: () => void, alsoNeeds: string | null = null): void {
  const reason = notBuilt ?? alsoNeeds;
  if (reason) {
    process.stderr.write(`skipping "${name}": ${reason}\n`);
    describe.skip(`${name} (skipped: ${reason})`, fn);
  } else {
    describe(name, fn);
  }
}
