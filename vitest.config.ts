import { readdirSync, existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// One root config. Every package, app and cross-package suite with a test/ folder is a project named after its
// folder, and imports of @excite/* resolve to TypeScript sources through the "source" export condition, so
// tests never need a build.
const sourceConditions = ['source', 'node', 'import', 'module', 'default'];

const projectDirs = ['packages', 'apps', 'test'].flatMap((top) =>
  existsSync(top)
    ? readdirSync(top, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && existsSync(`${top}/${entry.name}/test`))
        .map((entry) => `${top}/${entry.name}`)
    : [],
);

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: {
    // Vitest's default leaves one core to the main process; on CI's two cores that runs every file one after another,
    // while the main process here only collects results. Two workers halve the suite's wall time.
    maxWorkers: 2,
    projects: projectDirs.map((dir) => ({
      extends: true,
      test: {
        name: dir.split('/').pop()!,
        root: dir,
        include: ['test/**/*.test.ts'],
        testTimeout: 60_000,
      },
    })),
  },
});
