import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Order, type StorageAdapter, stockHoldingStatuses } from '@loopkit/core'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { sqliteStorage } from '../src/index.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '../../..')
const child = join(here, 'fixtures/flash-sale-child.ts')
const dir = mkdtempSync(join(tmpdir(), 'loopkit-crash-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const INITIAL_STOCK = 1_000_000

/** Runs the child until it reports sales, lets it run a random while longer, then SIGKILLs it. */
function runAndKill(
  file: string,
  synchronous: 'full' | 'normal',
): Promise<{ signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((done, fail) => {
    const p = spawn(
      process.execPath,
      ['--conditions=@loopkit/source', '--import', 'tsx', child, file, synchronous],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stderr = ''
    const guard = setTimeout(() => p.kill('SIGKILL'), 30_000)
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    p.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready'))
        setTimeout(() => p.kill('SIGKILL'), 50 + Math.floor(Math.random() * 400))
    })
    p.on('error', fail)
    p.on('exit', (_code, signal) => {
      clearTimeout(guard)
      done({ signal, stderr })
    })
  })
}

async function allOrders(storage: StorageAdapter): Promise<Order[]> {
  return storage.listOrders({ limit: 10_000_000 })
}

/** What must hold after any crash: stock accounted for, paid orders complete with their outbox rows. */
async function checkInvariants(file: string): Promise<{ orders: number; paid: number }> {
  const raw = new Database(file, { readonly: true })
  expect(raw.pragma('integrity_check', { simple: true })).toBe('ok')
  raw.close()

  const storage = sqliteStorage({ file })
  try {
    const stock = (await storage.getSku({ id: 'duck' }))!.stock!
    const orders = await allOrders(storage)
    const sold = orders
      .filter((o) => stockHoldingStatuses.includes(o.status))
      .reduce((n, o) => n + o.lines[0]!.quantity, 0)
    expect(stock).toBeGreaterThanOrEqual(0)
    expect(stock + sold).toBe(INITIAL_STOCK)

    const outbox = new Set((await storage.listNotifications({ limit: 10_000_000 })).map((n) => n.dedupeKey))
    const events = await storage.listEvents({ limit: 10_000_000 })
    const created = new Set(events.filter((e) => e.type === 'order.created').map((e) => e.orderId))
    const paidEvents = new Set(events.filter((e) => e.type === 'order.paid').map((e) => e.orderId))
    const paid = orders.filter((o) => o.status === 'paid')
    for (const o of orders) {
      // An order row never exists without the event written in its transaction.
      expect(created.has(o.id), `order ${o.id} has no order.created event`).toBe(true)
    }
    for (const o of paid) {
      expect(o.paidAt).not.toBeNull()
      expect(o.providerRef).not.toBeNull()
      expect(outbox.has(`order.paid:${o.id}:console`), `paid order ${o.id} has no outbox row`).toBe(true)
      expect(paidEvents.has(o.id)).toBe(true)
      const payments = await storage.listPayments({ orderId: o.id })
      expect(payments.filter((p) => p.status === 'succeeded')).toHaveLength(1)
    }
    const byId = new Map(orders.map((o) => [o.id, o]))
    for (const key of outbox) {
      // …and no outbox row exists without its committed change.
      const orderId = key.split(':')[1]!
      expect(byId.get(orderId)?.status, `outbox row ${key} without a paid order`).toBe('paid')
    }
    return { orders: orders.length, paid: paid.length }
  } finally {
    await storage.close?.()
  }
}

describe('crash safety (SIGKILL during a flash sale)', () => {
  it('keeps every committed order whole across 10 kills at random points', async () => {
    const file = join(dir, 'sale.db')
    const seed = sqliteStorage({ file })
    await seed.putSku({
      sku: {
        id: 'duck',
        title: 'Nanjing salted duck',
        description: null,
        imageUrl: null,
        price: 8800,
        currency: 'CNY',
        stock: INITIAL_STOCK,
        active: true,
      },
    })
    await seed.close?.()

    let last = { orders: 0, paid: 0 }
    for (let round = 0; round < 10; round++) {
      // Alternate the durability setting: both must survive a process crash.
      const { signal, stderr } = await runAndKill(file, round % 2 === 0 ? 'full' : 'normal')
      expect(stderr).toBe('')
      expect(signal).toBe('SIGKILL')
      const now = await checkInvariants(file)
      // The sale moved on in every round, so each kill landed in a running sale.
      expect(now.orders).toBeGreaterThan(last.orders)
      expect(now.paid).toBeGreaterThan(last.paid)
      last = now
    }
  }, 120_000)
})
