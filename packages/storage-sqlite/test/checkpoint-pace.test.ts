import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { checkpointPace, ROWS_PER_CHECKPOINT } from '../src/_internal/checkpoint-pace.js'
import { openWalTable } from './_wal-table.js'

const dir = mkdtempSync(join(tmpdir(), 'loopkit-checkpoint-pace-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const open = (name: string) => openWalTable(dir, name)

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
