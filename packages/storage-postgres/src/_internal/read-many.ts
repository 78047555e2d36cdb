import type { QueryResultRow } from 'pg'
import { batched, eachAlone } from './batch.js'
import type { Db } from './db.js'

/**
 * A read of at most one row that concurrent callers share: the calls of one turn of the event loop
 * become one statement, `unnest` of their parameters joined LATERAL to the single read, so each
 * caller's row is exactly what its own statement would have returned (same SQL, same snapshot
 * rules: an autocommit read sees what was committed when it began). `sql(params)` writes the read
 * given its parameters as SQL expressions (`$1`… alone, `_b.p1`… in the batch); `types` are their
 * SQL types, for the arrays.
 *
 * @example
 * ```ts
 * const byNumber = readOne<Order>(db, ['text'], ([n]) => `SELECT … FROM ${s}.orders WHERE number = ${n}`)
 * const order = await byNumber(['20261128…'])
 * ```
 */
export function readOne<R extends QueryResultRow>(
  db: Db,
  types: readonly string[],
  sql: (params: string[]) => string,
): (values: unknown[]) => Promise<R | null> {
  const single = sql(types.map((_, j) => `$${j + 1}`))
  const cols = types.map((_, j) => `p${j + 1}`)
  const many = `SELECT _b.i AS "__i", _r.*
    FROM unnest(${types.map((t, j) => `$${j + 1}::${t}[]`).join(', ')}) WITH ORDINALITY AS _b(${cols.join(', ')}, i)
    CROSS JOIN LATERAL (${sql(cols.map((c) => `_b.${c}`))}) AS _r`
  const one = async (values: unknown[]) => {
    const { rows } = await db.query<R>(single, values, { prepared: true })
    return rows[0] ?? null
  }
  return batched(one, async (calls: unknown[][]) => {
    const arrays = types.map((_, j) => calls.map((v) => v[j] ?? null))
    let rows: (R & { __i: number })[]
    try {
      rows = (await db.query<R & { __i: number }>(many, arrays, { prepared: true })).rows
    } catch {
      // One caller's bad value (say a fractional time for a bigint) fails only that caller.
      return eachAlone(calls, one)
    }
    const found: (R | null)[] = calls.map(() => null)
    for (const { __i, ...row } of rows) found[__i - 1] = row as unknown as R
    return found.map((value) => ({ ok: true as const, value }))
  })
}
