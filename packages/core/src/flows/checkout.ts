import { newId, newOrderNumber } from '../_internal/ids.js'
import type { CreatePaymentOutput, PaymentAction } from '../contracts/payment.js'
import type { Order, OrderLine } from '../domain/order.js'
import { loopError } from '../errors.js'
import { type Runtime, routeUrl } from '../loop/runtime.js'
import { type CheckoutInput, checkoutInput, parseInput } from '../schemas.js'
import { checkReturnUrl } from '../security/redirect.js'
import { pickProvider } from './_internal/pick-provider.js'
import { attributionFor } from './attribution.js'

/** What `loop.checkout()` returns: the order and how the buyer pays it. */
export interface CheckoutResult {
  order: Order
  /** What the buyer's client does next to pay. */
  action: PaymentAction
  /** False when the idempotency key returned an earlier order. */
  created: boolean
}

async function priceLines(
  rt: Runtime,
  input: CheckoutInput,
): Promise<{ lines: OrderLine[]; currency: string }> {
  const merged = new Map<string, number>()
  for (const l of input.lines) merged.set(l.skuId, (merged.get(l.skuId) ?? 0) + l.quantity)
  for (const quantity of merged.values()) {
    if (quantity > rt.config.maxQuantity) {
      throw loopError('checkout', 'invalid_input', `At most ${rt.config.maxQuantity} of one item per order.`)
    }
  }
  // Read together: a storage that batches the reads of one turn answers them in one round trip.
  const skus = await Promise.all([...merged.keys()].map((id) => rt.storage.getSku({ id })))
  const lines: OrderLine[] = []
  let currency: string | null = null
  let i = 0
  for (const [skuId, quantity] of merged) {
    const sku = skus[i++]
    if (!sku || !sku.active) throw loopError('checkout', 'not_found', `No product \`${skuId}\`.`)
    if (currency !== null && sku.currency !== currency) {
      throw loopError('checkout', 'invalid_input', 'All items of one order must be in the same currency.')
    }
    currency = sku.currency
    lines.push({ skuId, title: sku.title, quantity, unitPrice: sku.price })
  }
  return { lines, currency: currency! }
}

/** The value of a settled promise, or its error thrown. */
function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason
  return result.value
}

/**
 * Checkout: price the lines, run `beforeCheckout` hooks, attribute the order to a share or campaign visit,
 * create the order while reserving stock (atomically; `out_of_stock` changes nothing), then ask
 * the payment provider what the client does next. The same idempotency key returns the same order.
 */
export async function checkout(rt: Runtime, raw: unknown): Promise<CheckoutResult> {
  const input = parseInput(checkoutInput, raw, 'checkout')
  const returnUrl = input.returnUrl && checkReturnUrl(rt, input.returnUrl)
  const adapter = pickProvider(rt.payments, input)
  const now = rt.now()
  const visitorKey = input.visitorKey ?? null
  // The customer, the prices and the last visit do not depend on each other: asked for together, they
  // cost one wait instead of three (one round trip where the storage batches a turn's reads). The
  // customer's absence is still the error a caller sees first.
  const [found, priced, touch] = await Promise.allSettled([
    rt.storage.getCustomer({ id: input.customerId }),
    priceLines(rt, input),
    attributionFor(rt, input.customerId, visitorKey, now),
  ])
  const customer = settled(found)
  if (!customer) throw loopError('checkout', 'unauthorized', 'Log in before checking out.')
  const { lines, currency } = settled(priced)
  for (const plugin of rt.plugins) {
    for (const hook of plugin.hooks?.beforeCheckout ?? [])
      await hook({ context: rt.context, customer, lines })
  }
  const total = lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0)
  if (!Number.isSafeInteger(total) || total <= 0)
    throw loopError('checkout', 'invalid_input', 'The order total must be positive.')
  // Everything the provider would refuse is refused here, before an order or a reservation exists.
  await adapter.validatePayment?.({
    customer,
    total,
    currency,
    ...(input.method ? { method: input.method } : {}),
    ...(returnUrl ? { returnUrl } : {}),
    ...(input.clientIp ? { clientIp: input.clientIp } : {}),
  })

  const draft: Order = {
    id: newId('ord'),
    number: newOrderNumber(now),
    customerId: customer.id,
    lines,
    total,
    currency,
    status: 'pending',
    provider: adapter.id,
    idempotencyKey: input.idempotencyKey ?? null,
    // A merged customer's old id resolves to the survivor, whose visits the lookup must see.
    attribution:
      customer.id === input.customerId
        ? settled(touch)
        : await attributionFor(rt, customer.id, visitorKey, now),
    refunded: 0,
    providerRef: null,
    createdAt: now,
    expiresAt: now + rt.config.orderTtlMs,
    paidAt: null,
    updatedAt: now,
  }
  const effects = {
    events: [
      rt.event(
        'order.created',
        { number: draft.number, total, currency, attribution: draft.attribution },
        { customerId: customer.id, orderId: draft.id },
      ),
    ],
  }
  const { order, created } = await rt.storage.createOrder({
    order: draft,
    reserve: lines.map((l) => ({ skuId: l.skuId, quantity: l.quantity })),
    effects,
  })
  if (created) rt.published(effects)
  if (order.status !== 'pending') {
    throw loopError(
      'checkout',
      'conflict',
      `Order ${order.number} for this idempotency key is already ${order.status}.`,
    )
  }

  let payment: CreatePaymentOutput
  try {
    payment = await adapter.createPayment({
      order,
      customer,
      notifyUrl: routeUrl(rt, `/webhooks/${adapter.id}`),
      description:
        order.lines.length === 1 ? order.lines[0]!.title : `${order.lines[0]!.title} ×${order.lines.length}`,
      ...(input.method ? { method: input.method } : {}),
      ...(returnUrl ? { returnUrl } : {}),
      ...(input.clientIp ? { clientIp: input.clientIp } : {}),
    })
  } catch (error) {
    // The buyer got no way to pay this order, so it must not hold stock until it expires: in a
    // flash sale a provider outage would otherwise lock the stock for the whole order TTL. An
    // order an earlier call created is left alone (that call's buyer may be paying it).
    if (created) await releaseUnpayable(rt, order)
    throw error
  }
  // A payment attempt is recorded when the provider gave it a reference (WeChat's prepay_id); the
  // paid transition writes the payment in any case, so a provider without one costs no extra write.
  if (payment.providerRef) {
    await rt.storage.savePayment({
      payment: {
        id: `pay_${order.id}_${adapter.id}`,
        orderId: order.id,
        provider: adapter.id,
        providerRef: payment.providerRef,
        amount: order.total,
        currency: order.currency,
        status: 'pending',
        createdAt: now,
        updatedAt: now,
      },
    })
  }
  return { order, action: payment.action, created }
}

/**
 * Cancels an order whose payment could not be created and returns its stock at once. The provider
 * gave the buyer nothing to pay with; should money arrive anyway, the webhook records it and
 * refunds it as a late payment.
 */
async function releaseUnpayable(rt: Runtime, order: Order): Promise<void> {
  const effects = {
    events: [
      rt.event(
        'order.cancelled',
        { number: order.number, reason: 'payment_failed' as const },
        { customerId: order.customerId, orderId: order.id },
      ),
    ],
  }
  try {
    const result = await rt.storage.transitionOrder({
      id: order.id,
      from: ['pending'],
      to: 'cancelled',
      releaseStock: true,
      now: rt.now(),
      effects,
    })
    if (result.changed) rt.published(effects)
  } catch (error) {
    // Expiry releases it later; the caller still gets the provider's error.
    rt.reportError(error, `releasing order ${order.number} after its payment failed`)
  }
}
