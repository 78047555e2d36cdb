import { withDeadline } from '../_internal/deadline.js'
import type { Refund } from '../domain/order.js'
import { loopError } from '../errors.js'
import type { Runtime } from '../loop/runtime.js'
import { settleRefundResult } from './refund.js'
import { providerOrder, refundTimeoutMs, sendRefund } from './refund-provider.js'

/** What one reconciliation pass did (`loop.refunds.reconcile()`). */
export interface RefundReconcileResult {
  /** Pending refunds the provider was asked about in this pass. */
  checked: number
  /** Of those, settled as succeeded or failed in this pass. */
  succeeded: number
  failed: number
  /** Still processing at the provider (or sent again and accepted). */
  pending: number
  /** Calls that failed or timed out; the refund stays pending for the next pass. */
  errors: number
}

/** Options of {@link reconcileRefunds}. */
export interface ReconcileRefundsInput {
  /** At most this many refunds are checked per pass. Default 20. */
  limit?: number
  /** Only this order's refunds (then the age rule is skipped: the caller asked now). */
  orderId?: string
  /** Overrides `refunds.retryAfterMs` of the loop options. */
  retryAfterMs?: number
}

type Outcome = 'succeeded' | 'failed' | 'pending' | 'skipped'

/**
 * Refund reconciliation: every pending refund old enough is looked up at its provider (the
 * optional `queryRefund`); a final answer settles it, and a refund the provider does not know (its
 * request never arrived, or the provider cannot be queried) is sent again under the same number,
 * which providers treat as the same refund. Each provider call has a deadline. A cache lease per
 * refund keeps instances sharing the storage from checking the same refund more than once per
 * `retryAfterMs`.
 *
 * @example
 * ```ts
 * const { checked, succeeded, errors } = await loop.refunds.reconcile({ limit: 50 })
 * ```
 */
export async function reconcileRefunds(
  rt: Runtime,
  input: ReconcileRefundsInput = {},
): Promise<RefundReconcileResult> {
  const limit = input.limit ?? 20
  const retryAfterMs = input.orderId ? 0 : (input.retryAfterMs ?? rt.options.refunds?.retryAfterMs ?? 60_000)
  // More candidates than `limit`: the ones another instance holds a lease on are skipped cheaply,
  // so a few stuck refunds at the head of the list do not starve the rest.
  const candidates = await rt.storage.listRefunds({
    status: 'pending',
    updatedBefore: rt.now() - retryAfterMs,
    limit: input.orderId ? limit : limit * 4,
    ...(input.orderId ? { orderId: input.orderId } : {}),
  })
  const result: RefundReconcileResult = { checked: 0, succeeded: 0, failed: 0, pending: 0, errors: 0 }
  for (const refund of candidates) {
    if (result.checked >= limit) break
    try {
      const outcome = await reconcileOne(rt, refund, retryAfterMs)
      if (outcome === 'skipped') continue
      result.checked++
      result[outcome]++
    } catch (error) {
      result.checked++
      result.errors++
      rt.reportError(error, `reconciling refund ${refund.number}`)
    }
  }
  return result
}

async function reconcileOne(rt: Runtime, refund: Refund, retryAfterMs: number): Promise<Outcome> {
  if (retryAfterMs > 0) {
    const lease = await rt.storage.cacheSet({
      key: `loopkit:refund-reconcile:${refund.id}`,
      value: String(rt.now()),
      ttlMs: retryAfterMs,
      now: rt.now(),
      ifAbsent: true,
    })
    if (!lease.stored) return 'skipped'
  }
  const stored = await rt.storage.getOrder({ id: refund.orderId })
  if (!stored)
    throw loopError('refunds', 'not_found', `No order \`${refund.orderId}\` for refund ${refund.number}.`)
  const adapter = rt.payments.get(stored.provider)
  if (!adapter)
    throw loopError(
      'refunds',
      'configuration',
      `No payment provider \`${stored.provider}\` for refund ${refund.number}.`,
    )
  const order = await providerOrder(rt, stored)
  const query = adapter.queryRefund
  const remote = query
    ? await withDeadline(
        query({ order, refund }),
        refundTimeoutMs(rt),
        `[${adapter.id}] refund query ${refund.number}`,
        'provider_unavailable',
      )
    : null
  if (!remote) return (await sendRefund(rt, { adapter, order, refund })).status
  if (remote.refundNumber !== refund.number || remote.amount !== refund.amount) {
    throw loopError(
      'refunds',
      'amount_mismatch',
      `The provider reports refund ${remote.refundNumber} of ${remote.amount} for refund ${refund.number} of ${refund.amount}.`,
    )
  }
  if (remote.status !== 'pending') {
    await settleRefundResult(rt, {
      refundId: refund.id,
      status: remote.status,
      providerRef: remote.providerRef,
      delivery: null,
    })
  }
  return remote.status
}
