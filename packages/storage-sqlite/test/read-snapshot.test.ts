import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { sqliteStorage } from '../src/index.js'

const dir = mkdtempSync(join(tmpdir(), 'loopkit-read-snapshot-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const sku = (id: string, stock: number) => ({
  id,
  title: 'Nanjing salted duck',
  description: null,
  imageUrl: null,
  price: 3900,
  currency: 'CNY',
  stock,
  active: true,
})
const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

describe('reads share one snapshot per turn of the event loop', () => {
  it("another process's commit is seen from the next turn on, never later", async () => {
    const file = join(dir, 'turns.db')
    const storage = sqliteStorage({ file })
    await storage.putSku({ sku: sku('duck', 5) })
    const other = new Database(file)
    other.pragma('busy_timeout = 5000')
    try {
      expect((await storage.getSku({ id: 'duck' }))?.stock).toBe(5)
      // The same turn: the read above opened this turn's snapshot; a write elsewhere does not
      // block on it (WAL), and the next read of this turn still sees the snapshot.
      other.prepare("UPDATE skus SET stock = 4 WHERE id = 'duck'").run()
      expect((await storage.getSku({ id: 'duck' }))?.stock).toBe(5)
      await nextTurn()
      expect((await storage.getSku({ id: 'duck' }))?.stock).toBe(4)
    } finally {
      other.close()
      await storage.close?.()
    }
  })

  it("this process's own writes are seen by every read issued after they settle, in the same turn", async () => {
    const storage = sqliteStorage({ file: join(dir, 'own.db') })
    try {
      await storage.putSku({ sku: sku('duck', 5) })
      const before = storage.getSku({ id: 'duck' }) // opens this turn's snapshot
      const adjusted = await storage.adjustStock({ id: 'duck', delta: -2 }) // the group commit ends it
      expect((await before)?.stock).toBe(5)
      expect(adjusted?.stock).toBe(3)
      expect((await storage.getSku({ id: 'duck' }))?.stock).toBe(3)
      // Reads and writes interleaved in one turn, many times over.
      const results = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          await storage.adjustStock({ id: 'duck', delta: i % 2 === 0 ? 1 : -1 })
          return (await storage.getSku({ id: 'duck' }))!.stock
        }),
      )
      expect(results.every((s) => s !== null && s >= 2 && s <= 4)).toBe(true)
      expect((await storage.getSku({ id: 'duck' }))?.stock).toBe(3)
    } finally {
      await storage.close?.()
    }
  })

  it('closing right after a read leaves no transaction open', async () => {
    const file = join(dir, 'close.db')
    const storage = sqliteStorage({ file })
    await storage.putSku({ sku: sku('duck', 1) })
    expect((await storage.getSku({ id: 'duck' }))?.stock).toBe(1)
    await storage.close?.()
    // Closed cleanly: the last connection folded the log into the file and removed it.
    const reopened = new Database(file)
    expect(reopened.prepare("SELECT stock FROM skus WHERE id = 'duck'").pluck().get()).toBe(1)
    reopened.close()
  })
})
