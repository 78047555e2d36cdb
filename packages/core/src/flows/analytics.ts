import type { Runtime } from '../loop/runtime.js'

/** The loop funnel counted from the event log by `loop.analytics.funnel()`. */
export interface Funnel {
  logins: number
  orders: number
  paid: number
  shares: number
  shareVisits: number
  referredOrders: number
  /** Share actions reported by the widget, per channel. */
  shareActions: Record<string, number>
}

/** The loop funnel, read from the event log (`pageSize` events at a time). */
export async function funnel(
  rt: Runtime,
  input: { since?: number; pageSize?: number } = {},
): Promise<Funnel> {
  const f: Funnel = {
    logins: 0,
    orders: 0,
    paid: 0,
    shares: 0,
    shareVisits: 0,
    referredOrders: 0,
    shareActions: {},
  }
  const types = [
    'customer.logged_in',
    'order.created',
    'order.paid',
    'share.created',
    'share.visited',
    'share.action',
  ]
  let after: number | undefined
  for (;;) {
    const page = await rt.storage.listEvents({
      types,
      limit: input.pageSize ?? 1000,
      ...(after !== undefined ? { after } : {}),
    })
    for (const e of page) {
      if (input.since !== undefined && e.at < input.since) continue
      if (e.type === 'customer.logged_in') f.logins++
      else if (e.type === 'order.created') f.orders++
      else if (e.type === 'order.paid') {
        f.paid++
        if (e.data.attribution) f.referredOrders++
      } else if (e.type === 'share.created') f.shares++
      else if (e.type === 'share.visited') f.shareVisits++
      else if (e.type === 'share.action') {
        const ch = String(e.data.channel)
        f.shareActions[ch] = (f.shareActions[ch] ?? 0) + 1
      }
    }
    if (page.length < (input.pageSize ?? 1000)) return f
    after = page[page.length - 1]!.seq
  }
}
