import { type Customer, newOrderNumber, type Order, type Refund } from '@loopkit/core'
import type { RawWebhook } from './index.js'

let counter = 0

/**
 * A pending order valid for every provider (WeChat `out_trade_no` rules), for adapter tests.
 *
 * @example
 * ```ts
 * const order = testOrder({ customer, provider: 'wechat', total: 8800 })
 * await adapter.createPayment({ order, customer, notifyUrl, description: 'test' })
 * ```
 */
export function testOrder(input: {
  customer: Customer
  total?: number
  currency?: string
  now?: number
  provider: string
}): Order {
  const now = input.now ?? Date.now()
  const total = input.total ?? 8800
  const number = `${newOrderNumber(now).slice(0, 22)}${String(counter++ % 100).padStart(2, '0')}`
  return {
    id: `ord_${number}`,
    number,
    customerId: input.customer.id,
    lines: [{ skuId: 'sku_contract', title: 'Contract test item', quantity: 1, unitPrice: total }],
    total,
    currency: input.currency ?? 'CNY',
    status: 'pending',
    provider: input.provider,
    idempotencyKey: null,
    attribution: null,
    refunded: 0,
    providerRef: null,
    createdAt: now,
    expiresAt: now + 30 * 60_000,
    paidAt: null,
    updatedAt: now,
  }
}

export function testRefund(order: Order, amount: number, suffix: string): Refund {
  return {
    id: `ref_${order.number}${suffix}`,
    orderId: order.id,
    number: `${order.number}${suffix}`,
    amount,
    currency: order.currency,
    reason: 'contract test',
    status: 'pending',
    providerRef: null,
    createdAt: order.createdAt,
    updatedAt: order.createdAt,
  }
}

export function defaultForge(webhook: RawWebhook): RawWebhook {
  const headers = new Headers(webhook.headers)
  let forged = false
  webhook.headers.forEach((value, name) => {
    if (!/signature/i.test(name) || /type/i.test(name)) return
    // Change a character in the middle: same shape, wrong value. (Not the last one: in Base64 its
    // low bits may be padding that decoders ignore, which would leave the signature valid.)
    const i = Math.floor(value.length / 2)
    const c = value[i] === 'A' ? 'B' : 'A'
    headers.set(name, `${value.slice(0, i)}${c}${value.slice(i + 1)}`)
    forged = true
  })
  if (!forged)
    throw new Error(
      '[loopkit] [testing] No *signature* header to forge: pass `forgeSignature` in the harness.',
    )
  return { ...webhook, headers }
}

export function tamperBody(webhook: RawWebhook): RawWebhook {
  const body = new Uint8Array(webhook.body)
  const text = new TextDecoder().decode(body)
  // Change a digit if there is one (an amount, an id), else one byte in the middle.
  const digit = text.search(/[1-8]/)
  const at = digit >= 0 ? new TextEncoder().encode(text.slice(0, digit)).length : Math.floor(body.length / 2)
  body[at] = body[at]! + 1
  return { ...webhook, body }
}
