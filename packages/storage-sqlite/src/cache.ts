import type { StorageAdapter } from '@loopkit/core'
import type { Db } from './_internal/db.js'

type CacheOps = Pick<StorageAdapter, 'cacheGet' | 'cacheSet' | 'cacheDelete'>

/** Expired rows are ignored on read and swept every this many writes. */
const SWEEP_EVERY = 1000

const SET = `INSERT INTO cache (key, value, expires_at) VALUES (?, ?, ?)
  ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`
// Takes the key only when no unexpired value holds it: the upsert's WHERE sees the old row.
const SET_IF_ABSENT = `INSERT INTO cache (key, value, expires_at) VALUES (?, ?, ?)
  ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
  WHERE cache.expires_at <= ?`

export function cacheOps(db: Db): CacheOps {
  let writes = 0
  const set = db.tx((input: Parameters<StorageAdapter['cacheSet']>[0]) => {
    const { key, value, ttlMs, now, ifAbsent } = input
    const changes = ifAbsent
      ? db.q(SET_IF_ABSENT).run(key, value, now + ttlMs, now).changes
      : db.q(SET).run(key, value, now + ttlMs).changes
    writes += 1
    if (writes % SWEEP_EVERY === 0) db.q('DELETE FROM cache WHERE expires_at <= ?').run(now)
    return { stored: changes === 1 }
  })

  const del = db.tx((key: string, ifValue: string | undefined) => {
    const changes =
      ifValue === undefined
        ? db.q('DELETE FROM cache WHERE key = ?').run(key).changes
        : db.q('DELETE FROM cache WHERE key = ? AND value = ?').run(key, ifValue).changes
    return { deleted: changes === 1 }
  })

  return {
    async cacheGet({ key, now }) {
      return db.read(() => {
        const row = db.q('SELECT value FROM cache WHERE key = ? AND expires_at > ?').get(key, now) as
          | { value: string }
          | undefined
        return row ? row.value : null
      })
    },
    async cacheSet(input) {
      return set(input)
    },
    async cacheDelete({ key, ifValue }) {
      return del(key, ifValue)
    },
  }
}
