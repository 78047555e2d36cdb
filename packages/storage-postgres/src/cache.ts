import type { StorageAdapter } from '@loopkit/core'
import type { Db } from './_internal/db.js'

export function cacheOps(db: Db): Pick<StorageAdapter, 'cacheGet' | 'cacheSet' | 'cacheDelete'> {
  const { s } = db
  return {
    async cacheGet({ key, now }) {
      const { rows } = await db.query<{ value: string }>(
        `SELECT value FROM ${s}.cache WHERE key = $1 AND expires_at > $2`,
        [key, now],
      )
      return rows[0]?.value ?? null
    },

    async cacheSet({ key, value, ttlMs, now, ifAbsent }) {
      // With `ifAbsent` the upsert only overwrites an expired entry: one statement, so of several
      // instances refreshing the same access token at once exactly one gets `stored: true`.
      const { rowCount } = await db.query(
        `INSERT INTO ${s}.cache AS c (key, value, expires_at) VALUES ($1, $2, $3::bigint + $4::bigint)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
         ${ifAbsent ? 'WHERE c.expires_at <= $3' : ''}`,
        [key, value, now, ttlMs],
      )
      return { stored: rowCount > 0 }
    },

    async cacheDelete({ key, ifValue }) {
      const { rowCount } = await db.query(
        `DELETE FROM ${s}.cache WHERE key = $1 ${ifValue !== undefined ? 'AND value = $2' : ''}`,
        ifValue !== undefined ? [key, ifValue] : [key],
      )
      return { deleted: rowCount > 0 }
    },
  }
}
