import type { StockReservation, StorageAdapter } from '../../contracts/storage.js'
import type { OrderLine } from '../../domain/order.js'
import { loopError } from '../../errors.js'
import { copy, copyOrNull, type MemoryState } from './state.js'

type CatalogOps = Pick<StorageAdapter, 'putSku' | 'getSku' | 'listSkus'>

export function catalogOps(state: MemoryState, scope: string): CatalogOps {
  return {
    async putSku({ sku }) {
      if (sku.stock !== null && (!Number.isSafeInteger(sku.stock) || sku.stock < 0)) {
        throw loopError(
          scope,
          'invalid_input',
          `SKU \`${sku.id}\` stock must be a non-negative integer or null.`,
        )
      }
      state.skus.set(sku.id, copy(sku))
      return copy(sku)
    },

    async getSku({ id }) {
      return copyOrNull(state.skus.get(id))
    },

    async listSkus({ activeOnly }) {
      return [...state.skus.values()]
        .filter((s) => !activeOnly || s.active)
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map(copy)
    },
  }
}

/** Sums reservations per SKU, refusing quantities that are not positive integers. */
export function totalsBySku(reserve: readonly StockReservation[], scope: string): Map<string, number> {
  const totals = new Map<string, number>()
  for (const r of reserve) {
    if (!Number.isSafeInteger(r.quantity) || r.quantity < 1) {
      throw loopError(
        scope,
        'invalid_input',
        `Reserved quantity of \`${r.skuId}\` must be a positive integer, got ${r.quantity}.`,
      )
    }
    totals.set(r.skuId, (totals.get(r.skuId) ?? 0) + r.quantity)
  }
  return totals
}

/**
 * Takes stock for every reservation or for none: all lines are checked before any is taken, so a
 * refused order leaves stock untouched. A SKU without stock tracking (`stock: null`) always fits.
 */
export function reserveStock(state: MemoryState, reserve: readonly StockReservation[], scope: string): void {
  const totals = totalsBySku(reserve, scope)
  for (const [skuId, quantity] of totals) {
    const sku = state.skus.get(skuId)
    if (!sku) throw loopError(scope, 'out_of_stock', `SKU \`${skuId}\` does not exist.`)
    if (sku.stock !== null && sku.stock < quantity) {
      throw loopError(scope, 'out_of_stock', `SKU \`${skuId}\` has ${sku.stock} left, ${quantity} requested.`)
    }
  }
  for (const [skuId, quantity] of totals) {
    const sku = state.skus.get(skuId)!
    if (sku.stock !== null) sku.stock -= quantity
  }
}

/** Returns an order's lines to stock (SKUs deleted or untracked since are skipped). */
export function releaseStock(state: MemoryState, lines: readonly OrderLine[]): void {
  for (const line of lines) {
    const sku = state.skus.get(line.skuId)
    if (sku && sku.stock !== null) sku.stock += line.quantity
  }
}
