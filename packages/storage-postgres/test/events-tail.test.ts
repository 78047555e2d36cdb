import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeEffects } from '../src/_internal/effects.js'
import type { PostgresStorage } from '../src/index.js'
import { createTestStorage, dropSchema, event, order, sku, TEST_URL } from './helpers.js'

let storage: PostgresStorage
beforeAll(async () => {
  storage = createTestStorage()
  await storage.migrate()
})
afterAll(async () => {
  await storage.close()
  await dropSchema(storage.schema)
})

describe('listEvents while a writer is still in flight', () => {
  it('does not let a reader page past a seq that commits after a later one', async () => {
    // Writer A gets the lower seq but commits last — the interleaving that makes a naive
    // `WHERE seq > $after` reader skip an event forever.
    const a = new pg.Client({ connectionString: TEST_URL })
    await a.connect()
    try {
      await a.query('BEGIN')
      await writeEffects(
        a,
        { s: `"${storage.schema}"`, schema: storage.schema },
        { effects: { events: [event('tail.slow')] }, now: 1 },
      )
      await storage.appendEvents({ events: [event('tail.fast')] })

      const firstPage = storage.listEvents({ after: 0, limit: 10 })
      // Commit A once the reader has either answered or is queued behind A.
      await Promise.race([firstPage, readerQueued()])
      await a.query('COMMIT')

      const seen = (await firstPage).map((e) => e.type)
      const last = (await firstPage).at(-1)?.seq ?? 0
      for (const e of await storage.listEvents({ after: last, limit: 10 })) seen.push(e.type)
      expect(seen).toEqual(['tail.slow', 'tail.fast'])
    } finally {
      await a.end()
    }
  })
})

describe('listEvents during a flash sale', () => {
  it('tails every order.created of a sale on one hot SKU, in order, while orders take the stock', async () => {
    const duck = await storage.putSku({ sku: sku({ stock: 100 }) })
    const seen: number[] = []
    let after = 0
    let selling = true
    const tail = (async () => {
      for (;;) {
        const finished = !selling
        const page = await storage.listEvents({ after, types: ['sale.order'], limit: 1000 })
        seen.push(...page.map((e) => e.seq))
        after = page.at(-1)?.seq ?? after
        if (finished && page.length === 0) return
      }
    })()
    const results = await Promise.allSettled(
      Array.from({ length: 250 }, (_, i) =>
        storage.createOrder({
          order: order({ skuId: duck.id, customerId: `cus_sale_${i}` }),
          reserve: [{ skuId: duck.id, quantity: 1 }],
          effects: { events: [event('sale.order')] },
        }),
      ),
    )
    selling = false
    await tail
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(100)
    expect((await storage.getSku({ id: duck.id }))!.stock).toBe(0)
    expect(seen).toHaveLength(100)
    expect([...seen].sort((a, b) => a - b)).toEqual(seen)
  })
})

async function readerQueued(): Promise<void> {
  for (;;) {
    const { rows } = await storage.pool.query(
      `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`,
    )
    if (rows[0].n > 0) return
    await new Promise((r) => setTimeout(r, 5))
  }
}
