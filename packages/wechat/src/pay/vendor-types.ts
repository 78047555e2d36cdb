/** A WeChat Pay transaction (query response and decrypted `TRANSACTION.SUCCESS` resource). */
export interface WechatTransaction {
  appid: string
  mchid: string
  out_trade_no: string
  transaction_id?: string
  trade_type?: string
  trade_state: 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR' | 'ACCEPT'
  trade_state_desc?: string
  bank_type?: string
  attach?: string
  success_time?: string
  payer?: { openid?: string }
  amount?: { total?: number; payer_total?: number; currency?: string; payer_currency?: string }
}

/** A WeChat Pay refund (create/query response). */
export interface WechatRefund {
  refund_id: string
  out_refund_no: string
  transaction_id?: string
  out_trade_no?: string
  status: 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL'
  success_time?: string
  create_time?: string
  amount: { total: number; refund: number; payer_total?: number; payer_refund?: number; currency?: string }
}

/** The decrypted resource of a `REFUND.*` notification. */
export interface WechatRefundNotice {
  mchid: string
  out_trade_no: string
  transaction_id?: string
  out_refund_no: string
  refund_id: string
  refund_status: 'SUCCESS' | 'CLOSED' | 'ABNORMAL' | 'PROCESSING'
  success_time?: string
  user_received_account?: string
  amount: { total: number; refund: number; payer_total?: number; payer_refund?: number }
}

/** The JSON envelope WeChat Pay POSTs to `notify_url`. */
export interface WechatNotification {
  id: string
  create_time: string
  resource_type: string
  event_type: string
  summary?: string
  resource: {
    original_type?: string
    algorithm: string
    ciphertext: string
    associated_data?: string
    nonce: string
  }
}
