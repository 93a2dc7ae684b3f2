/**
 * The root test configuration: one project per package plus the examples.
 * vitest 4/5 ignore a root vitest.workspace.ts unless it is named, so the root
 * `test` script runs `vitest run --config vitest.workspace.ts`.
 * Workspace packages resolve to their TypeScript sources through the
 * `@pictor/source` export condition: tests never need a build first.
 */
import { defineConfig } from 'vitest/config';

const project = (dir: string, name: string, include = ['test/**/*.test.ts'], setupFiles: string[] = []) => ({
  resolve: { conditions: ['@pictor/source'] },
  ssr: { resolve: { conditions: ['@pictor/source'] } },
  test: {
    name,
    root: dir,
    include,
    environment: 'node' as const,
    testTimeout: 30_000,
    setupFiles,
  },
});

export default defineConfig({
  test: {
    projects: [
      project('packages/core', 'core'),
      project('packages/mock', 'mock'),
      project('packages/testing', 'testing'),
      project('packages/zai', 'zai'),
      project('packages/novita', 'novita'),
      project('packages/pictor', 'pictor'),
      project('packages/cli', 'cli'),
      project('packages/ai-sdk', 'ai-sdk'),
      project('packages/otel', 'otel'),
      // Needs redis-server: its globalSetup starts one on a free loopback port.
      { ...project('packages/queue', 'queue'), test: { ...project('packages/queue', 'queue').test, globalSetup: ['test/redis.global.ts'], testTimeout: 180_000 } },
      project('examples', 'examples'),
      // Hostile servers, files and keys (issue 12): its own project so it can be run alone.
      // Every file also asserts its process's peak RSS stayed under 300 MB.
      project('packages/pictor', 'adversarial', ['adversarial/**/*.test.ts'], ['adversarial/peak-rss.setup.ts']),
    ],
  },
});
