import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLoop } from '@loopkit/core'
import { sandboxIdentity, sandboxPayments } from '@loopkit/core/dev'
import { afterAll, describe, expect, it } from 'vitest'
import { sqliteStorage } from '../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'loopkit-restart-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const duck = {
  id: 'duck',
  title: '盐水鸭',
  description: null,
  imageUrl: null,
  price: 8800,
  currency: 'CNY',
  stock: 500,
  active: true,
}

/** The README's app: open the file, put the catalogue on boot. */
async function boot(file: string) {
  const loop = createLoop({
    secret: 'restart-test-secret-restart-test-secret',
    baseUrl: 'http://shop.test/loop',
    storage: sqliteStorage({ file }),
    payments: [sandboxPayments()],
    identity: [sandboxIdentity()],
  })
  await loop.catalog.put(duck)
  return loop
}

describe('#16.1 a restart does not reset stock on SQLite', () => {
  it('#16.1 put stock 500, an order holds 5, restart and put stock 500 again → 495', async () => {
    const file = join(dir, 'shop.db')
    const first = await boot(file)
    const { customer } = await first.customers.login({ profile: { provider: 'sandbox', subject: 'ann' } })
    await first.checkout({ customerId: customer.id, lines: [{ skuId: 'duck', quantity: 5 }] })
    expect((await first.catalog.get('duck'))?.stock).toBe(495)
    await first.close()

    const second = await boot(file)
    expect((await second.catalog.get('duck'))?.stock).toBe(495)
    expect(await second.orders.list({ status: 'pending' })).toHaveLength(1)
    // Restocking is explicit and adds to what is left.
    expect((await second.catalog.adjustStock({ id: 'duck', delta: 100 })).stock).toBe(595)
    await second.close()
  })
})
