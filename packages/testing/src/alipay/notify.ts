import type { SimulatorClock } from '../wechat/clock.js'

/** Alipay's documented retry intervals after an unacknowledged notification: 4m, 10m, 10m, 1h, 2h, 6h, 15h. */
export const ALIPAY_NOTIFY_RETRY_SCHEDULE_MS: readonly number[] = [4, 10, 10, 60, 120, 360, 900].map(
  (m) => m * 60_000,
)

/** One POST of an Alipay notification to the merchant. */
export interface AlipayDelivery {
  notifyId: string
  outTradeNo: string
  tradeStatus: string
  url: string
  /** 0 for the first delivery, n for the n-th retry. */
  attempt: number
  /** `duplicate`: a repeat after an ACK; `concurrent`: a parallel copy of the first delivery. */
  kind: 'genuine' | 'duplicate' | 'concurrent'
  /** Simulated time of the POST. */
  at: number
  status: number | null
  /** The answer was exactly `success`. */
  acked: boolean
  error?: string
}

/** Extra copies of a notification, to test idempotency. */
export interface AlipayDeliveryOptions {
  /** Copies of the first delivery sent at once. Default 1. */
  concurrent?: number
  /** Extra deliveries of the same notification after it was acknowledged. Default 0. */
  duplicates?: number
}

/** A notification to deliver: its id (kept across retries) and a body builder (re-signed per attempt). */
export interface AlipayNotification {
  notifyId: string
  outTradeNo: string
  tradeStatus: string
  url: string
  /** The form body for an attempt sent at `at`: `notify_time` changes, so it is signed each time. */
  body: (at: number) => string
}

export function createAlipayNotifier(input: {
  clock: SimulatorClock
  log: AlipayDelivery[]
  timeoutMs: number
}) {
  const exhausted: string[] = []

  async function post(n: AlipayNotification, attempt: number, kind: AlipayDelivery['kind']) {
    const at = input.clock.now()
    const record: AlipayDelivery = {
      notifyId: n.notifyId,
      outTradeNo: n.outTradeNo,
      tradeStatus: n.tradeStatus,
      url: n.url,
      attempt,
      kind,
      at,
      status: null,
      acked: false,
    }
    try {
      const res = await fetch(n.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8',
          'User-Agent': 'Mozilla/4.0',
        },
        body: n.body(at),
        signal: AbortSignal.timeout(input.timeoutMs),
      })
      record.status = res.status
      // Alipay looks at the body only: the 7 characters `success`, nothing else.
      record.acked = (await res.text()) === 'success'
    } catch (e) {
      record.error = (e as Error).message
    }
    input.log.push(record)
    return record
  }

  async function attempt(
    n: AlipayNotification,
    i: number,
    options: AlipayDeliveryOptions,
  ): Promise<AlipayDelivery[]> {
    const copies = i === 0 ? Math.max(1, options.concurrent ?? 1) : 1
    const out = await Promise.all(
      Array.from({ length: copies }, (_, c) => post(n, i, c === 0 ? 'genuine' : 'concurrent')),
    )
    if (out.some((d) => d.acked)) {
      for (let d = 0; d < (i === 0 ? (options.duplicates ?? 0) : 0); d++)
        out.push(await post(n, i, 'duplicate'))
      return out
    }
    const wait = ALIPAY_NOTIFY_RETRY_SCHEDULE_MS[i]
    if (wait === undefined) exhausted.push(n.notifyId)
    else input.clock.schedule(input.clock.now() + wait, async () => void (await attempt(n, i + 1, options)))
    return out
  }

  return {
    deliver: (n: AlipayNotification, options: AlipayDeliveryOptions = {}) => attempt(n, 0, options),
    exhausted,
  }
}
