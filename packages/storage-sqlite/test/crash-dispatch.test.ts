import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { sqliteStorage } from '../src/index.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '../../..')
const child = join(here, 'fixtures/dispatch-child.ts')
const dir = mkdtempSync(join(tmpdir(), 'loopkit-crash-dispatch-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = join(dir, 'sale.db')

/** Runs the child; in `sale` mode SIGKILLs it a random while after its first sends. */
function runChild(
  mode: 'sale' | 'drain',
): Promise<{ signal: NodeJS.Signals | null; code: number | null; stderr: string }> {
  return new Promise((done, fail) => {
    const p = spawn(
      process.execPath,
      ['--conditions=@loopkit/source', '--import', 'tsx', child, file, mode],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stderr = ''
    const guard = setTimeout(() => p.kill('SIGKILL'), 60_000)
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    p.stdout.on('data', (d: Buffer) => {
      if (mode === 'sale' && d.toString().includes('ready'))
        setTimeout(() => p.kill('SIGKILL'), 100 + Math.floor(Math.random() * 400))
    })
    p.on('error', fail)
    p.on('exit', (code, signal) => {
      clearTimeout(guard)
      done({ signal, code, stderr })
    })
  })
}

const lines = (name: string) =>
  existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean) : []

async function outbox() {
  const storage = sqliteStorage({ file })
  try {
    return await storage.listNotifications({ limit: 10_000_000 })
  } finally {
    await storage.close?.()
  }
}

describe('crash safety of the dispatcher (SIGKILL while sending)', () => {
  it('after restart every row is sent, and the deduping channel delivered each message once', async () => {
    const seed = sqliteStorage({ file })
    await seed.putSku({
      sku: {
        id: 'duck',
        title: 'Nanjing salted duck',
        description: null,
        imageUrl: null,
        price: 8800,
        currency: 'CNY',
        stock: 1_000_000,
        active: true,
      },
    })
    await seed.close?.()

    let rows = 0
    for (let round = 0; round < 6; round++) {
      const { signal, stderr } = await runChild('sale')
      expect(stderr).toBe('')
      expect(signal).toBe('SIGKILL')
      const now = await outbox()
      expect(now.length).toBeGreaterThan(rows) // each kill landed in a running sale
      rows = now.length
      const delivered = new Set(lines('provider.log'))
      for (const n of now) {
        // A row is recorded as sent only after the provider accepted it.
        if (n.status === 'sent') expect(delivered.has(n.dedupeKey), n.dedupeKey).toBe(true)
        expect(n.status).not.toBe('dead')
      }
    }

    const drained = await runChild('drain')
    expect(drained.stderr).toBe('')
    expect(drained.code).toBe(0)
    const final = await outbox()
    expect(final.filter((n) => n.status !== 'sent')).toEqual([])
    const keys = final.map((n) => n.dedupeKey)
    const delivered = lines('provider.log')
    const attempts = lines('attempts.log')
    // Each message reached the customer exactly once through the deduping channel…
    expect(delivered.length).toBe(keys.length)
    expect(new Set(delivered)).toEqual(new Set(keys))
    // …while the channel itself may have been asked more than once (at-least-once delivery).
    expect(new Set(attempts)).toEqual(new Set(keys))
    expect(attempts.length).toBeGreaterThanOrEqual(keys.length)
    console.log(
      `${keys.length} messages over 6 kills; ${attempts.length - keys.length} repeated sends absorbed by the dedupe key`,
    )
  }, 240_000)
})
