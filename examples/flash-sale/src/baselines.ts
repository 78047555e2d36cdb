// The two baselines the benchmark measures the loop against, in the same run:
// - `rawBaseline`: the same three writes per order by hand on better-sqlite3;
// - `adapterOnly`: the loop's own storage calls for the sale, without the loop around them.
import type { Effects, Order, StorageAdapter } from '@loopkit/core'
import { sqliteStorage } from '@loopkit/storage-sqlite'
import Database from 'better-sqlite3'

export interface BaselineOptions {
  file: string
  units: number
  attempts: number
  synchronous: 'normal' | 'full'
}

/** The same three writes per order, by hand: what a bespoke SQLite flash sale would do. */
export function rawBaseline({ file, units, attempts, synchronous }: BaselineOptions): {
  paid: number
  elapsedMs: number
  /** CPU time (user + system) of this process during the sale, in ms. */
  cpuMs: number
} {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${synchronous.toUpperCase()}`)
  db.exec(`
    CREATE TABLE skus (id TEXT PRIMARY KEY, stock INTEGER NOT NULL CHECK (stock >= 0)) STRICT;
    CREATE TABLE orders (id TEXT PRIMARY KEY, number TEXT NOT NULL UNIQUE, customer_id TEXT NOT NULL,
      lines TEXT NOT NULL, total INTEGER NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;
    CREATE TABLE outbox (id TEXT PRIMARY KEY, dedupe_key TEXT NOT NULL UNIQUE, customer_id TEXT NOT NULL,
      message TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;`)
  db.prepare('INSERT INTO skus VALUES (?, ?)').run('duck', units)
  const take = db.prepare('UPDATE skus SET stock = stock - 1 WHERE id = ? AND stock >= 1')
  const insertOrder = db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?)')
  const insertOutbox = db.prepare('INSERT INTO outbox VALUES (?, ?, ?, ?, ?)')
  const lines = JSON.stringify([
    { skuId: 'duck', title: 'Nanjing salted duck', quantity: 1, unitPrice: 3900 },
  ])
  const message = JSON.stringify({
    topic: 'order.paid',
    title: 'Payment received',
    body: 'We received ¥39.00.',
    fields: {},
  })
  const buy = db.transaction((i: number) => {
    if (take.run('duck').changes === 0) return false
    const now = Date.now()
    insertOrder.run(`ord_${i}`, `N${String(i).padStart(23, '0')}`, `cus_${i}`, lines, 3900, 'paid', now)
    insertOutbox.run(`ntf_${i}`, `order.paid:ord_${i}:console`, `cus_${i}`, message, now)
    return true
  })
  let paid = 0
  const start = performance.now()
  const cpu0 = process.cpuUsage()
  for (let i = 0; i < attempts; i++) if (buy.immediate(i)) paid++
  const cpu = process.cpuUsage(cpu0)
  const elapsedMs = performance.now() - start
  db.close()
  return { paid, elapsedMs, cpuMs: (cpu.user + cpu.system) / 1000 }
}

/** The loop's storage calls for the same sale, straight on the adapter with 32 in flight: the loop's overhead removed. */
export async function adapterOnly({
  file,
  units,
  attempts,
  synchronous,
}: BaselineOptions): Promise<{ paid: number; elapsedMs: number }> {
  const storage: StorageAdapter = sqliteStorage({ file, synchronous })
  await storage.putSku({
    sku: {
      id: 'duck',
      title: 'Nanjing salted duck',
      description: null,
      imageUrl: null,
      price: 3900,
      currency: 'CNY',
      stock: units,
      active: true,
    },
  })
  // `putSku` applies stock only when it creates the SKU; start from exactly `units` either way.
  await storage.setStock({ id: 'duck', stock: units })
  let paid = 0
  // The same 32 in flight as the loop's sale, so the adapter's group commit batches alike.
  const buy = async (i: number) => {
    const now = Date.now()
    const order: Order = {
      id: `ord_${i}`,
      number: `N${String(i).padStart(23, '0')}`,
      customerId: `cus_${i}`,
      lines: [{ skuId: 'duck', title: 'Nanjing salted duck', quantity: 1, unitPrice: 3900 }],
      total: 3900,
      currency: 'CNY',
      status: 'pending',
      provider: 'sandbox',
      idempotencyKey: `flash-sale-${i}`,
      attribution: null,
      refunded: 0,
      providerRef: null,
      createdAt: now,
      expiresAt: now + 1_800_000,
      paidAt: null,
      updatedAt: now,
    }
    const event = (type: string) => ({
      id: `evt_${type}_${i}`,
      type,
      at: now,
      customerId: order.customerId,
      orderId: order.id,
      data: { number: order.number },
    })
    try {
      await storage.createOrder({
        order,
        reserve: [{ skuId: 'duck', quantity: 1 }],
        effects: { events: [event('order.created')] },
      })
    } catch {
      return
    }
    const effects: Effects = {
      events: [event('order.paid')],
      outbox: [
        {
          id: `ntf_${i}`,
          dedupeKey: `order.paid:${order.id}:console`,
          channel: 'console',
          customerId: order.customerId,
          message: {
            topic: 'order.paid',
            title: 'Payment received',
            body: 'We received ¥39.00.',
            fields: {},
          },
        },
      ],
    }
    const payment = {
      id: `pay_${i}`,
      orderId: order.id,
      provider: 'sandbox',
      providerRef: `sbx_${i}`,
      amount: 3900,
      currency: 'CNY',
      status: 'succeeded' as const,
      createdAt: now,
      updatedAt: now,
    }
    const r = await storage.markPaid({
      orderId: order.id,
      delivery: { provider: 'sandbox', eventId: `evt_sbx_${i}`, receivedAt: now },
      payment,
      now,
      effects,
    })
    if (r.changed) paid++
  }
  let next = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      for (let i = next++; i < attempts; i = next++) await buy(i)
    }),
  )
  const elapsedMs = performance.now() - start
  await storage.close?.()
  return { paid, elapsedMs }
}
