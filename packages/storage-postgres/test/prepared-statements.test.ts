import { afterAll, describe, expect, it } from 'vitest'
import { postgresStorage } from '../src/index.js'
import { dropSchema, order, randomSchema, sku, TEST_URL } from './helpers.js'

// The hot statements are named prepared statements unless `prepare: false` (poolers that cannot
// keep them, e.g. PgBouncer in transaction mode before 1.21).

const schemas: string[] = []
afterAll(() => Promise.all(schemas.map(dropSchema)))

async function preparedAfterASale(prepare: boolean | undefined): Promise<number> {
  const schema = randomSchema()
  schemas.push(schema)
  // One connection, so the session the count reads is the one the sale used.
  const storage = postgresStorage(
    { connectionString: TEST_URL, max: 1 },
    prepare === undefined ? { schema } : { schema, prepare },
  )
  try {
    const duck = await storage.putSku({ sku: sku({ stock: 5 }) })
    for (let i = 0; i < 2; i++) {
      await storage.getSku({ id: duck.id })
      await storage.createOrder({
        order: order({ skuId: duck.id }),
        reserve: [{ skuId: duck.id, quantity: 1 }],
      })
    }
    expect((await storage.getSku({ id: duck.id }))?.stock).toBe(3)
    const { rows } = await storage.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pg_prepared_statements',
    )
    return rows[0]!.n
  } finally {
    await storage.close()
  }
}

describe('prepared statements', () => {
  it('prepares the hot statements once per connection by default', async () => {
    expect(await preparedAfterASale(undefined)).toBe(2) // the SKU read and the checkout
  })

  it('sends every statement unnamed with `prepare: false`', async () => {
    expect(await preparedAfterASale(false)).toBe(0)
  })
})
