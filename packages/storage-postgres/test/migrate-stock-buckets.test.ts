import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { migrations } from '../src/index.js'
import { createTestStorage, dropSchema, event, order, randomSchema, TEST_URL } from './helpers.js'

// Issue #13: a database at schema version 7 (what `main` shipped before stock buckets), with stock
// and orders in it, moves to the bucket layout without losing a unit or an order.

const schema = randomSchema()
afterAll(() => dropSchema(schema))

/** Builds the schema exactly as version 7 left it, with a shop's data written the way v7 wrote it. */
async function seedVersion7(): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_URL })
  await client.connect()
  const s = `"${schema}"`
  try {
    await client.query(`CREATE SCHEMA ${s}`)
    await client.query(`CREATE TABLE ${s}.schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
    for (const m of migrations.filter((m) => m.version <= 7)) {
      await client.query(m.sql(s))
      await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [
        m.version,
        m.name,
      ])
    }
    await client.query(`INSERT INTO ${s}.skus (id, title, price, currency, stock, active, limit_per_customer) VALUES
      ('duck', 'Salted duck', 8800, 'CNY', 37, true, NULL),
      ('tea', 'Tea', 1200, 'CNY', 5, true, 2),
      ('gift', 'Gift card', 5000, 'CNY', NULL, true, NULL),
      ('gone', 'Sold out', 100, 'CNY', 0, false, NULL)`)
    const insert = (id: string, status: string, reserved: unknown[], lines: unknown[]) =>
      client.query(
        `INSERT INTO ${s}.orders (id, number, customer_id, lines, total, currency, status, provider, reserved,
           created_at, expires_at, paid_at, updated_at)
         VALUES ($1, $1, 'cus_1', $2, 8800, 'CNY', $3, 'sandbox', $4, 1000, 901000, NULL, 1000)`,
        [id, JSON.stringify(lines), status, JSON.stringify(reserved)],
      )
    const line = (skuId: string, quantity: number) => ({ skuId, title: skuId, quantity, unitPrice: 100 })
    // v7 kept what an order took in `reserved`, and cleared it when the order released its stock.
    await insert('ord_pending', 'pending', [{ skuId: 'duck', quantity: 3 }], [line('duck', 3)])
    await insert(
      'ord_multi',
      'pending',
      [
        { skuId: 'duck', quantity: 1 },
        { skuId: 'tea', quantity: 2 },
      ],
      [line('duck', 1), line('tea', 2)],
    )
    await insert('ord_gift', 'pending', [{ skuId: 'gift', quantity: 1 }], [line('gift', 1)])
    await insert('ord_paid', 'paid', [{ skuId: 'duck', quantity: 2 }], [line('duck', 2)])
    await insert('ord_expired', 'expired', [], [line('duck', 4)])
  } finally {
    await client.end()
  }
}

describe('migrating a version 7 database to stock buckets', () => {
  it('keeps every unit and every order, and releases held units into buckets', async () => {
    await seedVersion7()
    const storage = createTestStorage(schema)
    try {
      const before = await storage.pool.query(`SELECT * FROM "${schema}".orders ORDER BY id`)
      expect(await storage.migrate()).toEqual({
        applied: migrations.filter((m) => m.version > 7).map((m) => m.version),
      })

      const stock = Object.fromEntries(
        (await storage.listSkus({ activeOnly: false })).map((k) => [k.id, k.stock]),
      )
      expect(stock).toEqual({ duck: 37, tea: 5, gift: null, gone: 0 })
      expect((await storage.getSku({ id: 'tea' }))?.limitPerCustomer).toBe(2)

      // Every order is still there, field for field, except what `reserved` now says per bucket.
      const after = await storage.pool.query(`SELECT * FROM "${schema}".orders ORDER BY id`)
      const strip = (rows: Record<string, unknown>[]) => rows.map(({ reserved: _, ...o }) => o)
      expect(strip(after.rows)).toEqual(strip(before.rows))
      const held = Object.fromEntries(after.rows.map((o) => [o.id, o.reserved]))
      expect(held).toEqual({
        ord_pending: [{ skuId: 'duck', quantity: 3, bucket: 0 }],
        ord_multi: [
          { skuId: 'duck', quantity: 1, bucket: 0 },
          { skuId: 'tea', quantity: 2, bucket: 0 },
        ],
        ord_gift: [], // an untracked SKU: nothing was taken, so nothing is given back
        ord_paid: [{ skuId: 'duck', quantity: 2, bucket: 0 }],
        ord_expired: [],
      })

      // Expiring the orders v7 created gives back exactly what they held.
      for (const id of ['ord_pending', 'ord_multi', 'ord_gift']) {
        const r = await storage.transitionOrder({
          id,
          from: ['pending'],
          to: 'expired',
          releaseStock: true,
          now: 2_000,
        })
        expect(r.changed).toBe(true)
      }
      expect((await storage.getSku({ id: 'duck' }))?.stock).toBe(41)
      expect((await storage.getSku({ id: 'tea' }))?.stock).toBe(7)
      expect((await storage.getSku({ id: 'gift' }))?.stock).toBeNull()

      // And the migrated SKUs sell as before: every unit, then "sold out".
      const sold = await Promise.allSettled(
        Array.from({ length: 45 }, (_, i) =>
          storage.createOrder({
            order: order({ skuId: 'duck', customerId: `cus_m${i}` }),
            reserve: [{ skuId: 'duck', quantity: 1 }],
            effects: { events: [event('order.created')] },
          }),
        ),
      )
      expect(sold.filter((r) => r.status === 'fulfilled')).toHaveLength(41)
      expect((await storage.getSku({ id: 'duck' }))?.stock).toBe(0)
    } finally {
      await storage.close()
    }
  })
})
