import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Order } from '@loopkit/core'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { sqliteStorage } from '../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'loopkit-group-commit-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const sku = {
  id: 'duck',
  title: 'duck',
  description: null,
  imageUrl: null,
  price: 100,
  currency: 'CNY',
  active: true,
}
const order = (
  i: number,
  quantity = 1,
): { order: Order; reserve: { skuId: string; quantity: number }[] } => ({
  order: {
    id: `ord_${i}`,
    number: `N${String(i).padStart(10, '0')}`,
    customerId: `cus_${i}`,
    lines: [{ skuId: 'duck', title: 'duck', quantity, unitPrice: 100 }],
    total: 100 * quantity,
    currency: 'CNY',
    status: 'pending',
    provider: 'sandbox',
    idempotencyKey: null,
    attribution: null,
    refunded: 0,
    providerRef: null,
    createdAt: 1,
    expiresAt: 2,
    paidAt: null,
    updatedAt: 1,
  },
  reserve: [{ skuId: 'duck', quantity }],
})

describe('group commit', () => {
  it('operations issued in one turn settle on their own: a failing one is rolled back alone, the others commit', async () => {
    const file = join(dir, 'batch.db')
    const storage = sqliteStorage({ file })
    await storage.putSku({ sku: { ...sku, stock: 3 } })
    // Issued in one turn: they share a transaction. The 5-unit order cannot be reserved.
    const results = await Promise.allSettled([
      storage.createOrder(order(1)),
      storage.createOrder(order(2, 5)),
      storage.createOrder(order(3)),
      storage.createOrder({
        ...order(4),
        effects: {
          events: [
            { id: 'evt_4', type: 'order.created', at: 1, customerId: null, orderId: 'ord_4', data: {} },
          ],
        },
      }),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled'])
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
      name: 'LoopError',
      code: 'out_of_stock',
    })
    // Once the promises settle the rows are committed: another connection sees them.
    const other = new Database(file, { readonly: true })
    try {
      expect(
        (other.prepare('SELECT stock FROM skus WHERE id = ?').get('duck') as { stock: number }).stock,
      ).toBe(0)
      expect(other.prepare('SELECT id FROM orders ORDER BY id').all()).toEqual([
        { id: 'ord_1' },
        { id: 'ord_3' },
        { id: 'ord_4' },
      ])
      expect(other.prepare("SELECT count(*) AS n FROM events WHERE order_id = 'ord_4'").get()).toEqual({
        n: 1,
      })
    } finally {
      other.close()
    }
    await storage.close?.()
  })

  it('an operation that fails after it wrote is undone alone: its stock comes back, the others commit', async () => {
    const file = join(dir, 'half-way.db')
    const storage = sqliteStorage({ file })
    await storage.putSku({ sku: { ...sku, stock: 10 } })
    await storage.putSku({ sku: { ...sku, id: 'goose', stock: 1 } })
    const twoLines = order(2)
    twoLines.reserve = [
      { skuId: 'duck', quantity: 2 },
      { skuId: 'goose', quantity: 5 },
    ]
    // Issued in one turn: order 2 takes two ducks, then finds too few geese; order 3 reuses order 1's number.
    const results = await Promise.allSettled([
      storage.createOrder(order(1)),
      storage.createOrder(twoLines),
      storage.createOrder({ ...order(3), order: { ...order(3).order, number: order(1).order.number } }),
      storage.createOrder(order(4)),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled'])
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'out_of_stock' })
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict' })
    const other = new Database(file, { readonly: true })
    try {
      // Orders 1 and 4 took one duck each; order 2's two ducks and order 3's duck went back.
      expect(other.prepare('SELECT id, stock FROM skus ORDER BY id').all()).toEqual([
        { id: 'duck', stock: 8 },
        { id: 'goose', stock: 1 },
      ])
      expect(other.prepare('SELECT id FROM orders ORDER BY id').all()).toEqual([
        { id: 'ord_1' },
        { id: 'ord_4' },
      ])
    } finally {
      other.close()
    }
    await storage.close?.()
  })

  it('close() waits for queued operations to commit', async () => {
    const file = join(dir, 'close.db')
    const storage = sqliteStorage({ file })
    await storage.putSku({ sku: { ...sku, stock: 10 } })
    const pending = storage.createOrder(order(9))
    await storage.close?.()
    await expect(pending).resolves.toMatchObject({ created: true })
    const reopened = sqliteStorage({ file })
    expect(await reopened.getOrder({ id: 'ord_9' })).toMatchObject({ status: 'pending' })
    expect((await reopened.getSku({ id: 'duck' }))?.stock).toBe(9)
    await reopened.close?.()
  })
})
