import type { StorageAdapter } from '../../contracts/storage.js'
import { legalSources, type Order } from '../../domain/order.js'
import { loopError } from '../../errors.js'
import { releaseStock, reserveStock } from './catalog.js'
import { copy, copyOrNull, key, type MemoryState, writeEffects } from './state.js'

type OrderOps = Pick<
  StorageAdapter,
  'createOrder' | 'getOrder' | 'getOrderByNumber' | 'listOrders' | 'listExpiredOrders' | 'transitionOrder'
>

/** Newest first: `createdAt` descending, then id descending. */
function newestFirst(a: Order, b: Order): number {
  if (a.createdAt !== b.createdAt) return b.createdAt - a.createdAt
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0
}

export function orderOps(state: MemoryState, scope: string): OrderOps {
  return {
    async createOrder({ order, reserve, effects }) {
      const idemKey = order.idempotencyKey === null ? null : key(order.customerId, order.idempotencyKey)
      if (idemKey !== null) {
        const existing = state.idempotencyKeys.get(idemKey)
        if (existing !== undefined) return { order: copy(state.orders.get(existing)!), created: false }
      }
      if (state.orders.has(order.id))
        throw loopError(scope, 'conflict', `Order \`${order.id}\` already exists.`)
      if (state.orderNumbers.has(order.number)) {
        throw loopError(scope, 'conflict', `Order number \`${order.number}\` is already used.`)
      }
      reserveStock(state, { customerId: order.customerId, reserve }, scope)
      const stored = copy(order)
      state.orders.set(stored.id, stored)
      state.orderNumbers.set(stored.number, stored.id)
      if (idemKey !== null) state.idempotencyKeys.set(idemKey, stored.id)
      writeEffects(state, effects, order.createdAt)
      return { order: copy(stored), created: true }
    },

    async getOrder({ id }) {
      return copyOrNull(state.orders.get(id))
    },

    async getOrderByNumber({ number }) {
      const id = state.orderNumbers.get(number)
      return id === undefined ? null : copyOrNull(state.orders.get(id))
    },

    async listOrders({ customerId, status, limit, before }) {
      const out: Order[] = []
      for (const o of state.orders.values()) {
        if (customerId !== undefined && o.customerId !== customerId) continue
        if (status !== undefined && o.status !== status) continue
        if (
          before &&
          !(o.createdAt < before.createdAt || (o.createdAt === before.createdAt && o.id < before.id))
        )
          continue
        out.push(o)
      }
      return out.sort(newestFirst).slice(0, Math.max(0, limit)).map(copy)
    },

    async listExpiredOrders({ now, limit }) {
      const out: Order[] = []
      for (const o of state.orders.values()) {
        if (o.status === 'pending' && o.expiresAt <= now) out.push(o)
      }
      out.sort((a, b) => a.expiresAt - b.expiresAt || a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
      return out.slice(0, Math.max(0, limit)).map(copy)
    },

    async transitionOrder({ id, from, to, patch, releaseStock: release, now, effects }) {
      const sources = legalSources({ from, to })
      const order = state.orders.get(id)
      if (!order) return { order: null, changed: false }
      if (!sources.includes(order.status)) return { order: copy(order), changed: false }
      order.status = to
      if (patch?.providerRef !== undefined) order.providerRef = patch.providerRef
      if (patch?.paidAt !== undefined) order.paidAt = patch.paidAt
      order.updatedAt = now
      if (release) releaseStock(state, order.lines)
      writeEffects(state, effects, now)
      return { order: copy(order), changed: true }
    },
  }
}
