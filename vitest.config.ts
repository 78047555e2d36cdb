import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['@loopkit/source'] },
  ssr: { resolve: { conditions: ['@loopkit/source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'docs/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
})
