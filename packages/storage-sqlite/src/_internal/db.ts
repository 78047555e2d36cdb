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
   * a failing one is rolled back alone and rejects alone, and every promise settles only after the
   * `COMMIT` — so each is as atomic and as durable as if it had its own transaction, while a burst
   * of concurrent buyers shares one commit (and one fsync).
   *
   * The operations must be functions of their arguments and the database (they may run twice).
   */
  tx<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => Promise<R>
  /**
   * Runs a read (`fn`, synchronous) in the current turn's read transaction, mapping SQLite failures
   * to `LoopError`s. Reads issued in the same turn of the event loop share one snapshot, opened by
   * the first and ended before the next group commit or at the next `setImmediate`: a read outside
   * a transaction takes and drops the WAL read lock with system calls every time (7-10 µs, more
   * than the read itself), once per turn is enough. A write committed in this process is seen by
   * every read issued after its promise settles; another process's, at most one turn later.
   */
  read<R>(fn: () => R): R
  /** Settles once every operation queued so far is committed (before closing the file). */
  drain(): Promise<void>
}

/** At most this many operations share one commit. */
const MAX_BATCH = 256

interface Pending {
  run(): unknown
  /** The same operation in a savepoint of its own. */
  isolated(): unknown
  resolve(value: unknown): void
  reject(error: unknown): void
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown }
/** An operation failed after it had written: nothing was committed, run the batch again isolated. */
const REPLAY = Symbol('replay')

export function createDb(raw: BetterSqlite3.Database, hooks: { afterCommit?: () => void } = {}): Db {
  const statements = new Map<string, Statement>()
  const queue: Pending[] = []
  let scheduled = false
  const begin = raw.prepare('BEGIN IMMEDIATE')
  const commit = raw.prepare('COMMIT')
  const rollback = raw.prepare('ROLLBACK')
  const totalChanges = raw.prepare('SELECT total_changes()').pluck()
  const beginRead = raw.prepare('BEGIN DEFERRED')
  let reading = false
  // Ends the turn's read transaction; a no-op when a group commit already ended it.
  const endRead = () => {
    if (!reading) return
    reading = false
    if (raw.inTransaction) commit.run()
  }
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
          enqueue({
            run: () => fn(...args),
            isolated: () => t(...args),
            resolve: resolve as (v: unknown) => void,
            reject,
          })
        })
    },
    read(fn) {
      if (!raw.inTransaction) {
        try {
          beginRead.run()
        } catch (error) {
          throw toLoopError(error)
        }
        reading = true
        setImmediate(endRead)
      }
      return guard(fn)
    },
    drain() {
      if (queue.length === 0 && !scheduled) {
        endRead()
        return Promise.resolve()
      }
      return new Promise<void>((resolve) => {
        const nothing = () => undefined
        enqueue({ run: nothing, isolated: nothing, resolve: () => resolve(), reject: () => resolve() })
      })
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
    // A savepoint per operation copies every page it first touches into a statement journal, on
    // every operation, to undo the rare one that fails half-way. So the batch runs without them,
    // and an operation that fails before writing anything (out of stock, a lost compare-and-set)
    // needs no undo; one that fails after writing rolls the whole batch back, and the batch runs
    // again with a savepoint per operation, as atomic as before.
    let outcomes = attempt(batch, false)
    if (outcomes === REPLAY) outcomes = attempt(batch, true)
    if (outcomes === REPLAY) return // not reached: an isolated run never asks for a replay
    if (!Array.isArray(outcomes)) {
      for (const p of batch) p.reject(outcomes.failed)
      return
    }
    batch.forEach((p, i) => {
      const o = outcomes[i]!
      if (o.ok) p.resolve(o.value)
      else p.reject(o.error)
    })
  }

  function attempt(batch: Pending[], isolated: boolean): Outcome[] | typeof REPLAY | { failed: unknown } {
    try {
      // A read transaction of this turn gives way: the batch's writes must start from the newest data.
      endRead()
      begin.run()
    } catch (error) {
      return { failed: toLoopError(error) }
    }
    const outcomes: Outcome[] = []
    for (const p of batch) {
      const before = isolated ? 0 : totalChanges.get()
      try {
        outcomes.push({ ok: true, value: isolated ? p.isolated() : p.run() })
      } catch (error) {
        if (!isolated && (!raw.inTransaction || totalChanges.get() !== before)) {
          if (raw.inTransaction) rollback.run()
          return REPLAY
        }
        outcomes.push({ ok: false, error: toLoopError(error) })
      }
    }
    try {
      commit.run()
    } catch (error) {
      if (raw.inTransaction) rollback.run()
      return { failed: toLoopError(error) }
    }
    hooks.afterCommit?.()
    return outcomes
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
