import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Customer } from '@loopkit/core'
import { testStorageAdapter } from '@loopkit/testing'
import Database from 'better-sqlite3'
import { afterAll } from 'vitest'
import { sqliteStorage } from '../src/index.js'

testStorageAdapter({
  name: 'sqliteStorage(:memory:)',
  create: async () => sqliteStorage({ file: ':memory:' }),
})

// The same suite on a real file in WAL mode, as apps run it.
const dir = mkdtempSync(join(tmpdir(), 'loopkit-sqlite-'))
let n = 0
let file = ''
testStorageAdapter({
  name: 'sqliteStorage(file, WAL)',
  create: async () => {
    file = join(dir, `contract-${n++}.db`)
    return sqliteStorage({ file })
  },
  // The scale case's 100,000 customers in one transaction on a second connection to the file.
  seedCustomers: async (_storage, customers) => seedFile(file, customers),
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function seedFile(path: string, customers: Customer[]): void {
  const db = new Database(path)
  try {
    const customer =
      db.prepare(`INSERT INTO customers (id, identities, display_name, avatar_url, tags, consents,
      referred_by, followed_at, unfollowed_at, last_interaction_at, time_zone, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    const identity = db.prepare(
      'INSERT INTO customer_identities (provider, subject, union_id, customer_id) VALUES (?, ?, ?, ?)',
    )
    db.transaction(() => {
      for (const c of customers) {
        customer.run(
          c.id,
          JSON.stringify(c.identities),
          c.displayName,
          c.avatarUrl,
          JSON.stringify(c.tags),
          JSON.stringify(c.consents),
          c.referredBy,
          c.followedAt,
          c.unfollowedAt,
          c.lastInteractionAt,
          c.timeZone,
          c.createdAt,
          c.updatedAt,
        )
        for (const i of c.identities) identity.run(i.provider, i.subject, i.unionId ?? null, c.id)
      }
    })()
  } finally {
    db.close()
  }
}
