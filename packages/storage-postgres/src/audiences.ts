import type { Audience, Customer, StorageAdapter } from '@loopkit/core'
import type { Db } from './_internal/db.js'
import { Params } from './_internal/effects.js'
import { compileFilter } from './audience-sql.js'
import { customerSelect } from './customers.js'

type AudienceOps = Pick<
  StorageAdapter,
  'listCustomers' | 'countCustomers' | 'putAudience' | 'getAudience' | 'listAudiences'
>

const audienceCols = `id, name, filter AS "where", created_at AS "createdAt", updated_at AS "updatedAt"`

export function audienceOps(db: Db): AudienceOps {
  const { s } = db
  return {
    async listCustomers({ where, after, limit, now }) {
      const p = new Params()
      const size = Math.max(0, Math.floor(limit))
      const cursor = p.add(after ?? '')
      const cond = where ? compileFilter(s, where, now ?? Date.now(), p) : 'true'
      // Keyset in byte order on its own index: each page walks it from the cursor, however deep.
      // The page's ids are found first, then only those rows are assembled into customers.
      const sql = `WITH page AS (
           SELECT c.id FROM ${s}.customers c
           WHERE c.id COLLATE "C" > ${cursor}::text AND ${cond}
           ORDER BY c.id COLLATE "C" LIMIT ${p.add(size + 1)}::bigint)
         ${customerSelect(s, 'WHERE c.id IN (SELECT id FROM page) ORDER BY c.id COLLATE "C"')}`
      // JIT off: the planner prices a LIMIT walk over a large pool as if it read all of it, and
      // would spend more compiling expressions than the page takes to run.
      const { rows } = await db.tx(async (q) => {
        await q.query('SET LOCAL jit = off')
        return q.query<Customer>(sql, p.values)
      })
      const customers = rows.slice(0, size)
      return { customers, next: rows.length > size && size > 0 ? customers.at(-1)!.id : null }
    },

    async countCustomers({ where, now }) {
      const p = new Params()
      const cond = where ? compileFilter(s, where, now ?? Date.now(), p, 'count') : 'true'
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::bigint AS n FROM ${s}.customers c WHERE ${cond}`,
        p.values,
      )
      return { count: Number(rows[0]!.n) }
    },

    async putAudience({ audience: a }) {
      const { rows } = await db.query<Audience>(
        `INSERT INTO ${s}.audiences (id, name, filter, created_at, updated_at) VALUES ($1, $2, $3::jsonb, $4, $5)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, filter = excluded.filter, updated_at = excluded.updated_at
         RETURNING ${audienceCols}`,
        [a.id, a.name, JSON.stringify(a.where), a.createdAt, a.updatedAt],
      )
      return rows[0]!
    },

    async getAudience({ id }) {
      const { rows } = await db.query<Audience>(`SELECT ${audienceCols} FROM ${s}.audiences WHERE id = $1`, [
        id,
      ])
      return rows[0] ?? null
    },

    async listAudiences() {
      const { rows } = await db.query<Audience>(
        `SELECT ${audienceCols} FROM ${s}.audiences ORDER BY id COLLATE "C"`,
      )
      return rows
    },
  }
}
