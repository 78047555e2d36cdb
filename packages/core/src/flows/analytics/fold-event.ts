import type { StorageAdapter } from '../../contracts/storage.js'
import type { LoopEventRecord } from '../../domain/event.js'
import type { Order } from '../../domain/order.js'
import type { Share } from '../../domain/share.js'
import type { BatchBuilder } from './batch.js'

/** Reads the fold needs besides the event; memoised per batch. */
export interface FoldLookups {
  order(id: string | null): Promise<Order | null>
  share(id: string | null | undefined): Promise<Share | null>
  /** The campaign the order's paid event carried, if any. */
  campaignOf(orderId: string): Promise<string | null>
  rewardCurrency(sharerId: string, orderId: string | null): Promise<string | null>
}

export function createLookups(storage: StorageAdapter): FoldLookups {
  const orders = new Map<string, Promise<Order | null>>()
  const shares = new Map<string, Promise<Share | null>>()
  return {
    order(id) {
      if (!id) return Promise.resolve(null)
      if (!orders.has(id)) orders.set(id, storage.getOrder({ id }))
      return orders.get(id)!
    },
    share(id) {
      if (!id) return Promise.resolve(null)
      if (!shares.has(id)) shares.set(id, storage.getShare({ id }))
      return shares.get(id)!
    },
    async campaignOf(orderId) {
      const [paid] = await storage.listEvents({ orderId, types: ['order.paid'], limit: 1 })
      return campaignId(paid?.data)
    },
    async rewardCurrency(sharerId, orderId) {
      if (!orderId) return null
      const [reward] = await storage.listRewards({ sharerId, orderId, limit: 1 })
      return reward?.currency ?? null
    },
  }
}

function campaignId(data: Record<string, unknown> | undefined): string | null {
  const id = data?.campaignId
  return typeof id === 'string' && id ? id : null
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null)

/** The person a friend step counts: the customer when known, else the browser. */
function person(e: LoopEventRecord): string | null {
  if (e.customerId) return e.customerId
  const visitor = str(e.data.visitor)
  return visitor ? `v:${visitor}` : null
}

/** The visitor the first step counts: the browser when known (so a visit then a login is one), else the customer. */
function browser(e: LoopEventRecord): string | null {
  const visitor = str(e.data.visitor)
  return visitor ? `v:${visitor}` : e.customerId
}

/**
 * Folds one event into the batch. Revenue is counted on the day the order was paid, and a refund
 * takes its amount back from that same day (and from the SKUs, share, sharer, channel and campaign
 * the order counted under), so a day's revenue is what that day's buyers kept.
 */
export async function foldEvent(e: LoopEventRecord, b: BatchBuilder, look: FoldLookups): Promise<void> {
  const campaign = campaignId(e.data)
  if (campaign) {
    b.add(e.at, `event:${e.type}`, 1, [['campaign', campaign]])
    b.seen(e.at, 'campaign_reached', e.customerId, campaign)
  }
  switch (e.type) {
    case 'visitor.seen':
      b.seen(e.at, 'visited', browser(e))
      return
    case 'customer.created': {
      b.add(e.at, 'new_customers', 1, [['idp', str(e.data.provider)]])
      return
    }
    case 'customer.logged_in':
      b.add(e.at, 'logins', 1, [['idp', str(e.data.provider)]])
      b.seen(e.at, 'visited', browser(e))
      b.seen(e.at, 'logged_in', e.customerId)
      return
    case 'order.created':
      b.add(e.at, 'checkouts', 1)
      b.seen(e.at, 'checked_out', e.customerId)
      return
    case 'share.created': {
      const dims = [
        ['sharer', e.customerId],
        ['sku', str(e.data.skuId)],
        ['channel', str(e.data.channel) ?? 'none'],
      ] as const
      b.add(e.at, 'shares', 1, dims)
      b.seen(e.at, 'shared', e.customerId)
      return
    }
    case 'share.visited': {
      const share = await look.share(str(e.data.shareId))
      const sharer = str(e.data.sharerId)
      const dims = [
        ['sharer', sharer],
        ['share', str(e.data.shareId)],
        ['channel', share ? (share.channel ?? 'none') : null],
      ] as const
      b.add(e.at, 'visits', 1, dims)
      b.seen(e.at, 'visited', browser(e))
      if (sharer) b.seen(e.at, 'friend_visited', person(e), sharer)
      return
    }
    case 'share.action':
      b.add(e.at, 'share_actions', 1, [
        ['channel', str(e.data.channel) ?? 'none'],
        ['sharer', str(e.data.sharerId)],
      ])
      return
    case 'order.paid':
      return foldPaid(e, b, look, campaign)
    case 'order.refunded':
      return foldRefund(e, b, look)
    case 'reward.accrued': {
      const currency = str(e.data.currency)
      const amount = Number(e.data.amount)
      if (currency && Number.isFinite(amount))
        b.add(e.at, `rewards:${currency}`, amount, [['sharer', str(e.data.sharerId)]])
      return
    }
    case 'reward.clawed_back': {
      const sharer = str(e.data.sharerId)
      const currency = sharer ? await look.rewardCurrency(sharer, e.orderId) : null
      const amount = Number(e.data.amount)
      if (currency && Number.isFinite(amount))
        b.add(e.at, `rewards:${currency}`, -amount, [['sharer', sharer]])
      return
    }
  }
}

/** The dimensions an order's money counts under (besides SKUs). */
async function orderDims(order: Order, look: FoldLookups, campaign: string | null) {
  const shareId = order.attribution?.shareId ?? null
  const share = shareId ? await look.share(shareId) : null
  return [
    ['share', shareId],
    ['sharer', order.attribution?.sharerId ?? null],
    ['channel', shareId ? (share?.channel ?? 'none') : null],
    ['campaign', campaign],
  ] as const
}

async function foldPaid(e: LoopEventRecord, b: BatchBuilder, look: FoldLookups, campaign: string | null) {
  const order = await look.order(e.orderId)
  if (!order) return
  const at = order.paidAt ?? e.at
  const revenue = `revenue:${order.currency}`
  const dims = await orderDims(order, look, campaign)
  b.add(at, 'orders', 1, dims)
  b.add(at, revenue, order.total, dims)
  b.add(at, `gross:${order.currency}`, order.total)
  for (const line of order.lines) {
    b.add(at, 'units', line.quantity, [['sku', line.skuId]])
    b.add(at, revenue, line.quantity * line.unitPrice, [['sku', line.skuId]], false)
  }
  b.seen(at, 'paid', order.customerId)
  b.purchase(order.customerId, at)
  if (campaign) b.seen(at, 'campaign_bought', order.customerId, campaign)
  if (order.attribution?.sharerId) {
    b.seen(at, 'friend_bought', order.customerId, order.attribution.sharerId)
    const share = await look.share(order.attribution.shareId)
    if (share) {
      b.add(at, 'cycle_ms', Math.max(0, at - share.createdAt))
      b.add(at, 'cycles', 1)
    }
  }
}

async function foldRefund(e: LoopEventRecord, b: BatchBuilder, look: FoldLookups) {
  const order = await look.order(e.orderId)
  const amount = Number(e.data.amount)
  if (!order || !Number.isFinite(amount) || amount <= 0) return
  b.add(e.at, 'refunds', 1)
  b.add(e.at, `refunded:${order.currency}`, amount)
  const paidAt = order.paidAt ?? e.at
  const campaign = await look.campaignOf(order.id)
  const revenue = `revenue:${order.currency}`
  b.add(paidAt, revenue, -amount, await orderDims(order, look, campaign))
  // The SKUs give back in proportion to what they were paid; the last line takes the rounding.
  let left = amount
  order.lines.forEach((line, i) => {
    const share =
      i === order.lines.length - 1
        ? left
        : Math.floor((amount * line.quantity * line.unitPrice) / Math.max(1, order.total))
    left -= share
    b.add(paidAt, revenue, -share, [['sku', line.skuId]], false)
  })
}
