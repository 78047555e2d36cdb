import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

// Per-package size budgets (issue #14: core had crept to 113 KB min+gzip with zod's locales). Each
// entry is bundled the way an adopter's bundler would — minified, with its dependencies — except
// peers (@loopkit/*, vitest), the server drivers nobody bundles (pg, better-sqlite3), and two
// vendor libraries used as they ship: the Stripe SDK and node-forge (the test simulators' X.509). Budgets
// sit ~15% above the measured size; raise one only with a reason in the commit.
// The widget's own budget (12 KB, with its QR encoder) is in packages/widget/test/size.test.ts.
const KB = 1024
const budgets: { entry: string; platform: 'neutral' | 'node'; budget: number }[] = [
  // 32 KB after the zod/mini move; 44.4 KB once rate limits, login binding, pages, refund
  // reconciliation and background loops landed; 54.8 KB with the customer pool, analytics and
  // validated programmatic inputs; 59.5 KB with the notification policy and campaigns. Issue #14's
  // target is 50 KB: OVER IT, and the issue stays open until core is split (sandbox/memory adapters,
  // analytics and campaigns behind subpath entries). This budget only stops further creep.
  { entry: 'core/src/index.ts', platform: 'neutral', budget: 61 * KB },
  { entry: 'core/src/node/index.ts', platform: 'neutral', budget: 3 * KB },
  // 13.8 / 16.8 KB with limits, merges, refund queues, rate-limit buckets, batch completion,
  // the customer pool (filter compilers) and analytics rollups.
  { entry: 'storage-sqlite/src/index.ts', platform: 'node', budget: 17.5 * KB },
  { entry: 'storage-postgres/src/index.ts', platform: 'node', budget: 21 * KB },
  // 19.4 KB with platform certificates; 26.3 KB with the official-account message server.
  { entry: 'wechat/src/index.ts', platform: 'node', budget: 29 * KB },
  { entry: 'alipay/src/index.ts', platform: 'node', budget: 14 * KB },
  { entry: 'stripe/src/index.ts', platform: 'node', budget: 7 * KB },
  // 60 KB: three more vendor simulators (Alipay, Stripe, WeChat platform certificates), the
  // official account, and the pool/rollup suites.
  { entry: 'testing/src/index.ts', platform: 'node', budget: 66 * KB },
]

async function minGzip(entry: string, platform: 'neutral' | 'node'): Promise<number> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(`../../../${entry}`, import.meta.url))],
    bundle: true,
    minify: true,
    format: 'esm',
    platform,
    mainFields: ['module', 'main'],
    external: ['@loopkit/*', 'vitest', 'pg', 'better-sqlite3', 'stripe', 'node-forge'],
    write: false,
    logLevel: 'silent',
  })
  return gzipSync(result.outputFiles[0]!.contents).length
}

describe('size budgets (min+gzip, with dependencies)', () => {
  for (const { entry, platform, budget } of budgets) {
    it(`${entry} stays within ${(budget / KB).toFixed(0)} KB`, async () => {
      const size = await minGzip(entry, platform)
      console.log(`${entry}: ${(size / KB).toFixed(1)} KB min+gzip (budget ${budget / KB} KB)`)
      expect(size).toBeLessThanOrEqual(budget)
    })
  }
})
