import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { backgroundCheckpointer, COMMITS_PER_CHECKPOINT } from '../src/_internal/checkpointer.js'
import { sqliteStorage } from '../src/index.js'
import { openWalTable } from './_wal-table.js'

const dir = mkdtempSync(join(tmpdir(), 'loopkit-background-checkpoint-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const open = (name: string) => openWalTable(dir, name)

describe('WAL checkpoints in a background thread', () => {
  it('commits never checkpoint inline; the thread copies them into the database file', async () => {
    const db = open('background.db')
    const cp = backgroundCheckpointer({
      raw: db.raw,
      file: db.file,
      synchronous: 'normal',
      busyTimeoutMs: 5000,
    })
    expect(db.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
    const before = db.size()
    for (let i = 0; i < COMMITS_PER_CHECKPOINT - 1; i++) {
      db.write(500) // ~250 KB each: far past 1,000 pages in all, which SQLite would checkpoint inline
      cp.afterCommit()
    }
    // Not due yet (and nothing was checkpointed inline).
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(db.size()).toBe(before)
    db.write(500)
    cp.afterCommit()
    await expect
      .poll(() => db.size(), { timeout: 5000 })
      .toBeGreaterThan(before + COMMITS_PER_CHECKPOINT * 500 * 400)
    expect(db.raw.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: COMMITS_PER_CHECKPOINT * 500 })
    await cp.close()
    // Closed: the connection checkpoints inline again, with the setting it had.
    expect(db.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
    db.raw.close()
  })

  it('a thread that cannot open the file gives the connection its inline checkpoints back', async () => {
    const db = open('fallback.db')
    const errors: Error[] = []
    const cp = backgroundCheckpointer({
      raw: db.raw,
      file: join(dir, 'no-such-folder', 'x.db'),
      synchronous: 'normal',
      busyTimeoutMs: 0,
      onError: (e) => errors.push(e),
    })
    for (let i = 0; i < COMMITS_PER_CHECKPOINT; i++) cp.afterCommit()
    await expect.poll(() => errors.length, { timeout: 5000 }).toBe(1)
    expect(cp.active).toBe(false)
    expect(db.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
    const before = db.size()
    db.write(10_000) // ~5 MB: past 1,000 pages, so this commit checkpoints inline again
    expect(db.size()).toBeGreaterThan(before)
    await cp.close()
    db.raw.close()
  })

  it('the storage checkpoints in the background by default and inline when asked', async () => {
    const file = join(dir, 'storage.db')
    const storage = sqliteStorage({ file, synchronous: 'normal' })
    const inline = sqliteStorage({ file: join(dir, 'inline.db'), checkpoints: 'inline' })
    const pages = (f: string) => {
      const raw = new Database(f, { readonly: true })
      try {
        return raw.pragma('wal_autocheckpoint', { simple: true })
      } finally {
        raw.close()
      }
    }
    // A fresh connection shows SQLite's default: the setting is the storage connection's own.
    expect(pages(file)).toBe(1000)
    const sku = (id: string) => ({
      id,
      title: 'Duck',
      description: 'x'.repeat(2000),
      imageUrl: null,
      price: 100,
      currency: 'CNY',
      stock: 10,
      active: true,
    })
    const before = statSync(file).size
    for (let i = 0; i < 3 * COMMITS_PER_CHECKPOINT; i++) await storage.putSku({ sku: sku(`s${i}`) })
    await expect.poll(() => statSync(file).size, { timeout: 5000 }).toBeGreaterThan(before)
    expect((await storage.listSkus({})).length).toBe(3 * COMMITS_PER_CHECKPOINT)
    await storage.close?.()
    await inline.putSku({ sku: sku('a') })
    await inline.close?.()
    // Closed cleanly: the last connection folded the log into the file and removed it.
    expect(() => statSync(`${file}-wal`)).toThrow()
  })

  it('a process that never closes the storage still exits when its work is done', () => {
    const here = dirname(fileURLToPath(import.meta.url))
    const child = spawnSync(
      process.execPath,
      [
        '--conditions=@loopkit/source',
        '--import',
        'tsx',
        join(here, 'fixtures/unclosed-child.ts'),
        join(dir, 'unclosed.db'),
      ],
      { cwd: resolve(here, '../../..'), encoding: 'utf8', timeout: 30_000 },
    )
    // A thread keeping it alive shows as the timeout's SIGTERM.
    expect(child.signal).toBeNull()
    expect(child.status).toBe(0)
    expect(child.stdout).toContain('wrote')
    const check = new Database(join(dir, 'unclosed.db'), { readonly: true })
    expect(check.prepare('SELECT count(*) FROM skus').pluck().get()).toBe(64)
    check.close()
  })
})
