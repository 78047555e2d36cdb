import { loopError } from '../errors.js'

/**
 * The checks every storage adapter applies to catalogue numbers before writing them, so memory,
 * SQLite and PostgreSQL refuse the same values with the same code (`invalid_input`).
 *
 * @example
 * ```ts
 * checkStock(sku.stock, sku.id, 'storage-sqlite') // throws for -1, 1.5, NaN
 * ```
 */
export function checkStock(stock: number | null, skuId: string, scope: string): void {
  if (stock !== null && (!Number.isSafeInteger(stock) || stock < 0)) {
    throw loopError(scope, 'invalid_input', `SKU \`${skuId}\` stock must be a non-negative integer or null.`)
  }
}

/**
 * Refuses a `limitPerCustomer` that is not a positive integer (absent or `null`: no limit).
 *
 * @example
 * ```ts
 * checkLimit(0, 'duck', 'memory-storage') // throws invalid_input
 * ```
 */
export function checkLimit(limit: number | null | undefined, skuId: string, scope: string): void {
  if (limit != null && (!Number.isSafeInteger(limit) || limit < 1)) {
    throw loopError(
      scope,
      'invalid_input',
      `SKU \`${skuId}\` limitPerCustomer must be a positive integer or null.`,
    )
  }
}

/**
 * Refuses a stock adjustment that is not a safe integer.
 *
 * @example
 * ```ts
 * checkDelta(0.5, 'storage-postgres') // throws invalid_input
 * ```
 */
export function checkDelta(delta: number, scope: string): void {
  if (!Number.isSafeInteger(delta)) {
    throw loopError(scope, 'invalid_input', `A stock adjustment must be an integer, got ${delta}.`)
  }
}
