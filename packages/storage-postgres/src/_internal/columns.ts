// Column lists that alias snake_case columns to the domain's camelCase fields, so a row *is* the
// domain object (int8 parsed to number by the query helper). `p` is an optional table alias.

/** `stock` is an SQL expression: a SKU's stock is the sum of its buckets (see `stock.ts`). */
export const skuCols = (stock: string, p = '') =>
  `${p}id, ${p}title, ${p}description, ${p}image_url AS "imageUrl", ${p}price, ${p}currency, ${stock} AS stock,
   ${p}active, ${p}limit_per_customer AS "limitPerCustomer"`

export const orderCols = (p = '') =>
  `${p}id, ${p}number, ${p}customer_id AS "customerId", ${p}lines, ${p}total, ${p}currency, ${p}status, ${p}provider,
   ${p}idempotency_key AS "idempotencyKey", ${p}attribution, ${p}refunded, ${p}provider_ref AS "providerRef",
   ${p}created_at AS "createdAt", ${p}expires_at AS "expiresAt", ${p}paid_at AS "paidAt", ${p}updated_at AS "updatedAt"`

export const paymentCols = (p = '') =>
  `${p}id, ${p}order_id AS "orderId", ${p}provider, ${p}provider_ref AS "providerRef", ${p}amount, ${p}currency,
   ${p}status, ${p}created_at AS "createdAt", ${p}updated_at AS "updatedAt"`

export const refundCols = (p = '') =>
  `${p}id, ${p}order_id AS "orderId", ${p}number, ${p}amount, ${p}currency, ${p}reason, ${p}status,
   ${p}provider_ref AS "providerRef", ${p}created_at AS "createdAt", ${p}updated_at AS "updatedAt"`

export const shareCols = (p = '') =>
  `${p}id, ${p}customer_id AS "customerId", ${p}sku_id AS "skuId", ${p}target, ${p}channel, ${p}created_at AS "createdAt"`

export const visitCols = (p = '') =>
  `${p}id, ${p}share_id AS "shareId", ${p}sharer_id AS "sharerId", ${p}visitor_key AS "visitorKey",
   ${p}customer_id AS "customerId", ${p}at`

export const rewardCols = (p = '') =>
  `${p}id, ${p}sharer_id AS "sharerId", ${p}order_id AS "orderId", ${p}kind, ${p}amount,
   ${p}clawed_back AS "clawedBack", ${p}currency, ${p}coupon,
   ${p}status, ${p}release_at AS "releaseAt", ${p}created_at AS "createdAt", ${p}updated_at AS "updatedAt"`

export const eventCols = (p = '') =>
  `${p}seq, ${p}id, ${p}type, ${p}at, ${p}customer_id AS "customerId", ${p}order_id AS "orderId", ${p}data`

export const notificationCols = (p = '') =>
  `${p}id, ${p}dedupe_key AS "dedupeKey", ${p}channel, ${p}customer_id AS "customerId", ${p}message, ${p}status,
   ${p}attempts, ${p}next_attempt_at AS "nextAttemptAt", ${p}lease_until AS "leaseUntil", ${p}lease_token AS "leaseToken",
   ${p}last_error AS "lastError", ${p}provider_message_id AS "providerMessageId", ${p}decision, ${p}created_at AS "createdAt",
   ${p}updated_at AS "updatedAt"`
