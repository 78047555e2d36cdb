import { loopError } from '../../errors.js'
import { checkout } from '../../flows/checkout.js'
import { currentCustomerId, listNotifications, listOrders } from '../../flows/queries.js'
import { checkoutBody, parseInput } from '../../schemas.js'
import { BODY_LIMITS, readJson } from '../body.js'
import { clientIp } from '../client-ip.js'
import { enforceRateLimit } from '../rate-limit.js'
import { json } from '../respond.js'
import { visitorKey } from '../session.js'
import type { LoopHttpRoute, RouteContext } from './types.js'

function requireCustomer(ctx: RouteContext, scope: string): string {
  if (!ctx.customerId) throw loopError(scope, 'unauthorized', 'Log in first.')
  return ctx.customerId
}

export const orderRoutes: LoopHttpRoute[] = [
  {
    method: 'POST',
    path: '/checkout',
    async handler(ctx) {
      const customerId = requireCustomer(ctx, 'checkout')
      await enforceRateLimit(ctx.rt, { route: 'checkout', request: ctx.request, customerId })
      const body = parseInput(
        checkoutBody,
        await readJson(ctx.request, 'checkout', BODY_LIMITS.checkout),
        'checkout',
      )
      const idempotencyKey = body.idempotencyKey ?? ctx.request.headers.get('idempotency-key') ?? undefined
      // The payer address WeChat H5 needs: only from a source the host vouched for.
      const ip = clientIp(ctx.rt, ctx.request)
      const result = await checkout(ctx.rt, {
        ...body,
        customerId,
        visitorKey: visitorKey(ctx.rt, ctx.request).key,
        ...(idempotencyKey ? { idempotencyKey } : {}),
        ...(ip ? { clientIp: ip } : {}),
      })
      return json({ order: result.order, action: result.action }, { status: result.created ? 201 : 200 })
    },
  },
  {
    method: 'GET',
    path: '/orders',
    async handler(ctx) {
      const customerId = requireCustomer(ctx, 'orders')
      return json({ orders: await listOrders(ctx.rt, { customerId, limit: 50 }) })
    },
  },
  {
    method: 'GET',
    path: '/orders/:id',
    async handler(ctx) {
      const customerId = await currentCustomerId(ctx.rt, requireCustomer(ctx, 'orders'))
      const order = await ctx.rt.storage.getOrder({ id: ctx.params.id! })
      // Another customer's order looks exactly like a missing one.
      if (!order || order.customerId !== customerId) throw loopError('orders', 'not_found', 'No such order.')
      return json({ order })
    },
  },
  {
    method: 'GET',
    path: '/notifications',
    async handler(ctx) {
      const customerId = requireCustomer(ctx, 'notifications')
      const rows = await listNotifications(ctx.rt, { customerId, limit: 50 })
      return json({
        notifications: rows.map((n) => ({
          id: n.id,
          channel: n.channel,
          status: n.status,
          message: n.message,
          createdAt: n.createdAt,
        })),
      })
    },
  },
  {
    method: 'GET',
    path: '/catalog',
    async handler(ctx) {
      return json({ skus: await ctx.rt.storage.listSkus({ activeOnly: true }) })
    },
  },
]
