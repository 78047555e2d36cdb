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
  /**
   * One domain operation as one atomic unit. Operations issued in the same turn of the event loop
   * are group-committed: they run one after another inside a single `BEGIN IMMEDIATE` transaction,
   * each in its own savepoint (a failing one is rolled back alone and rejects alone), and every
   * promise settles only after the `COMMIT` — so each is as atomic and as durable as if it had its
   * own transaction, while a burst of concurrent buyers shares one commit (and one fsync).
   */
  tx<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => Promise<R>
  /** Settles once every operation queued so far is committed (before closing the file). */
  drain(): Promise<void>
}

/** At most this many operations share one commit. */
const MAX_BATCH = 256

interface Pending {
  run(): unknown
  resolve(value: unknown): void
  reject(error: unknown): void
}

export function createDb(raw: BetterSqlite3.Database): Db {
  const statements = new Map<string, Statement>()
  const queue: Pending[] = []
  let scheduled = false
  const begin = raw.prepare('BEGIN IMMEDIATE')
  const commit = raw.prepare('COMMIT')
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
    tx<A extends unknown[], R>(fn: (...args: A) => R) {
      // Inside the batch's transaction, better-sqlite3 runs a transaction function as a savepoint.
      const t = raw.transaction(fn)
      return (...args: A) =>
        new Promise<R>((resolve, reject) => {
          enqueue({ run: () => t(...args), resolve: resolve as (v: unknown) => void, reject })
        })
    },
    drain() {
      if (queue.length === 0 && !scheduled) return Promise.resolve()
      return new Promise<void>((resolve) =>
        enqueue({ run: () => undefined, resolve: () => resolve(), reject: () => resolve() }),
      )
    },
  }

  function enqueue(p: Pending): void {
    queue.push(p)
    if (!scheduled) {
      scheduled = true
      setImmediate(flush)
    }
  }

  function flush(): void {
    scheduled = false
    const batch = queue.splice(0, MAX_BATCH)
    if (queue.length > 0) {
      scheduled = true
      setImmediate(flush)
    }
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = []
    try {
      begin.run()
    } catch (error) {
      for (const p of batch) p.reject(toLoopError(error))
      return
    }
    for (const p of batch) {
      try {
        outcomes.push({ ok: true, value: p.run() })
      } catch (error) {
        outcomes.push({ ok: false, error: toLoopError(error) })
      }
    }
    try {
      commit.run()
    } catch (error) {
      if (raw.inTransaction) raw.prepare('ROLLBACK').run()
      for (const p of batch) p.reject(toLoopError(error))
      return
    }
    batch.forEach((p, i) => {
      const o = outcomes[i]!
      if (o.ok) p.resolve(o.value)
      else p.reject(o.error)
    })
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
