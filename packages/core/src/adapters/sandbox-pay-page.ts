import type { LoopRoute } from '../contracts/plugin.js'
import { loopError } from '../errors.js'

interface PayPageAdapter {
  describe(
    orderNumber: string,
  ): { amount: string; currency: string; status: string; returnUrl: string | null } | null
  pay(input: { orderNumber: string }): Promise<Request>
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** The sandbox's pay page: a button that pays and delivers the webhook to the loop in-process. */
export function sandboxPayRoutes(adapter: PayPageAdapter): LoopRoute[] {
  return [
    {
      method: 'GET',
      path: '/sandbox/pay/:number',
      async handler({ params }) {
        const info = adapter.describe(params.number!)
        if (!info) throw loopError('sandbox', 'not_found', 'No such sandbox payment.')
        const html = `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Sandbox payment</title><body style="font-family:system-ui;max-width:28rem;margin:3rem auto">
<h1>Sandbox payment</h1><p>Order <code>${escapeHtml(params.number!)}</code>: <strong>${escapeHtml(info.currency)} ${escapeHtml(info.amount)}</strong> (${escapeHtml(info.status)})</p>
<form method="post"><button type="submit" id="sandbox-pay" style="font-size:1.2rem;padding:.6rem 1.4rem">Pay</button></form>
<p><small>No money moves: this is Loopkit's sandbox provider.</small></p></body>`
        return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } })
      },
    },
    {
      method: 'POST',
      path: '/sandbox/pay/:number',
      async handler({ params, context }) {
        const info = adapter.describe(params.number!)
        if (!info) throw loopError('sandbox', 'not_found', 'No such sandbox payment.')
        const res = await context.handle(await adapter.pay({ orderNumber: params.number! }))
        if (!res.ok)
          throw loopError(
            'sandbox',
            'provider_error',
            `The loop refused the sandbox webhook (${res.status}).`,
          )
        const back = info.returnUrl ?? '/'
        return new Response(null, { status: 303, headers: { location: back } })
      },
    },
  ]
}
