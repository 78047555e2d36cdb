import { isLoopError, loopError } from '@loopkit/core'
import type { Pool, PoolClient, QueryResultRow } from 'pg'
import pg from 'pg'

/** Anything that runs a query: the pool (one statement, autocommit) or a client inside a transaction. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(
    sql: string,
    values?: unknown[],
    /** Prepares the statement under this name on each connection, so its plan is made once. */
    name?: string,
  ): Promise<{ rows: R[]; rowCount: number }>
}

// int8 (count, bigint columns) and numeric (sum of bigints) come back from pg as strings because
// they may exceed 2^53. Every number Loopkit stores is a safe integer (minor units, ms, stock), so
// they are parsed as numbers here — per query, so a pool the app passes in keeps its own parsers.
const INT8 = 20
const NUMERIC = 1700
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value)
    return pg.types.getTypeParser(oid, format as 'text')
  },
}

function wrap(target: Pool | PoolClient): Queryable {
  return {
    async query<R extends QueryResultRow>(sql: string, values: unknown[] = [], name?: string) {
      const res = await target.query<R>({
        text: sql,
        values,
        types,
        ...(name ? { name } : {}),
      } as pg.QueryConfig)
      return { rows: res.rows, rowCount: res.rowCount ?? 0 }
    },
  }
}

const RETRYABLE = new Set(['40001', '40P01']) // serialization failure, deadlock detected

/** The shared handle every concept module receives. */
export interface Db extends Queryable {
  /** The quoted schema, ready to prefix table names: `"loopkit".orders`. */
  readonly s: string
  readonly schema: string
  /** Runs `fn` in one transaction (after migrations), retrying on deadlock / serialization failure. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>
}

/** Builds the {@link Db} handle; `ready()` is awaited before every statement (migrations on first use). */
export function createDb(pool: Pool, schema: string, ready: () => Promise<void>): Db {
  const direct = wrap(pool)
  const s = quoteIdent(schema)
  return {
    s,
    schema,
    async query(sql, values) {
      await ready()
      // A single statement is atomic: if it failed on a deadlock nothing of it applied, so retry.
      for (let attempt = 1; ; attempt++) {
        try {
          return await direct.query(sql, values)
        } catch (e) {
          if (attempt < 5 && RETRYABLE.has(pgCode(e) ?? '')) continue
          throw toLoopError(e)
        }
      }
    },
    async tx(fn) {
      await ready()
      for (let attempt = 1; ; attempt++) {
        const client = await pool.connect().catch((e: unknown) => {
          throw toLoopError(e)
        })
        let broken = false
        try {
          await client.query('BEGIN')
          const out = await fn(wrap(client))
          await client.query('COMMIT')
          return out
        } catch (e) {
          await client.query('ROLLBACK').catch(() => {
            broken = true
          })
          if (attempt < 5 && RETRYABLE.has(pgCode(e) ?? '')) continue
          throw toLoopError(e)
        } finally {
          // A client whose ROLLBACK failed may be mid-transaction: destroy it rather than pool it.
          client.release(broken)
        }
      }
    },
  }
}

export function pgCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/** Maps a driver error to a `LoopError`: unique violations are `conflict`, the rest `storage_error`. */
export function toLoopError(e: unknown) {
  if (isLoopError(e)) return e
  const code = pgCode(e)
  // The driver's message names the constraint, never a value; `detail` (which may hold values) is
  // left on `cause` for the app's own logs.
  const message = e instanceof Error ? e.message : String(e)
  if (code === '23505') return loopError('postgres', 'conflict', `Duplicate: ${message}.`, { cause: e })
  return loopError('postgres', 'storage_error', `Query failed: ${message}.`, {
    cause: e,
    retryable: isTransient(code),
  })
}

/** Connection-level failures (a socket error has no SQLSTATE), shutdowns, overload, lost races. */
function isTransient(code: string | undefined): boolean {
  if (code === undefined || !/^[0-9A-Z]{5}$/.test(code)) return true
  return code.startsWith('08') || code.startsWith('53') || code.startsWith('57P') || RETRYABLE.has(code)
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** `[text, params]` helpers for optional filters: `where.add('status = $?', value)`. */
export function whereBuilder(values: unknown[]) {
  const parts: string[] = []
  return {
    add(sql: string, ...params: unknown[]) {
      parts.push(sql.replace(/\$\?/g, () => `$${values.push(params.shift())}`))
    },
    toString() {
      return parts.length ? `WHERE ${parts.join(' AND ')}` : ''
    },
  }
}
