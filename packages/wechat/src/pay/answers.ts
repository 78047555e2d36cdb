import { answerSchema as z } from '@loopkit/core/kit'

// The JSON answers of the WeChat Pay API v3 calls the adapter reads (after their signature is
// verified), as WeChat documents them. Built with core's zod/mini (`answerSchema`), so this
// package ships no second copy of zod. `z.object` keeps the fields read and drops the rest, so a
// field WeChat adds later changes nothing.

const nonEmpty = z.string().check(z.minLength(1))
const fen = z.int().check(z.minimum(0))

/** `POST /v3/pay/transactions/{jsapi,native,h5,app}`: one of the three, by method. */
export const prepayAnswer = z.object({
  prepay_id: z.optional(nonEmpty),
  code_url: z.optional(nonEmpty),
  h5_url: z.optional(nonEmpty),
})

/** `GET /v3/pay/transactions/{id/…,out-trade-no/…}`. */
export const transactionAnswer = z.object({
  appid: z.string(),
  mchid: z.string(),
  out_trade_no: nonEmpty,
  transaction_id: z.optional(z.string()),
  trade_type: z.optional(z.string()),
  trade_state: z.enum([
    'SUCCESS',
    'REFUND',
    'NOTPAY',
    'CLOSED',
    'REVOKED',
    'USERPAYING',
    'PAYERROR',
    'ACCEPT',
  ]),
  trade_state_desc: z.optional(z.string()),
  success_time: z.optional(z.string()),
  amount: z.optional(
    z.object({
      total: z.optional(fen),
      payer_total: z.optional(fen),
      currency: z.optional(z.string()),
      payer_currency: z.optional(z.string()),
    }),
  ),
})

/** `POST /v3/refund/domestic/refunds` and `GET /v3/refund/domestic/refunds/{out_refund_no}`. */
export const refundAnswer = z.object({
  refund_id: z.optional(nonEmpty),
  out_refund_no: nonEmpty,
  transaction_id: z.optional(z.string()),
  out_trade_no: z.optional(z.string()),
  status: z.enum(['SUCCESS', 'CLOSED', 'PROCESSING', 'ABNORMAL']),
  success_time: z.optional(z.string()),
  create_time: z.optional(z.string()),
  amount: z.object({
    total: fen,
    refund: fen,
    payer_total: z.optional(fen),
    payer_refund: z.optional(fen),
    currency: z.optional(z.string()),
  }),
})
