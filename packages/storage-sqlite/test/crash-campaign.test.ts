import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { sqliteStorage } from '../src/index.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '../../..')
const child = join(here, 'fixtures/campaign-child.ts')
const MEMBERS = 50_000
const dirs: string[] = []
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** How the fan-out writes its batches: member by member, or by the storage's set-based step. */
type FanOut = 'per-member' | 'set-based'

/** Runs the child; in `run` mode SIGKILLs it `killAfterMs` after it is ready. */
function runChild(
  dir: string,
  fanOut: FanOut,
  mode: 'run' | 'drain',
  killAfterMs = 0,
): Promise<{ signal: NodeJS.Signals | null; code: number | null; stderr: string }> {
  const file = join(dir, 'pool.db')
  return new Promise((done, fail) => {
    const p = spawn(
      process.execPath,
      ['--conditions=@loopkit/source', '--import', 'tsx', child, file, mode],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, LOOPKIT_CRASH_FANOUT: fanOut },
      },
    )
    let stderr = ''
    const guard = setTimeout(() => p.kill('SIGKILL'), 240_000)
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    p.stdout.on('data', (d: Buffer) => {
      if (mode === 'run' && d.toString().includes('ready')) setTimeout(() => p.kill('SIGKILL'), killAfterMs)
    })
    p.on('error', fail)
    p.on('exit', (code, signal) => {
      clearTimeout(guard)
      done({ signal, code, stderr })
    })
  })
}

const lines = (dir: string, name: string) =>
  existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean) : []

/** 50,000 followers in one multi-row transaction (plus 100 who do not follow), ids in id order. */
function seed(file: string): string[] {
  const db = new Database(file)
  const ids: string[] = []
  try {
    const insert =
      db.prepare(`INSERT INTO customers (id, identities, display_name, avatar_url, tags, consents,
      referred_by, followed_at, unfollowed_at, last_interaction_at, time_zone, created_at, updated_at)
      VALUES (?, '[]', NULL, NULL, '[]', '[]', NULL, ?, NULL, NULL, NULL, 1, 1)`)
    db.transaction(() => {
      for (let i = 0; i < MEMBERS + 100; i++) {
        const id = `cus_${String(i).padStart(7, '0')}`
        const follows = i % 501 !== 500
        insert.run(id, follows ? 1 : null)
        if (follows) ids.push(id)
      }
    })()
  } finally {
    db.close()
  }
  return ids
}

describe('crash safety of a campaign (SIGKILL during fan-out and dispatch)', () => {
  it.each<FanOut>([
    'per-member',
    'set-based',
  ])('%s fan-out: after restarts every one of 50,000 members got the message exactly once', async (fanOut) => {
    const dir = mkdtempSync(join(tmpdir(), `loopkit-crash-campaign-${fanOut}-`))
    dirs.push(dir)
    const file = join(dir, 'pool.db')
    const init = sqliteStorage({ file })
    await init.countCustomers({})
    await init.close?.()
    const members = seed(file)
    expect(members.length).toBe(MEMBERS)

    // Kills early in the fan-out, later in it, and while the dispatcher is busy.
    let kills = 0
    for (const killAfterMs of [300, 1_200, 2_500, 4_000]) {
      const { signal, stderr } = await runChild(
        dir,
        fanOut,
        'run',
        killAfterMs + Math.floor(Math.random() * 300),
      )
      expect(stderr).toBe('')
      if (signal !== 'SIGKILL') break // it finished before the kill: nothing left to crash
      kills++
    }
    expect(kills).toBeGreaterThan(0)
    const drained = await runChild(dir, fanOut, 'drain')
    expect(drained.stderr).toBe('')
    expect(drained.code).toBe(0)

    const storage = sqliteStorage({ file })
    const rows = await storage.listNotifications({ limit: 10_000_000 })
    const campaign = await storage.getCampaign!({ id: 'crash' })
    await storage.close?.()
    expect(campaign).toMatchObject({ status: 'sent', queued: MEMBERS, cursor: null })
    expect(rows.length).toBe(MEMBERS)
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([])
    // One row per member, keyed by the campaign and the member.
    expect(rows.map((r) => r.customerId).sort()).toEqual(members)
    const delivered = lines(dir, 'provider.log')
    const attempts = lines(dir, 'attempts.log')
    expect(delivered.length).toBe(MEMBERS)
    expect(new Set(delivered)).toEqual(new Set(rows.map((r) => r.dedupeKey)))
    expect(attempts.length).toBeGreaterThanOrEqual(MEMBERS)
    console.log(
      `${fanOut}: ${MEMBERS} members over ${kills} kills; ${attempts.length - MEMBERS} repeated sends absorbed by the dedupe key`,
    )
  }, 600_000)
})
