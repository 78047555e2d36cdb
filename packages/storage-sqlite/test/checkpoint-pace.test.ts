import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { checkpointPace, ROWS_PER_CHECKPOINT } from '../src/_internal/checkpoint-pace.js'

const dir = mkdtempSync(join(tmpdir(), 'loopkit-checkpoint-pace-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A WAL database with a table, and a write of `rows` rows in one commit (about 500 bytes each). */
function open(name: string) {
  const file = join(dir, name)
  const raw = new Database(file)
  raw.pragma('journal_mode = WAL')
  raw.exec('CREATE TABLE t (x TEXT NOT NULL)')
  const insert = raw.prepare('INSERT INTO t (x) VALUES (hex(randomblob(250)))')
  const write = (rows: number) =>
    raw.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run()
    })()
  return { raw, write, size: () => statSync(file).size }
}

describe('checkpoint pacing of bulk writes (campaign fan-out, issue #10)', () => {
  const batch = ROWS_PER_CHECKPOINT / 4

  it('without pacing, a batch past wal_autocheckpoint is copied into the database file at its commit', () => {
    const db = open('plain.db')
    const before = db.size()
    db.write(batch)
    expect(db.size()).toBeGreaterThan(before)
    db.raw.close()
  })

  it('batches share one checkpoint per ROWS_PER_CHECKPOINT rows; the connection keeps its setting', async () => {
    const db = open('paced.db')
    const pace = checkpointPace(db.raw)
    const before = db.size()
    for (let i = 0; i < 3; i++) {
      await pace.run(batch, async () => db.write(batch))
      // Committed (in the WAL), not yet checkpointed.
      expect(db.size()).toBe(before)
    }
    expect(db.raw.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 3 * batch })
    await pace.run(batch, async () => db.write(batch))
    // The fourth commit checkpointed all four batches.
    expect(db.size()).toBeGreaterThan(before + 3 * batch * 500)
    expect(db.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
    db.raw.close()
  })

  it('a failing batch gives the connection its setting back', async () => {
    const db = open('failing.db')
    const pace = checkpointPace(db.raw)
    await expect(
      pace.run(batch, async () => {
        expect(db.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
        throw new Error('batch failed')
      }),
    ).rejects.toThrow('batch failed')
    expect(db.raw.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
    db.raw.close()
  })
})
