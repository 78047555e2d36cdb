import { randomBytes } from 'node:crypto'
import type {
  IdentityProfile,
  NewEvent,
  NewNotification,
  Order,
  Payment,
  Refund,
  Reward,
  Share,
  Sku,
  StockReservation,
  Visit,
} from '@loopkit/core'

/** The suite's clock origin (2026-01-01T00:00:00Z); tests pass `now` explicitly, never read the clock. */
export const T0 = Date.UTC(2026, 0, 1)

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

function base62(length: number): string {
  let out = ''
  for (const b of randomBytes(length)) out += ALPHABET[b % 62]
  return out
}

/** A unique id with a readable prefix, like the loop's own. */
export function id(prefix: string): string {
  return `${prefix}_${base62(20)}`
}

/** A unique order number valid as a WeChat `out_trade_no`. */
export function orderNumber(): string {
  return `T${base62(23)}`
}

export function sku(over: Partial<Sku> = {}): Sku {
  return {
    id: id('sku'),
    title: 'Nanjing salted duck',
    description: null,
    imageUrl: null,
    price: 8800,
    currency: 'CNY',
    stock: 100,
    active: true,
    ...over,
  }
}

export function profile(over: Partial<IdentityProfile> = {}): IdentityProfile {
  return { provider: 'sandbox', subject: id('sub'), ...over }
}

/** A pending order for `quantity` of one SKU, and the reservation that goes with it. */
export function order(input: {
  customerId?: string
  sku: Sku
  quantity?: number
  idempotencyKey?: string | null
  createdAt?: number
  expiresAt?: number
  total?: number
}): { order: Order; reserve: StockReservation[] } {
  const quantity = input.quantity ?? 1
  const createdAt = input.createdAt ?? T0
  const o: Order = {
    id: id('ord'),
    number: orderNumber(),
    customerId: input.customerId ?? id('cus'),
    lines: [{ skuId: input.sku.id, title: input.sku.title, quantity, unitPrice: input.sku.price }],
    total: input.total ?? input.sku.price * quantity,
    currency: input.sku.currency,
    status: 'pending',
    provider: 'sandbox',
    idempotencyKey: input.idempotencyKey ?? null,
    attribution: null,
    refunded: 0,
    providerRef: null,
    createdAt,
    expiresAt: input.expiresAt ?? createdAt + 15 * 60_000,
    paidAt: null,
    updatedAt: createdAt,
  }
  return { order: o, reserve: [{ skuId: input.sku.id, quantity }] }
}

export function payment(o: Order, over: Partial<Payment> = {}): Payment {
  return {
    id: id('pay'),
    orderId: o.id,
    provider: o.provider,
    providerRef: `tx_${base62(16)}`,
    amount: o.total,
    currency: o.currency,
    status: 'succeeded',
    createdAt: T0 + 1000,
    updatedAt: T0 + 1000,
    ...over,
  }
}

export function refund(o: Order, amount: number, over: Partial<Refund> = {}): Refund {
  return {
    id: id('ref'),
    orderId: o.id,
    number: `R${base62(23)}`,
    amount,
    currency: o.currency,
    reason: null,
    status: 'pending',
    providerRef: null,
    createdAt: T0 + 2000,
    updatedAt: T0 + 2000,
    ...over,
  }
}

export function share(over: Partial<Share> = {}): Share {
  return {
    id: id('shr'),
    customerId: id('cus'),
    skuId: null,
    target: '/products/duck',
    channel: 'wechat_moments',
    createdAt: T0,
    ...over,
  }
}

export function visit(s: Share, over: Partial<Visit> = {}): Visit {
  return {
    id: id('vis'),
    shareId: s.id,
    sharerId: s.customerId,
    visitorKey: id('vk'),
    customerId: null,
    at: T0 + 1000,
    ...over,
  }
}

export function reward(over: Partial<Reward> = {}): Reward {
  return {
    id: id('rwd'),
    sharerId: id('cus'),
    orderId: id('ord'),
    kind: 'amount',
    amount: 500,
    clawedBack: 0,
    currency: 'CNY',
    coupon: null,
    status: 'held',
    releaseAt: T0 + 7 * 86_400_000,
    createdAt: T0,
    updatedAt: T0,
    ...over,
  }
}

export function event(over: Partial<NewEvent> = {}): NewEvent {
  return {
    id: id('evt'),
    type: 'test.happened',
    at: T0,
    customerId: null,
    orderId: null,
    data: { n: 1 },
    ...over,
  }
}

export function notification(over: Partial<NewNotification> = {}): NewNotification {
  const n: NewNotification = {
    id: id('ntf'),
    dedupeKey: id('dk'),
    channel: 'console',
    customerId: id('cus'),
    message: {
      topic: 'order.paid',
      title: 'Paid',
      body: 'Your duck is on its way.',
      fields: { amount: '88.00' },
    },
  }
  return { ...n, ...over }
}
