import type { PayError } from './auth.js'

export const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/
export const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/

export type TradeKind = 'jsapi' | 'app' | 'h5' | 'native'

function paramError(field: string, issue: string): PayError {
  return { status: 400, code: 'PARAM_ERROR', message: `输入源“/body/${field}”${issue}` }
}

function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
}

/** notify_url: HTTPS, no query, ≤ 255 (plain-HTTP loopback only when the simulator was told to allow it). */
export function checkNotifyUrl(
  value: unknown,
  field: string,
  allowInsecure: boolean,
  max: number,
): PayError | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > max)
    return paramError(field, `必须是长度不超过${max}的字符串`)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return paramError(field, '不是合法的URL')
  }
  if (url.protocol !== 'https:' && !(allowInsecure && isLoopbackHttp(url)))
    return paramError(field, '必须是https地址')
  if (url.search || value.includes('?')) return paramError(field, '不能携带参数')
  return null
}

/** Field rules of the JSAPI/APP/H5/Native prepay bodies (protocols.md §1.8). */
export function checkPrepayBody(
  kind: TradeKind,
  b: Record<string, any>,
  allowInsecure: boolean,
): PayError | null {
  for (const f of ['appid', 'mchid', 'description', 'out_trade_no', 'notify_url']) {
    if (typeof b[f] !== 'string' || b[f].length === 0) return paramError(f, '为必填字段')
  }
  if (Array.from(b.description as string).length > 127) return paramError('description', '长度不能超过127')
  if (!OUT_TRADE_NO.test(b.out_trade_no))
    return paramError('out_trade_no', '只能是数字、大小写字母_-|*，长度6-32')
  if (b.attach !== undefined && (typeof b.attach !== 'string' || b.attach.length > 128))
    return paramError('attach', '长度不能超过128')
  const notify = checkNotifyUrl(b.notify_url, 'notify_url', allowInsecure, 255)
  if (notify) return notify
  const total = b.amount?.total
  if (!Number.isSafeInteger(total) || total <= 0) return paramError('amount/total', '必须是正整数(单位分)')
  if (b.amount.currency !== undefined && b.amount.currency !== 'CNY')
    return paramError('amount/currency', '只支持CNY')
  if (b.time_expire !== undefined && (typeof b.time_expire !== 'string' || !RFC3339.test(b.time_expire))) {
    return paramError(
      'time_expire',
      '映射到值字段“交易结束时间”字符串规则校验失败，字符串必须是符合 RFC3339 日期时间格式',
    )
  }
  if (kind === 'jsapi' && (typeof b.payer?.openid !== 'string' || !b.payer.openid))
    return paramError('payer/openid', '为必填字段')
  if (kind === 'h5') {
    if (typeof b.scene_info?.payer_client_ip !== 'string')
      return paramError('scene_info/payer_client_ip', '为必填字段')
    if (!['iOS', 'Android', 'Wap'].includes(b.scene_info?.h5_info?.type))
      return paramError('scene_info/h5_info/type', '必须是iOS、Android或Wap')
  }
  return null
}

/** Field rules of the refund body. */
export function checkRefundBody(b: Record<string, any>, allowInsecure: boolean): PayError | null {
  if (typeof b.transaction_id !== 'string' && typeof b.out_trade_no !== 'string')
    return paramError('out_trade_no', 'transaction_id和out_trade_no必须二选一')
  if (typeof b.out_refund_no !== 'string' || !OUT_REFUND_NO.test(b.out_refund_no))
    return paramError('out_refund_no', '只能是数字、大小写字母_-|*@，长度1-64')
  if (b.reason !== undefined && (typeof b.reason !== 'string' || Buffer.byteLength(b.reason) > 80))
    return paramError('reason', '长度不能超过80字节')
  if (b.notify_url !== undefined) {
    const notify = checkNotifyUrl(b.notify_url, 'notify_url', allowInsecure, 256)
    if (notify) return notify
  }
  if (!Number.isSafeInteger(b.amount?.refund) || b.amount.refund <= 0)
    return paramError('amount/refund', '必须是正整数(单位分)')
  if (!Number.isSafeInteger(b.amount?.total) || b.amount.total <= 0)
    return paramError('amount/total', '必须是正整数(单位分)')
  if (b.amount.currency !== 'CNY') return paramError('amount/currency', '为必填字段，只支持CNY')
  return null
}

/** Parses an RFC 3339 time to ms. */
export function parseRfc3339(value: string): number {
  return Date.parse(value)
}
