import type { PaymentAdapter } from '@loopkit/core'
import type { Context, Hono } from 'hono'

/**
 * The simulators listen on loopback only, but a buyer on a phone (`HOST=0.0.0.0`) must open their pay
 * pages too. So the buyer-facing URLs a payment action carries are rewritten from the simulator's
 * address to the shop's, and the shop forwards those paths to the simulator (`simProxyRoutes`). The
 * adapter's own API calls still go straight to the simulator.
 *
 * @example
 * ```ts
 * const payments = viaShop(alipayPayments(sim.adapterOptions()), { from: simBase, to: origin })
 * ```
 */
export function viaShop(adapter: PaymentAdapter, input: { from: string; to: string }): PaymentAdapter {
  const { from, to } = input
  return {
    ...adapter,
    async createPayment(payment) {
      const out = await adapter.createPayment(payment)
      const action = out.action
      if (action.type === 'redirect' && action.url.startsWith(from))
        return { ...out, action: { type: 'redirect', url: to + action.url.slice(from.length) } }
      if (action.type === 'form')
        return { ...out, action: { type: 'form', html: action.html.replaceAll(from, to) } }
      return out
    },
  }
}

async function forward(c: Context, target: string): Promise<Response> {
  const url = new URL(c.req.url)
  const method = c.req.method
  const type = c.req.header('content-type')
  const res = await fetch(`${target}${url.pathname}${url.search}`, {
    method,
    headers: type ? { 'content-type': type } : {},
    ...(method === 'GET' || method === 'HEAD' ? {} : { body: await c.req.arrayBuffer() }),
    // The simulator's redirect back to the shop is the buyer's, not ours to follow.
    redirect: 'manual',
    signal: AbortSignal.timeout(10_000),
  })
  const headers = new Headers()
  for (const name of ['content-type', 'location']) {
    const value = res.headers.get(name)
    if (value) headers.set(name, value)
  }
  return new Response(await res.arrayBuffer(), { status: res.status, headers })
}

/** Mounts `paths` (Hono patterns) of the shop so they answer from the simulator at `target`. */
export function simProxyRoutes(app: Hono, routes: { paths: readonly string[]; target: string }[]): void {
  for (const { paths, target } of routes) {
    for (const path of paths) app.all(path, (c) => forward(c, target))
  }
}
