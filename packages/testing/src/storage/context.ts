import { type Customer, isLoopError, type LoopErrorCode, type StorageAdapter } from '@loopkit/core'
import { afterEach, beforeEach, expect } from 'vitest'

/** Options of {@link testStorageAdapter}. */
export interface TestStorageAdapterOptions {
  /** Shown in the `describe` title. */
  name: string
  /** Returns a new, empty adapter; called before every test. */
  create: () => Promise<StorageAdapter>
  /** Releases what `create` made; called after every test. Defaults to `storage.close()`. */
  destroy?: (storage: StorageAdapter) => Promise<void>
  /**
   * Writes these customers, exactly as given (ids, identities, tags, follow state, times), into the
   * empty `storage` — for the 100,000-customer scale case. Defaults to the public operations
   * (`upsertCustomer`, `updateCustomer`, `recordActivity`); a SQL adapter may do one multi-row insert.
   */
  seedCustomers?: (storage: StorageAdapter, customers: Customer[]) => Promise<void>
}

/** What each topic's cases get: the adapter of the running test. */
export interface SuiteContext {
  readonly storage: StorageAdapter
}

/** Registers a fresh adapter per test, so every case starts from an empty store. */
export function useStorage(options: TestStorageAdapterOptions): SuiteContext {
  let current: StorageAdapter | null = null
  beforeEach(async () => {
    current = await options.create()
  })
  afterEach(async () => {
    const s = current
    current = null
    if (!s) return
    if (options.destroy) await options.destroy(s)
    else await s.close?.()
  })
  return {
    get storage(): StorageAdapter {
      if (!current) throw new Error('[loopkit] [testing] The storage is only available inside a test.')
      return current
    },
  }
}

/** Asserts that `promise` rejects with a `LoopError` of `code`, and returns the error. */
export async function expectLoopError(promise: Promise<unknown>, code: LoopErrorCode): Promise<unknown> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  expect(error, `expected a LoopError \`${code}\`, but the call succeeded`).not.toBeNull()
  expect(isLoopError(error), `expected a LoopError \`${code}\`, got ${String(error)}`).toBe(true)
  expect((error as { code: string }).code).toBe(code)
  return error
}

/** Settles every promise and splits the results, for the concurrency cases. */
export async function settle<T>(promises: Promise<T>[]): Promise<{ values: T[]; errors: unknown[] }> {
  const results = await Promise.allSettled(promises)
  const values: T[] = []
  const errors: unknown[] = []
  for (const r of results) {
    if (r.status === 'fulfilled') values.push(r.value)
    else errors.push(r.reason)
  }
  return { values, errors }
}

/** Events and outbox rows currently stored, for asserting what a change did or did not write. */
export async function written(storage: StorageAdapter): Promise<{ events: string[]; outbox: string[] }> {
  const events = await storage.listEvents({ limit: 10_000 })
  const outbox = await storage.listNotifications({ limit: 10_000 })
  return { events: events.map((e) => e.id), outbox: outbox.map((n) => n.dedupeKey) }
}
