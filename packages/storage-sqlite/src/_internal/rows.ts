import type {
  Customer,
  LoopEventRecord,
  Notification,
  Order,
  Payment,
  Refund,
  Reward,
  Share,
  Sku,
  Visit,
} from '@loopkit/core'

// Column names are snake_case in SQL; these map one row to one domain object and back.

export interface CustomerRow {
  id: string
  identities: string
  display_name: string | null
  avatar_url: string | null
  tags: string
  consents: string
  referred_by: string | null
  followed_at: number | null
  unfollowed_at: number | null
  last_interaction_at: number | null
  time_zone: string | null
  created_at: number
  updated_at: number
}

export const toCustomer = (r: CustomerRow): Customer => ({
  id: r.id,
  identities: JSON.parse(r.identities),
  displayName: r.display_name,
  avatarUrl: r.avatar_url,
  tags: JSON.parse(r.tags),
  consents: JSON.parse(r.consents),
  referredBy: r.referred_by,
  followedAt: r.followed_at,
  unfollowedAt: r.unfollowed_at,
  lastInteractionAt: r.last_interaction_at,
  timeZone: r.time_zone,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

export interface SkuRow {
  id: string
  title: string
  description: string | null
  image_url: string | null
  price: number
  currency: string
  stock: number | null
  active: number
  limit_per_customer: number | null
}

export const toSku = (r: SkuRow): Sku => ({
  id: r.id,
  title: r.title,
  description: r.description,
  imageUrl: r.image_url,
  price: r.price,
  currency: r.currency,
  stock: r.stock,
  active: r.active === 1,
  // Only when set, so an unlimited SKU reads back exactly as it was written.
  ...(r.limit_per_customer === null ? {} : { limitPerCustomer: r.limit_per_customer }),
})

export interface OrderRow {
  id: string
  number: string
  customer_id: string
  lines: string
  total: number
  currency: string
  status: Order['status']
  provider: string
  idempotency_key: string | null
  attribution: string | null
  refunded: number
  provider_ref: string | null
  created_at: number
  expires_at: number
  paid_at: number | null
  updated_at: number
}

export const toOrder = (r: OrderRow): Order => ({
  id: r.id,
  number: r.number,
  customerId: r.customer_id,
  lines: JSON.parse(r.lines),
  total: r.total,
  currency: r.currency,
  status: r.status,
  provider: r.provider,
  idempotencyKey: r.idempotency_key,
  attribution: r.attribution === null ? null : JSON.parse(r.attribution),
  refunded: r.refunded,
  providerRef: r.provider_ref,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  paidAt: r.paid_at,
  updatedAt: r.updated_at,
})

export interface PaymentRow {
  id: string
  order_id: string
  provider: string
  provider_ref: string | null
  amount: number
  currency: string
  status: Payment['status']
  created_at: number
  updated_at: number
}

export const toPayment = (r: PaymentRow): Payment => ({
  id: r.id,
  orderId: r.order_id,
  provider: r.provider,
  providerRef: r.provider_ref,
  amount: r.amount,
  currency: r.currency,
  status: r.status,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

export interface RefundRow {
  id: string
  order_id: string
  number: string
  amount: number
  currency: string
  reason: string | null
  status: Refund['status']
  provider_ref: string | null
  created_at: number
  updated_at: number
}

export const toRefund = (r: RefundRow): Refund => ({
  id: r.id,
  orderId: r.order_id,
  number: r.number,
  amount: r.amount,
  currency: r.currency,
  reason: r.reason,
  status: r.status,
  providerRef: r.provider_ref,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

export interface ShareRow {
  id: string
  customer_id: string
  sku_id: string | null
  target: string
  channel: string | null
  created_at: number
}

export const toShare = (r: ShareRow): Share => ({
  id: r.id,
  customerId: r.customer_id,
  skuId: r.sku_id,
  target: r.target,
  channel: r.channel,
  createdAt: r.created_at,
})

export interface VisitRow {
  id: string
  share_id: string
  sharer_id: string
  visitor_key: string
  customer_id: string | null
  at: number
}

export const toVisit = (r: VisitRow): Visit => ({
  id: r.id,
  shareId: r.share_id,
  sharerId: r.sharer_id,
  visitorKey: r.visitor_key,
  customerId: r.customer_id,
  at: r.at,
})

export interface RewardRow {
  id: string
  sharer_id: string
  order_id: string
  kind: Reward['kind']
  amount: number
  clawed_back: number
  currency: string
  coupon: string | null
  status: Reward['status']
  release_at: number
  created_at: number
  updated_at: number
}

export const toReward = (r: RewardRow): Reward => ({
  id: r.id,
  sharerId: r.sharer_id,
  orderId: r.order_id,
  kind: r.kind,
  amount: r.amount,
  clawedBack: r.clawed_back,
  currency: r.currency,
  coupon: r.coupon,
  status: r.status,
  releaseAt: r.release_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

export interface EventRow {
  seq: number
  id: string
  type: string
  at: number
  customer_id: string | null
  order_id: string | null
  data: string
}

export const toEvent = (r: EventRow): LoopEventRecord => ({
  seq: r.seq,
  id: r.id,
  type: r.type,
  at: r.at,
  customerId: r.customer_id,
  orderId: r.order_id,
  data: JSON.parse(r.data),
})

export interface NotificationRow {
  id: string
  dedupe_key: string
  channel: string
  customer_id: string
  message: string
  status: Notification['status']
  attempts: number
  next_attempt_at: number
  lease_until: number | null
  lease_token: string | null
  last_error: string | null
  provider_message_id: string | null
  decision: string | null
  created_at: number
  updated_at: number
}

export const toNotification = (r: NotificationRow): Notification => ({
  id: r.id,
  dedupeKey: r.dedupe_key,
  channel: r.channel,
  customerId: r.customer_id,
  message: JSON.parse(r.message),
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  leaseUntil: r.lease_until,
  leaseToken: r.lease_token,
  lastError: r.last_error,
  providerMessageId: r.provider_message_id,
  decision: r.decision ?? null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})
