import type { Customer, Funnel, Loop, Notification, Order, Reward, Share } from '@loopkit/core'
import type { FunnelStep } from './pages/funnel-chart.js'

/** The event the shop writes to the loop's event log for a new browser on a shop page. */
export const VISIT_EVENT = 'storefront.visited'

export interface AdminData {
  orders: Order[]
  outbox: { counts: Record<Notification['status'], number>; rows: Notification[] }
  /** Each share with its visits and the channels its card was used on (`copy`, `qr`, `poster`…), in first-use order. */
  shares: Array<Share & { visits: number; channels: string[] }>
  rewards: Reward[]
  funnel: FunnelStep[]
  /** Share-card actions per channel (`copy`, `qr`, `poster`, …), as the widget reported them. */
  shareActions: Record<string, number>
  /** Display names of every customer the tables mention. */
  names: Map<string, string>
}

/** Counts events of one type in the log, a page at a time. */
async function countEvents(loop: Loop, type: string): Promise<number> {
  let count = 0
  let after: number | undefined
  for (;;) {
    const page = await loop.analytics.events({
      types: [type],
      limit: 1000,
      ...(after !== undefined ? { after } : {}),
    })
    count += page.length
    if (page.length < 1000) return count
    after = page[page.length - 1]!.seq
  }
}

/** The funnel the admin page draws: shop visits, then the loop's people funnel (distinct people per step). */
export function funnelSteps(visits: number, f: Funnel): FunnelStep[] {
  const people = (step: Funnel['steps'][number]['step']) => f.steps.find((s) => s.step === step)?.people ?? 0
  return [
    { id: 'visits', zh: '访问', en: 'Visits', count: visits },
    { id: 'logins', zh: '登录', en: 'Logged in', count: people('logged_in') },
    { id: 'orders', zh: '下单', en: 'Checked out', count: people('checked_out') },
    { id: 'paid', zh: '付款', en: 'Paid', count: people('paid') },
    { id: 'shares', zh: '分享', en: 'Shared', count: people('shared') },
    { id: 'share-visits', zh: '分享访问', en: 'Friends visited', count: people('friend_visited') },
    { id: 'referred', zh: '推荐订单', en: 'Friends bought', count: people('friend_bought') },
  ]
}

/** Share-card actions per channel, from the channel rollup. */
async function shareActions(loop: Loop): Promise<Record<string, number>> {
  const rows = await loop.analytics.breakdown({ dimension: 'channel', from: '1970-01-01' })
  const out: Record<string, number> = {}
  for (const r of rows) if (r.counts.share_actions) out[r.key] = r.counts.share_actions
  return out
}

/** Everything the admin page shows, read through the loop's programmatic API. */
export async function adminData(loop: Loop): Promise<AdminData> {
  const [
    orders,
    rows,
    pending,
    sent,
    dead,
    skipped,
    shares,
    rewards,
    funnel,
    visits,
    visitEvents,
    actions,
    byChannel,
  ] = await Promise.all([
    loop.orders.list({ limit: 100 }),
    loop.notify.list({ limit: 100 }),
    loop.notify.list({ status: 'pending', limit: 1000 }),
    loop.notify.list({ status: 'sent', limit: 1000 }),
    loop.notify.list({ status: 'dead', limit: 1000 }),
    loop.notify.list({ status: 'skipped', limit: 1000 }),
    loop.shares.list({ limit: 100 }),
    loop.rewards.list({ limit: 100 }),
    // Every day so far: the shop's whole history, as the counts were before.
    loop.analytics.funnel({ from: '1970-01-01' }),
    countEvents(loop, VISIT_EVENT),
    loop.analytics.events({ types: ['share.visited'], limit: 1000 }),
    // The card creates the share before anyone picks a channel; its actions say which were used.
    loop.analytics.events({ types: ['share.action'], limit: 1000 }),
    shareActions(loop),
  ])
  const visitsByShare = new Map<string, number>()
  for (const e of visitEvents) {
    const id = String(e.data.shareId)
    visitsByShare.set(id, (visitsByShare.get(id) ?? 0) + 1)
  }
  const channelsByShare = new Map<string, string[]>()
  for (const e of actions) {
    const id = String(e.data.shareId)
    const channel = String(e.data.channel)
    const list = channelsByShare.get(id) ?? []
    if (!list.includes(channel)) list.push(channel)
    channelsByShare.set(id, list)
  }
  const ids = new Set<string>()
  for (const o of orders) {
    ids.add(o.customerId)
    if (o.attribution?.sharerId) ids.add(o.attribution.sharerId)
  }
  for (const n of rows) ids.add(n.customerId)
  for (const s of shares) ids.add(s.customerId)
  for (const r of rewards) ids.add(r.sharerId)
  const customers = await Promise.all([...ids].map((id) => loop.customers.get(id)))
  const names = new Map<string, string>()
  for (const c of customers.filter((c): c is Customer => c !== null)) names.set(c.id, c.displayName ?? c.id)
  return {
    orders,
    outbox: {
      counts: { pending: pending.length, sent: sent.length, dead: dead.length, skipped: skipped.length },
      rows,
    },
    shares: shares.map((s) => ({
      ...s,
      visits: visitsByShare.get(s.id) ?? 0,
      channels: [...new Set([...(s.channel ? [s.channel] : []), ...(channelsByShare.get(s.id) ?? [])])],
    })),
    rewards,
    funnel: funnelSteps(visits, funnel),
    shareActions: byChannel,
    names,
  }
}
