import { isLoopError, loopError } from '@loopkit/core'
import type BetterSqlite3 from 'better-sqlite3'

export const SCOPE = 'storage-sqlite'

type Statement = BetterSqlite3.Statement<unknown[], unknown>

/**
 * The connection plus two helpers every domain module uses: `q(sql)` returns the statement for
 * that SQL, prepared once and reused; `tx(fn)` wraps `fn` in one `BEGIN IMMEDIATE` transaction
 * (taking the write lock up front, so two processes never deadlock upgrading a read lock).
 */
export interface Db {
  readonly raw: BetterSqlite3.Database
  q(sql: string): Statement
  tx<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R
}

export function createDb(raw: BetterSqlite3.Database): Db {
  const statements = new Map<string, Statement>()
  return {
    raw,
    q(sql) {
      let s = statements.get(sql)
      if (!s) {
        s = raw.prepare(sql)
        statements.set(sql, s)
      }
      return s
    },
    tx(fn) {
      const t = raw.transaction(fn)
      return (...args) => guard(() => t.immediate(...args))
    },
  }
}

/** Runs `fn`, turning SQLite failures into `LoopError`s with stable codes. */
export function guard<R>(fn: () => R): R {
  try {
    return fn()
  } catch (error) {
    throw toLoopError(error)
  }
}

function toLoopError(error: unknown): unknown {
  if (isLoopError(error)) return error
  const code = (error as { code?: unknown }).code
  const message = error instanceof Error ? error.message : String(error)
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return loopError(SCOPE, 'conflict', `A row with the same key already exists (${message}).`, {
      cause: error,
    })
  }
  if (code === 'SQLITE_CONSTRAINT_CHECK') {
    return loopError(SCOPE, 'invalid_input', `A value breaks a constraint (${message}).`, { cause: error })
  }
  const busy = code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED'
  return loopError(SCOPE, 'storage_error', `SQLite failed: ${message}`, { cause: error, retryable: busy })
}

/** JSON for a column; `null` stays SQL NULL. */
export function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value)
}
