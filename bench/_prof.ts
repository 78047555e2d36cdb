import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { sqliteStorage } from '../packages/storage-sqlite/src/index.js'
const require = createRequire(new URL('../packages/storage-sqlite/package.json', import.meta.url))
const Database = require('better-sqlite3')
const N = 50000
const file = join(mkdtempSync(join(tmpdir(), 'p-')), 'p.db')
const st = sqliteStorage({ file })
await st.countCustomers({})
const db = new Database(file)
db.exec(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${N - 1})
    INSERT INTO customers (id, identities, display_name, avatar_url, tags, consents, referred_by, followed_at,
      unfollowed_at, last_interaction_at, time_zone, created_at, updated_at)
    SELECT printf('cus_%08d', i), '[]', NULL, NULL, '[]', '[]', NULL, 1, NULL, NULL, NULL, 1, 1 FROM n`)
const MESSAGE = JSON.stringify({ topic: 'campaign', title: 'Mid-autumn', body: 'Mooncake duck, 20% off', fields: {} })
for (let round = 0; round < 3; round++) {
  for (const lim of [5000, 50000]) {
    db.exec('DELETE FROM notifications')
    const id = `c${round}_${lim}`
    const c = { id, name: null, audienceId: 'followers', where: { followed: true }, message: { title: 't', body: 'b', fields: {} }, channels: ['console'], sendAt: null, status: 'sending' as const, cursor: null, queued: 0, unreachable: 0, startedAt: 1, createdAt: 1, updatedAt: 1 }
    await st.createCampaign!({ campaign: c })
    let cur: string | null = null
    const t0 = performance.now()
    for (;;) {
      const r = await st.fanOutCampaign!({ id, expect: { cursor: cur }, where: { followed: true }, now: 1, limit: lim, routes: [{ channel: 'console', reach: { all: [] } }], message: JSON.parse(MESSAGE), nextAttemptAt: null, at: 2 })
      cur = r!.cursor
      if (!cur) break
    }
    console.log('fanout', lim, (performance.now() - t0).toFixed(0))
  }
  db.exec('DELETE FROM notifications')
  const t = performance.now()
  db.prepare(`INSERT INTO notifications (id, dedupe_key, channel, customer_id, message, status, attempts, next_attempt_at, created_at, updated_at)
          SELECT 'ntf_' || id, 'campaign:base${round}:' || id || ':console', 'console', id, ?, 'pending', 0, 1, 1, 1
          FROM customers WHERE followed_at IS NOT NULL ORDER BY id`).run(MESSAGE)
  console.log('baseline', (performance.now() - t).toFixed(0))
}
