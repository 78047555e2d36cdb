import { withDeadline } from '../_internal/deadline.js'
import type { Customer } from '../domain/customer.js'
import type { Order, Refund } from '../domain/order.js'
import type { Runtime } from '../loop/runtime.js'

/**
 * Runs the plugins' `orderPaid` hooks once after the paid transition is committed, then records
 * `hooks.completed` so `loop.recover()` can tell which paid orders still need them after a crash.
 * Never throws: the payment is committed, so a hook that fails or overruns the adapter deadline,
 * or storage failing on the bookkeeping write, is reported to `onError` and left to `recover()` —
 * it must not turn the committed payment into an error answer.
 */
export async function runOrderPaidHooks(rt: Runtime, order: Order, customer: Customer | null): Promise<void> {
  const hooks = rt.plugins.flatMap((p) => (p.hooks?.orderPaid ?? []).map((hook) => ({ plugin: p.id, hook })))
  if (hooks.length === 0) return
  let failed = false
  for (const { plugin, hook } of hooks) {
    try {
      await withDeadline(
        hook({ context: rt.context, order, customer }),
        rt.config.adapterTimeoutMs,
        `plugin ${plugin} orderPaid`,
      )
    } catch (error) {
      failed = true
      rt.reportError(error, `plugin ${plugin} orderPaid`)
    }
  }
  if (failed) return
  try {
    await rt.storage.appendEvents({
      events: [
        rt.event(
          'hooks.completed',
          { hook: 'orderPaid' },
          { orderId: order.id, customerId: order.customerId },
        ),
      ],
    })
  } catch (error) {
    // The hooks ran; `recover()` runs them again (they are idempotent) and records them then.
    rt.reportError(error, `recording hooks.completed for order ${order.number}`)
  }
}

export async function runRefundHooks(rt: Runtime, order: Order, refund: Refund): Promise<void> {
  for (const plugin of rt.plugins) {
    for (const hook of plugin.hooks?.refundSucceeded ?? []) {
      try {
        await hook({ context: rt.context, order, refund })
      } catch (error) {
        rt.reportError(error, `plugin ${plugin.id} refundSucceeded`)
      }
    }
  }
}

/**
 * Re-runs `orderPaid` hooks for paid orders whose hooks never completed (the process died between
 * the commit and the hook). Pages through the `order.paid` events after `since` (an event `seq`;
 * default: all of them). Hooks are idempotent, so running one twice is harmless.
 */
export async function recoverHooks(
  rt: Runtime,
  input: { since?: number; pageSize?: number } = {},
): Promise<{ rerun: number; checked: number; lastSeq: number | null }> {
  const result = { rerun: 0, checked: 0, lastSeq: null as number | null }
  const hasHooks = rt.plugins.some((p) => (p.hooks?.orderPaid?.length ?? 0) > 0)
  if (!hasHooks) return result
  const pageSize = input.pageSize ?? 500
  let after = input.since
  for (;;) {
    const page = await rt.storage.listEvents({
      types: ['order.paid'],
      limit: pageSize,
      ...(after !== undefined ? { after } : {}),
    })
    for (const e of page) {
      result.checked++
      result.lastSeq = e.seq
      if (!e.orderId) continue
      const done = await rt.storage.listEvents({ types: ['hooks.completed'], orderId: e.orderId, limit: 1 })
      if (done.length > 0) continue
      const order = await rt.storage.getOrder({ id: e.orderId })
      if (!order) continue
      await runOrderPaidHooks(rt, order, await rt.storage.getCustomer({ id: order.customerId }))
      result.rerun++
    }
    if (page.length < pageSize) return result
    after = page[page.length - 1]!.seq
  }
}
