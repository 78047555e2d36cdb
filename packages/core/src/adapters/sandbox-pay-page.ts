import { escapeHtml, wantsHtml } from '../_internal/html-page.js'
import type { LoopRoute } from '../contracts/plugin.js'
import { loopError } from '../errors.js'

interface PayPageAdapter {
  describe(
    orderNumber: string,
  ): { amount: string; currency: string; status: string; returnUrl: string | null } | null
  pay(input: { orderNumber: string }): Promise<Request>
}

const statusLabel: Record<string, string> = {
  pending: '待支付 pending',
  succeeded: '已支付 paid',
  failed: '失败 failed',
  closed: '已关闭 closed',
  refunded: '已退款 refunded',
}

/** The sandbox's pay page: a button that pays and delivers the webhook to the loop in-process. */
export function sandboxPayRoutes(adapter: PayPageAdapter): LoopRoute[] {
  return [
    {
      method: 'GET',
      path: '/sandbox/pay/:number',
      async handler({ request, params, context }) {
        const info = adapter.describe(params.number!)
        if (!info && wantsHtml(request)) {
          const body = `<h1>没有这笔沙箱支付 <span class="muted">No such sandbox payment</span></h1>
<p>订单号可能不完整，或服务已重启（沙箱的支付只保存在内存中）。\nThe order number may be cut short, or the server restarted (the sandbox keeps payments in memory).</p>`
          return context.page({ status: 404, title: '沙箱支付 Sandbox payment', body })
        }
        if (!info) throw loopError('sandbox', 'not_found', 'No such sandbox payment.')
        const body = `<h1>沙箱支付 <span class="muted">Sandbox payment</span></h1>
<p>订单 Order <code id="sandbox-order">${escapeHtml(params.number!)}</code>\n<span class="amount" id="sandbox-amount">${escapeHtml(info.currency)} ${escapeHtml(info.amount)}</span>\n<span class="muted">${escapeHtml(statusLabel[info.status] ?? info.status)}</span></p>
<form method="post"><button type="submit" id="sandbox-pay">支付 Pay</button></form>
<p class="muted">不会扣款：这是 Loopkit 的沙箱支付。\nNo money moves: this is Loopkit's sandbox provider.</p>`
        return context.page({ status: 200, title: '沙箱支付 Sandbox payment', body })
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
