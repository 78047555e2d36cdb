import type { Audience, StorageAdapter } from '@loopkit/core'
import type { Db } from './_internal/db.js'
import { type CustomerRow, toCustomer } from './_internal/rows.js'
import { compileFilter } from './audience-sql.js'

type AudienceOps = Pick<
  StorageAdapter,
  'listCustomers' | 'countCustomers' | 'putAudience' | 'getAudience' | 'listAudiences'
>

interface AudienceRow {
  id: string
  name: string | null
  filter: string
  created_at: number
  updated_at: number
}

const toAudience = (r: AudienceRow): Audience => ({
  id: r.id,
  name: r.name,
  where: JSON.parse(r.filter),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

const PUT = `INSERT INTO audiences (id, name, filter, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET name = excluded.name, filter = excluded.filter, updated_at = excluded.updated_at
  RETURNING *`

export function audienceOps(db: Db): AudienceOps {
  const put = db.tx((a: Audience) =>
    toAudience(db.q(PUT).get(a.id, a.name, JSON.stringify(a.where), a.createdAt, a.updatedAt) as AudienceRow),
  )
  return {
    async listCustomers({ where, after, limit, now }) {
      return db.read(() => {
        const f = where ? compileFilter(where, now ?? Date.now()) : { sql: '1', params: [] }
        const size = Math.max(0, Math.floor(limit))
        // Keyset on the primary key: each page walks the index from the cursor, however deep.
        const sql = `SELECT * FROM customers c WHERE c.id > ? AND ${f.sql} ORDER BY c.id LIMIT ?`
        const rows = db.q(sql).all(after ?? '', ...f.params, size + 1) as CustomerRow[]
        const customers = rows.slice(0, size).map(toCustomer)
        return { customers, next: rows.length > size && size > 0 ? customers.at(-1)!.id : null }
      })
    },
    async countCustomers({ where, now }) {
      return db.read(() => {
        const f = where ? compileFilter(where, now ?? Date.now(), 'count') : { sql: '1', params: [] }
        const row = db.q(`SELECT count(*) AS n FROM customers c WHERE ${f.sql}`).get(...f.params) as {
          n: number
        }
        return { count: row.n }
      })
    },
    async putAudience({ audience }) {
      return put(audience)
    },
    async getAudience({ id }) {
      return db.read(() => {
        const row = db.q('SELECT * FROM audiences WHERE id = ?').get(id) as AudienceRow | undefined
        return row ? toAudience(row) : null
      })
    },
    async listAudiences() {
      return db.read(() =>
        (db.q('SELECT * FROM audiences ORDER BY id').all() as AudienceRow[]).map(toAudience),
      )
    },
  }
}
