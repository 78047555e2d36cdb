import type { StockReservation, StorageAdapter } from '../../contracts/storage.js'
import { limitCountingStatuses, type Sku } from '../../domain/catalog.js'
import type { OrderLine } from '../../domain/order.js'
import { checkDelta, checkLimit, checkStock } from '../../domain/stock.js'
import { loopError } from '../../errors.js'
import { copy, copyOrNull, type MemoryState } from './state.js'

type CatalogOps = Pick<StorageAdapter, 'putSku' | 'getSku' | 'listSkus' | 'setStock' | 'adjustStock'>

/** A stored SKU: `limitPerCustomer` only when set, so an unlimited SKU reads back as it was written. */
function stored(sku: Sku): Sku {
  const { limitPerCustomer, ...rest } = copy(sku)
  return limitPerCustomer == null ? rest : { ...rest, limitPerCustomer }
}

export function catalogOps(state: MemoryState, scope: string): CatalogOps {
  return {
    async putSku({ sku }) {
      checkStock(sku.stock, sku.id, scope)
      checkLimit(sku.limitPerCustomer, sku.id, scope)
      const existing = state.skus.get(sku.id)
      // An existing SKU keeps its stock: pending orders already hold units outside it.
      const next = stored(existing ? { ...sku, stock: existing.stock } : sku)
      state.skus.set(sku.id, next)
      return copy(next)
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

    async setStock({ id, stock }) {
      checkStock(stock, id, scope)
      const sku = state.skus.get(id)
      if (!sku) return null
      sku.stock = stock
      return copy(sku)
    },

    async adjustStock({ id, delta }) {
      checkDelta(delta, scope)
      const sku = state.skus.get(id)
      if (!sku) return null
      if (sku.stock === null) {
        throw loopError(scope, 'invalid_input', `SKU \`${id}\` does not track stock; use setStock first.`)
      }
      if (sku.stock + delta < 0) {
        throw loopError(
          scope,
          'out_of_stock',
          `SKU \`${id}\` has ${sku.stock} left; cannot remove ${-delta}.`,
        )
      }
      sku.stock += delta
      return copy(sku)
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

/** Units of `skuId` in the customer's orders that count against a per-customer limit. */
function heldByCustomer(state: MemoryState, customerId: string, skuId: string): number {
  let held = 0
  for (const o of state.orders.values()) {
    if (o.customerId !== customerId || !counting.has(o.status)) continue
    for (const line of o.lines) if (line.skuId === skuId) held += line.quantity
  }
  return held
}

const counting = new Set<string>(limitCountingStatuses)

/**
 * Takes stock for every reservation or for none: all lines are checked before any is taken, so a
 * refused order leaves stock untouched. A SKU without stock tracking (`stock: null`) always fits.
 * A SKU with a `limitPerCustomer` also counts the customer's orders (only then: unlimited SKUs
 * skip the scan).
 */
export function reserveStock(
  state: MemoryState,
  input: { customerId: string; reserve: readonly StockReservation[] },
  scope: string,
): void {
  const totals = totalsBySku(input.reserve, scope)
  for (const [skuId, quantity] of totals) {
    const sku = state.skus.get(skuId)
    if (!sku) throw loopError(scope, 'out_of_stock', `SKU \`${skuId}\` does not exist.`)
    if (sku.stock !== null && sku.stock < quantity) {
      throw loopError(scope, 'out_of_stock', `SKU \`${skuId}\` has ${sku.stock} left, ${quantity} requested.`)
    }
    const limit = sku.limitPerCustomer
    if (limit != null && heldByCustomer(state, input.customerId, skuId) + quantity > limit) {
      throw loopError(scope, 'limit_exceeded', `At most ${limit} of \`${skuId}\` per customer.`)
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
